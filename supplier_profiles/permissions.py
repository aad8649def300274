"""Who may do what with a company: the ownership rules, in one place.

Members are owners or editors. Editors change the profile, case studies, logo, publishing and
enquiries; only the owner manages members and deletes the company. Services check these before
every change; views use them to decide what to show.
"""

from __future__ import annotations

from sqlalchemy import select

from supplier_profiles.models import Company, CompanyMember
from tradehub.extensions import db
from tradehub.permissions import is_staff


def membership_for_user(user) -> CompanyMember | None:
    """The user's membership row (owner or editor) of a company that is not deleted, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or user.id is None:
        return None
    return db.session.scalar(
        select(CompanyMember)
        .join(Company, CompanyMember.company_id == Company.id)
        .where(CompanyMember.user_id == user.id, ~Company.is_deleted)
    )


def company_for_user(user) -> Company | None:
    """The (not deleted) company `user` is a member of, or None."""
    member = membership_for_user(user)
    return member.company if member else None


def _membership(user, company: Company | None) -> CompanyMember | None:
    if user is None or not user.is_authenticated or company is None or company.is_deleted:
        return None
    return next((m for m in company.members if m.user_id == user.id), None)


def can_edit_company(user, company: Company | None) -> bool:
    """Owners and editors of a (not deleted) company."""
    return _membership(user, company) is not None


def can_manage_members(user, company: Company | None) -> bool:
    """Only the owner invites and removes editors."""
    member = _membership(user, company)
    return member is not None and member.is_owner


def can_delete_company(user, company: Company | None) -> bool:
    """Only the owner deletes the company."""
    return can_manage_members(user, company)


def can_view_company_media(user, company: Company | None) -> bool:
    """Logos and pictures: public once the profile is publishable; members and staff always."""
    if company is None or company.is_deleted:
        return False
    return company.is_publishable or can_edit_company(user, company) or is_staff(user)


def can_publish(user) -> bool:
    """Only confirmed accounts publish a profile. An unconfirmed account may draft one (and
    nothing more: no uploads, no publishing, no applying to marketplaces) until the emailed
    link proves its address."""
    return bool(user is not None and getattr(user, "email_confirmed", False))


def can_upload_images(user) -> bool:
    """Only confirmed accounts upload logos and pictures (decoding images costs the server)."""
    return bool(user is not None and getattr(user, "email_confirmed", False))
