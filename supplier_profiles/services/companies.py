"""Companies: creating one (by hand or from Companies House), editing the profile and logo,
deleting it."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from supplier_profiles import taxonomies, verification
from supplier_profiles.images import LOGO_BOX, UNCONFIRMED, process_image
from supplier_profiles.keywords import clean_keywords
from supplier_profiles.models import (
    EDITABLE_PROFILE_FIELDS,
    AuditAction,
    Company,
    CompanyInvitation,
    CompanyMember,
    MemberRole,
)
from supplier_profiles.permissions import (
    can_delete_company,
    can_upload_images,
    membership_for_user,
)
from supplier_profiles.services.common import (
    audit,
    check_codes,
    mark_changed,
    require_editor,
    unique_slug,
)
from tradehub.accounts.models import User
from tradehub.companies_house import (
    CompaniesHouseClient,
    CompanyProfile,
    is_company_number,
    normalise_company_number,
)
from tradehub.db_types import utcnow
from tradehub.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db


def lookup_company(number: str) -> CompanyProfile:
    """Ask Companies House about `number` (raises CompanyNotFound / CompaniesHouseUnavailable)."""
    return CompaniesHouseClient.from_config(current_app.config).get_company(number)


def create_company(
    owner: User, *, name: str, company_type: str, number: str | None = None, **fields
) -> Company:
    """Create a company with `owner` as its owner and issue its verification code.

    Flushes, never commits. Raises Conflict when the user already belongs to a company or the
    Companies House number already has a profile here, ValidationFailed for a bad type, name
    or number.
    """
    if membership_for_user(owner) is not None:
        raise Conflict("You already belong to a company profile.")
    if not taxonomies.is_valid("company_type", company_type):
        raise ValidationFailed("Select the kind of business", "company_type")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("Enter the business name", "name")
    number = normalise_company_number(number) or None
    if number is not None and not is_company_number(number):
        raise ValidationFailed(
            "Enter a Companies House number in the correct format, like 01234567 or SC123456",
            "number",
        )
    if (
        number is not None
        and db.session.scalar(select(Company.id).where(Company.number == number)) is not None
    ):
        raise Conflict(
            f"Company {number} already has a profile on TradeHub. Ask its owner to invite you."
        )
    company = Company(
        name=name,
        company_type=company_type,
        number=number,
        slug=unique_slug(Company, name),
        verification_code=verification.generate_code(),
        verification_code_issued_at=utcnow(),
        **fields,
    )
    db.session.add(company)
    db.session.add(CompanyMember(company=company, user_id=owner.id, role=MemberRole.OWNER))
    db.session.flush()
    audit(company, AuditAction.CODE_ISSUED, owner, "Issued when the profile was created")
    mark_changed(company)
    return company


# How long a Companies House status is trusted before `flask suppliers recheck` asks again.
COMPANIES_HOUSE_RECHECK_INTERVAL = timedelta(days=30)


def record_companies_house_status(
    company: Company, status: str, checked_at: datetime | None = None
) -> None:
    """Keep what Companies House just said about the company's status, and when (every time
    the app consults Companies House: at creation and at each re-check)."""
    checked_at = checked_at or utcnow()
    company.companies_house_status = (status or "unknown")[:40]
    company.companies_house_checked_at = checked_at
    company.companies_house_failures = 0
    company.companies_house_next_check_at = checked_at + COMPANIES_HOUSE_RECHECK_INTERVAL


def create_company_from_companies_house(owner: User, profile: CompanyProfile) -> Company:
    """Create a company from a Companies House record; closed companies are refused. Its SIC
    codes suggest the first industries (the exporter confirms or changes them)."""
    if profile.is_closed:
        raise NotAllowed(profile.closed_reason)
    if profile.is_registered_outside_uk:
        raise NotAllowed(profile.outside_uk_reason)
    company = create_company(
        owner,
        name=profile.name,
        company_type="COMPANIES_HOUSE",
        number=profile.number,
        date_of_creation=profile.date_of_creation,
        sic_codes=list(profile.sic_codes),
        industries=taxonomies.industries_for_sic(profile.sic_codes),
        **profile.address,
    )
    record_companies_house_status(company, profile.status)
    return company


def update_profile(company: Company, user: User, **changes) -> Company:
    """Change profile fields (models.EDITABLE_PROFILE_FIELDS), checking codes against the
    taxonomies."""
    require_editor(user, company)
    unknown = set(changes) - set(EDITABLE_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = " ".join((changes["name"] or "").split())
        if not changes["name"]:
            raise ValidationFailed("Enter the business name", "name")
    if "keywords" in changes:
        changes["keywords"] = clean_keywords(changes["keywords"])
    for field, group in (
        ("industries", "industry"),
        ("export_countries", "country"),
        ("languages", "language"),
        ("products_services", "products_services"),
    ):
        if field in changes:
            changes[field] = check_codes(group, changes[field] or [], field)
    if changes.get("region") and not taxonomies.is_valid("region", changes["region"]):
        raise ValidationFailed("Select a UK region from the list", "region")
    if changes.get("employees") and not taxonomies.is_valid("employees", changes["employees"]):
        raise ValidationFailed("Select the number of employees", "employees")
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(company, field, value if value is not None else "")
    company.updated_at = utcnow()
    mark_changed(company)
    return company


def set_logo(company: Company, user: User, upload) -> Company:
    """Replace the logo with the uploaded image, checked and re-encoded."""
    require_editor(user, company)
    if not can_upload_images(user):
        raise ValidationFailed(UNCONFIRMED, "logo")
    image = process_image(upload, "logo", LOGO_BOX)
    company.logo_data = image.data
    company.logo_content_type = image.content_type
    company.logo_updated_at = utcnow()
    db.session.flush()
    return company


def remove_logo(company: Company, user: User) -> Company:
    """Remove the logo."""
    require_editor(user, company)
    company.logo_data = None
    company.logo_content_type = None
    company.logo_updated_at = None
    db.session.flush()
    return company


def delete_company(company: Company, user: User) -> None:
    """Owner only: the company disappears everywhere; its number can be registered again.

    The row is kept (enquiries, audit trail) with its memberships removed.
    """
    if not can_delete_company(user, company):
        raise PermissionDenied("Only the owner can delete the company.")
    company.deleted_at = utcnow()
    company.published = False
    company.number = None
    company.verification_code = None
    for member in list(company.members):
        db.session.delete(member)
    for invitation in db.session.scalars(
        select(CompanyInvitation).where(
            CompanyInvitation.company_id == company.id,
            CompanyInvitation.accepted_at.is_(None),
            CompanyInvitation.cancelled_at.is_(None),
        )
    ):
        invitation.cancelled_at = utcnow()
    audit(company, AuditAction.DELETED, user)
    mark_changed(company)
