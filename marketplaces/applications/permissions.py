"""Who may see and move an application: the applying company, staff, the marketplace's partner.

The workflow checks these before every move; views use them to answer 404 for applications a
user must not know about. Role checks come from `tradehub.permissions`, company membership
from `supplier_profiles.permissions`.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplaces.applications.models import Application, PartnerAccount
from supplier_profiles.permissions import company_for_user
from tradehub.accounts.models import Role
from tradehub.extensions import db
from tradehub.permissions import is_staff


def is_application_member(user, application: Application) -> bool:
    """The user belongs to the applying company, or started this draft before it had one."""
    if user is None or not user.is_authenticated or not user.has_role(Role.EXPORTER):
        return False
    if application.company_id is None:
        return application.applicant_id == user.id
    company = company_for_user(user)
    return company is not None and company.id == application.company_id


def can_review_applications(user) -> bool:
    """Department staff (and administrators) review applications."""
    return is_staff(user)


def partner_marketplace_id(user) -> int | None:
    """The marketplace a partner user acts for, or None (not a partner, or not linked)."""
    if user is None or not user.is_authenticated or user.role != Role.PARTNER:
        return None
    return db.session.scalar(
        select(PartnerAccount.marketplace_id).where(PartnerAccount.user_id == user.id)
    )


def can_handle_referral(user, application: Application) -> bool:
    """A partner of the application's marketplace, once staff have referred it there."""
    marketplace_id = partner_marketplace_id(user)
    return (
        marketplace_id is not None
        and application.marketplace_id == marketplace_id
        and application.referred_at is not None
    )
