"""Who may do what: role checks and ownership rules, in one place.

Whole areas are guarded once with `guard_blueprint`, so a new route in the staff or partner
area is protected by default. Packages add their ownership rules here as plain functions.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from tradehub.accounts.models import Role


def _deny_or_sign_in():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    return abort(403)


def guard_blueprint(blueprint: Blueprint, *roles: Role) -> None:
    """Require a signed-in user with one of `roles` for every route of `blueprint`."""

    @blueprint.before_request
    def _check_role():
        if not current_user.is_authenticated or not current_user.has_role(*roles):
            return _deny_or_sign_in()
        return None


def role_required(*roles: Role):
    """Decorator for a single view outside a guarded area."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.has_role(*roles):
                return _deny_or_sign_in()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_staff(user) -> bool:
    """Staff and administrators."""
    return bool(user and user.is_authenticated and user.has_role(Role.STAFF))


# --- supplier_profiles: company ownership ---------------------------------------------------
# Members are owners or editors. Editors change the profile, case studies, logo, publishing and
# enquiries; only the owner manages members and deletes the company.


def _membership(user, company):
    if user is None or not user.is_authenticated or company is None or company.is_deleted:
        return None
    return next((m for m in company.members if m.user_id == user.id), None)


def can_edit_company(user, company) -> bool:
    """Owners and editors of a (not deleted) company."""
    return _membership(user, company) is not None


def can_manage_members(user, company) -> bool:
    """Only the owner invites and removes editors."""
    member = _membership(user, company)
    return member is not None and member.is_owner


def can_delete_company(user, company) -> bool:
    """Only the owner deletes the company."""
    return can_manage_members(user, company)


def can_view_company_media(user, company) -> bool:
    """Logos and pictures: public once the profile is publishable; members and staff always."""
    if company is None or company.is_deleted:
        return False
    return company.is_publishable or can_edit_company(user, company) or is_staff(user)


# --- Marketplace applications (marketplaces.applications) -----------------------------------
# Who may see and move an application. The workflow checks these before every move; views use
# them to answer 404 for applications a user must not know about.


def is_application_member(user, application) -> bool:
    """The user belongs to the applying company, or started this draft before it had one."""
    if user is None or not user.is_authenticated or not user.has_role(Role.EXPORTER):
        return False
    if application.company_id is None:
        return application.applicant_id == user.id
    from supplier_profiles.services import company_for_user

    company = company_for_user(user)
    return company is not None and company.id == application.company_id


def can_review_applications(user) -> bool:
    """Department staff (and administrators) review applications."""
    return is_staff(user)


def partner_marketplace_id(user) -> int | None:
    """The marketplace a partner user acts for, or None (not a partner, or not linked)."""
    if user is None or not user.is_authenticated or user.role != Role.PARTNER:
        return None
    from sqlalchemy import select

    from marketplaces.applications.models import PartnerAccount
    from tradehub.extensions import db

    return db.session.scalar(
        select(PartnerAccount.marketplace_id).where(PartnerAccount.user_id == user.id)
    )


def can_handle_referral(user, application) -> bool:
    """A partner of the application's marketplace, once staff have referred it there."""
    marketplace_id = partner_marketplace_id(user)
    return (
        marketplace_id is not None
        and application.marketplace_id == marketplace_id
        and application.referred_at is not None
    )
