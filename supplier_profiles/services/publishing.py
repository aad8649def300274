"""Whether buyers may see a company: verification (by the posted code or by staff), publishing
against the checklist, and staff moderation. Each transition writes an audit row.

The editor's, staff's and importer's entry points all go through the same transitions below,
so the publish checklist and the audit trail cannot be skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from supplier_profiles import verification
from supplier_profiles.models import AuditAction, Company
from supplier_profiles.permissions import can_publish
from supplier_profiles.services.common import audit, mark_changed, require_editor, require_staff
from tradehub.accounts.models import User
from tradehub.companies_house import CLOSED_STATUSES
from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed, ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email

MAX_VERIFICATION_FAILURES = 5

UNCONFIRMED_MESSAGE = (
    "Confirm your email address before you publish your profile: follow the link we emailed "
    "you. You can ask for a new link on this page."
)


# --- the checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the profile needs before it can be published."""

    key: str
    text: str
    done: bool


def publish_checklist(company: Company) -> list[ChecklistItem]:
    """Everything publishing needs, done or not. Reads only `is_verified`, `email`, `summary`
    and `description` (and a Companies House status, when there is one), so the importer
    checks a line with it before any row exists."""
    items = [
        ChecklistItem(
            "verified", "Verify your company with the code we post to you", company.is_verified
        ),
        ChecklistItem("email", "Add a contact email address", bool(company.email)),
        ChecklistItem(
            "summary",
            "Add a summary or a description of what the business does",
            bool(company.summary or company.description),
        ),
    ]
    if getattr(company, "companies_house_status", None) in CLOSED_STATUSES:
        # Only listed while it blocks: Companies House must list the company as open again.
        items.append(ChecklistItem("companies_house", closed_message(company), False))
    return items


def missing_for_publishing(company: Company) -> list[ChecklistItem]:
    """The checklist items not done yet (empty when the company can be published)."""
    return [item for item in publish_checklist(company) if not item.done]


# --- transitions -----------------------------------------------------------------------------


def _verify(
    company: Company, action: AuditAction, actor: User | None, reason: str = "", by_staff=None
) -> None:
    company.verified_at = utcnow()
    company.verified_by_id = by_staff.id if by_staff is not None else None
    company.verification_requested_at = None
    company.verification_code = None
    company.verification_failures = 0
    audit(company, action, actor, reason)


def _revoke(company: Company, actor: User | None, reason: str) -> None:
    company.verified_at = None
    company.verified_by_id = None
    company.published = False
    audit(company, AuditAction.REVOKED, actor, reason)


def _publish(company: Company, actor: User | None, reason: str = "") -> None:
    if company.companies_house_status in CLOSED_STATUSES:
        raise NotAllowed(closed_message(company))
    missing = missing_for_publishing(company)
    if missing:
        raise NotAllowed(
            "Your profile is not ready to publish: "
            + "; ".join(item.text.lower() for item in missing)
            + "."
        )
    if not company.published:
        company.published = True
        company.published_at = utcnow()
        audit(company, AuditAction.PUBLISHED, actor, reason)


def _unpublish(
    company: Company, actor: User | None, action=AuditAction.UNPUBLISHED, reason: str = ""
) -> None:
    company.published = False
    audit(company, action, actor, reason)


def closed_message(company: Company) -> str:
    """Why a company Companies House lists as closed cannot be shown to buyers."""
    status = company.companies_house_status or ""
    return (
        f"Companies House lists {company.name} ({company.number}) as "
        f"{CLOSED_STATUSES.get(status, status)}, so its profile cannot be published."
    )


# --- the exporter ----------------------------------------------------------------------------


def publish_company(company: Company, user: User) -> Company:
    """Make the profile public and searchable, if the checklist is complete."""
    require_editor(user, company)
    if not can_publish(user):
        raise NotAllowed(UNCONFIRMED_MESSAGE)
    was_published = company.published
    _publish(company, user)
    if not was_published:
        mark_changed(company)
    return company


def unpublish_company(company: Company, user: User) -> Company:
    """Hide the profile: its page answers 404 and search drops it."""
    require_editor(user, company)
    if company.published:
        _unpublish(company, user)
        mark_changed(company)
    return company


def issue_verification_code(company: Company, actor: User | None) -> str:
    """A fresh code (the old one stops working) and a clean failure count."""
    company.verification_code = verification.generate_code()
    company.verification_code_issued_at = utcnow()
    company.verification_failures = 0
    audit(company, AuditAction.CODE_ISSUED, actor)
    db.session.flush()
    return company.verification_code


def verify_with_code(company: Company, user: User, code: str) -> bool:
    """Check the code from the letter. Returns True once verified, False for a wrong code.

    After MAX_VERIFICATION_FAILURES wrong codes the code stops working until staff send a new
    letter, so the code cannot be guessed. The failure count is kept (the view commits it).
    """
    require_editor(user, company)
    if company.is_verified:
        return True
    if company.verification_failures >= MAX_VERIFICATION_FAILURES or not company.verification_code:
        raise NotAllowed(
            "This code can no longer be used because it was entered wrongly too "
            "many times. Contact us and we will post you a new letter."
        )
    if not verification.code_matches(company.verification_code, code):
        company.verification_failures += 1
        db.session.flush()
        return False
    _verify(company, AuditAction.VERIFIED_BY_CODE, user)
    mark_changed(company)
    return True


# Businesses Companies House does not register: no company number to post a letter against
# from its records, so staff check them and the owner asks for it (request_verification).
STAFF_CHECKED_TYPES = frozenset({"SOLE_TRADER", "PARTNERSHIP", "CHARITY", "OTHER"})
VERIFICATION_WORKING_DAYS = 5


def asks_staff_to_verify(company: Company) -> bool:
    """True for a business staff verify on request (not registered with Companies House)."""
    return company.company_type in STAFF_CHECKED_TYPES


def request_verification(company: Company, user: User) -> bool:
    """A sole trader, partnership, charity or other business asks staff to verify it: it joins
    the staff queue and the member who asked is emailed what happens next. Returns False when
    it had already asked (nothing is sent again)."""
    require_editor(user, company)
    if company.is_verified:
        raise NotAllowed("Your company is already verified.")
    if not asks_staff_to_verify(company):
        raise NotAllowed(
            "Companies registered with Companies House are verified with the code in the letter "
            "we post to the registered address."
        )
    if company.verification_requested_at is not None:
        return False
    company.verification_requested_at = utcnow()
    audit(company, AuditAction.VERIFICATION_REQUESTED, user)
    queue_email(
        user.email,
        "We will check your business: what happens next",
        "verification_requested",
        user=user,
        company=company,
        working_days=VERIFICATION_WORKING_DAYS,
        evidence=VERIFICATION_EVIDENCE.get(company.company_type, VERIFICATION_EVIDENCE["OTHER"]),
        verify_url=url_for("supplier_profiles_exporter.verify", _external=True),
    )
    db.session.flush()
    return True


# What staff ask each kind of business for (the email and the exporter's page say it).
VERIFICATION_EVIDENCE = {
    "SOLE_TRADER": "your Unique Taxpayer Reference (UTR) or VAT registration, and a recent bill "
    "or bank statement showing the business address",
    "PARTNERSHIP": "the partnership's Unique Taxpayer Reference (UTR) or VAT registration, the "
    "names of the partners, and a recent bill or bank statement showing the business address",
    "CHARITY": "your charity number (Charity Commission, OSCR or the Charity Commission for "
    "Northern Ireland); we check it against the register",
    "OTHER": "a registration number (VAT, HMRC or a regulator) and a recent bill or bank "
    "statement showing the business address",
}


def decline_verification_request(company: Company, staff: User, reason: str) -> Company:
    """Staff could not verify a business that asked (the evidence did not match, no answer):
    it leaves the queue, the reason is recorded and the owner is told it and may ask again."""
    require_staff(staff)
    reason = _reason(reason, "Enter why you cannot verify this business")
    if company.is_verified or company.verification_requested_at is None:
        raise NotAllowed("This business has no verification request waiting.")
    company.verification_requested_at = None
    audit(company, AuditAction.VERIFICATION_DECLINED, staff, reason)
    owner = company.owner
    if owner is not None:
        queue_email(
            owner.user.email,
            "We could not verify your business",
            "verification_declined",
            company=company,
            reason=reason,
            verify_url=url_for("supplier_profiles_exporter.verify", _external=True),
        )
    db.session.flush()
    return company


def verification_queue():
    """Companies waiting for staff to verify them on request, oldest request first."""
    return (
        select(Company)
        .where(Company.verification_requested_at.is_not(None))
        .where(~Company.is_verified)
        .where(~Company.is_deleted)
        .order_by(Company.verification_requested_at, Company.id)
    )


# --- staff -----------------------------------------------------------------------------------


def record_letter_printed(company: Company, staff: User) -> None:
    """Staff printed the letter to post."""
    require_staff(staff)
    audit(company, AuditAction.LETTER_PRINTED, staff)
    db.session.flush()


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(message, "reason")
    return reason


def staff_verify(company: Company, staff: User, reason: str) -> Company:
    """Staff verify a company themselves (e.g. checked by phone), with a recorded reason."""
    require_staff(staff)
    reason = _reason(reason, "Enter the reason for verifying")
    if company.is_verified:
        raise NotAllowed("This company is already verified.")
    _verify(company, AuditAction.VERIFIED_BY_STAFF, staff, reason, by_staff=staff)
    mark_changed(company)
    return company


def staff_revoke(company: Company, staff: User, reason: str) -> Company:
    """Staff withdraw verification (and so publication), with a recorded reason."""
    require_staff(staff)
    reason = _reason(reason, "Enter the reason for revoking verification")
    if not company.is_verified:
        raise NotAllowed("This company is not verified.")
    _revoke(company, staff, reason)
    mark_changed(company)
    return company


def staff_unpublish(company: Company, staff: User, reason: str) -> Company:
    """Moderation: staff take a profile down, with a recorded reason told to the owner."""
    require_staff(staff)
    reason = _reason(reason, "Enter the reason for unpublishing")
    if not company.published:
        raise NotAllowed("This profile is not published.")
    _unpublish(company, staff, AuditAction.UNPUBLISHED_BY_STAFF, reason)
    owner = company.owner
    if owner is not None:
        queue_email(
            owner.user.email,
            "Your TradeHub profile has been unpublished",
            "supplier_unpublished",
            company=company,
            reason=reason,
            profile_url=url_for("supplier_profiles_exporter.overview", _external=True),
        )
    mark_changed(company)
    return company


# --- Companies House re-check (supplier_profiles.recheck) -----------------------------------


def unpublish_closed_company(company: Company) -> None:
    """Companies House now lists the company as closed: hide it from buyers and search, with an
    audit entry, and tell the owner by email."""
    reason = closed_message(company)
    _unpublish(company, None, AuditAction.UNPUBLISHED, reason)
    owner = company.owner
    if owner is not None:
        queue_email(
            owner.user.email,
            "Your TradeHub profile has been unpublished",
            "supplier_closed_at_companies_house",
            company=company,
            reason=reason,
            profile_url=url_for("supplier_profiles_exporter.overview", _external=True),
        )
    mark_changed(company)


# --- bulk import -----------------------------------------------------------------------------


def apply_imported_state(company: Company, *, verified: bool, published: bool, source: str) -> None:
    """Set verification and publication as an import file says, through the same transitions
    (publish checklist, audit rows "Set by <source>"). The caller flushes a new company first
    and marks it for search once. Raises NotAllowed when the checklist is not complete."""
    reason = f"Set by {source}"
    if verified and not company.is_verified:
        _verify(company, AuditAction.VERIFIED_BY_STAFF, None, reason)
    elif not verified and company.is_verified:
        _revoke(company, None, reason)
    if published and not company.published:
        _publish(company, None, reason)
    elif not published and company.published:
        _unpublish(company, None, AuditAction.UNPUBLISHED, reason)
