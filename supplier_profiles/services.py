"""The rules of supplier profiles. Every function checks the rule, changes state, flushes,
queues side effects and returns; none commits (the view does, once).

Anything a search document shows goes through `_mark_changed`, which writes the search outbox
row in the same transaction (search_index.indexing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import current_app, url_for
from slugify import slugify
from sqlalchemy import func, select

from supplier_profiles import taxonomies, verification
from supplier_profiles.images import CASE_STUDY_BOX, LOGO_BOX, process_image
from supplier_profiles.models import (
    CASE_STUDY_IMAGES_MAX,
    KEYWORD_MAX,
    KEYWORDS_MAX,
    AuditAction,
    CaseStudy,
    CaseStudyImage,
    Company,
    CompanyAuditEntry,
    CompanyInvitation,
    CompanyMember,
    Enquiry,
    EnquiryStatus,
    MemberRole,
)
from supplier_profiles.search_documents import mark_company_changed
from tradehub.accounts.models import Role, User
from tradehub.accounts.tokens import InvalidToken, make_token, read_token
from tradehub.companies_house import CompaniesHouseClient, CompanyProfile
from tradehub.db_types import utcnow
from tradehub.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email
from tradehub.permissions import (
    can_delete_company,
    can_edit_company,
    can_manage_members,
    is_staff,
)

INVITATION_PURPOSE = "company-invitation"
MAX_VERIFICATION_FAILURES = 5

# Profile fields an editor may change through `update_profile`.
PROFILE_FIELDS = (
    "name",
    "summary",
    "description",
    "website",
    "email",
    "phone",
    "employees",
    "region",
    "industries",
    "export_countries",
    "languages",
    "products_services",
    "keywords",
    "twitter_url",
    "facebook_url",
    "linkedin_url",
)
CASE_STUDY_FIELDS = (
    "title",
    "summary",
    "description",
    "industry",
    "website",
    "keywords",
    "testimonial",
    "testimonial_source",
)


# --- helpers ---------------------------------------------------------------------------------


def _mark_changed(company: Company) -> None:
    """Tell search this company's document may have changed (outbox row in this transaction)."""
    db.session.flush()
    mark_company_changed(company.id)


def _audit(company: Company, action: AuditAction, actor: User | None, reason: str = "") -> None:
    db.session.add(
        CompanyAuditEntry(
            company_id=company.id,
            action=action,
            actor_id=actor.id if actor else None,
            reason=reason,
        )
    )


def _require_editor(user: User, company: Company) -> None:
    if not can_edit_company(user, company):
        raise PermissionDenied("You are not a member of this company.")


def _require_staff(user: User) -> None:
    if not is_staff(user):
        raise PermissionDenied("Only department staff can do this.")


def unique_slug(model, text: str, max_length: int = 100, exclude_id: int | None = None) -> str:
    """A URL slug from `text` that no other row of `model` uses ("acme", "acme-2", ...)."""
    base = slugify(text, max_length=max_length, word_boundary=True) or "item"
    candidate, n = base, 1
    while True:
        stmt = select(model.id).where(model.slug == candidate)
        if exclude_id is not None:
            stmt = stmt.where(model.id != exclude_id)
        if db.session.scalar(stmt) is None:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def clean_keywords(raw: Iterable[str] | str) -> list[str]:
    """Keywords from a list or a comma-separated string: trimmed, de-duplicated (case-blind),
    at most KEYWORDS_MAX of at most KEYWORD_MAX characters each (else ValidationFailed)."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: set[str] = set()
    keywords: list[str] = []
    for item in items:
        word = " ".join(str(item).split())
        if not word or word.lower() in seen:
            continue
        if len(word) > KEYWORD_MAX:
            raise ValidationFailed(
                f"Each keyword must be {KEYWORD_MAX} characters or fewer", "keywords"
            )
        seen.add(word.lower())
        keywords.append(word)
    if len(keywords) > KEYWORDS_MAX:
        raise ValidationFailed(f"Enter no more than {KEYWORDS_MAX} keywords", "keywords")
    return keywords


def _check_codes(group: str, codes: Sequence[str], field: str) -> list[str]:
    codes = list(dict.fromkeys(code for code in codes if code))
    bad = [code for code in codes if not taxonomies.is_valid(group, code)]
    if bad:
        raise ValidationFailed(f"Select from the list ({', '.join(bad)} is not an option)", field)
    return codes


# --- companies -------------------------------------------------------------------------------


def company_for_user(user) -> Company | None:
    """The (not deleted) company `user` is a member of, or None."""
    member = membership_for_user(user)
    return member.company if member else None


def membership_for_user(user) -> CompanyMember | None:
    """The user's membership row (owner or editor) of a company that is not deleted, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or user.id is None:
        return None
    return db.session.scalar(
        select(CompanyMember)
        .join(Company, CompanyMember.company_id == Company.id)
        .where(CompanyMember.user_id == user.id, ~Company.is_deleted)
    )


def lookup_company(number: str) -> CompanyProfile:
    """Ask Companies House about `number` (raises CompanyNotFound / CompaniesHouseUnavailable)."""
    return CompaniesHouseClient.from_config(current_app.config).get_company(number)


def create_company(
    owner: User, *, name: str, company_type: str, number: str | None = None, **fields
) -> Company:
    """Create a company with `owner` as its owner and issue its verification code.

    Flushes, never commits. Raises Conflict when the user already belongs to a company or the
    Companies House number already has a profile here, ValidationFailed for a bad type.
    """
    if membership_for_user(owner) is not None:
        raise Conflict("You already belong to a company profile.")
    if not taxonomies.is_valid("company_type", company_type):
        raise ValidationFailed("Select the kind of business", "company_type")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("Enter the business name", "name")
    number = (number or "").strip().upper() or None
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
    _audit(company, AuditAction.CODE_ISSUED, owner, "Issued when the profile was created")
    _mark_changed(company)
    return company


def create_company_from_companies_house(owner: User, profile: CompanyProfile) -> Company:
    """Create a company from a Companies House record; closed companies are refused."""
    if profile.is_closed:
        raise NotAllowed(profile.closed_reason)
    return create_company(
        owner,
        name=profile.name,
        company_type="COMPANIES_HOUSE",
        number=profile.number,
        date_of_creation=profile.date_of_creation,
        sic_codes=list(profile.sic_codes),
        industries=profile.suggested_industries,
        **profile.address,
    )


def update_profile(company: Company, user: User, **changes) -> Company:
    """Change profile fields (see PROFILE_FIELDS), checking codes against the taxonomies."""
    _require_editor(user, company)
    unknown = set(changes) - set(PROFILE_FIELDS)
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
            changes[field] = _check_codes(group, changes[field] or [], field)
    if changes.get("region") and not taxonomies.is_valid("region", changes["region"]):
        raise ValidationFailed("Select a UK region from the list", "region")
    if changes.get("employees") and not taxonomies.is_valid("employees", changes["employees"]):
        raise ValidationFailed("Select the number of employees", "employees")
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(company, field, value if value is not None else "")
    company.updated_at = utcnow()
    _mark_changed(company)
    return company


def set_logo(company: Company, user: User, upload) -> Company:
    """Replace the logo with the uploaded image, checked and re-encoded."""
    _require_editor(user, company)
    image = process_image(upload, "logo", LOGO_BOX)
    company.logo_data = image.data
    company.logo_content_type = image.content_type
    company.logo_updated_at = utcnow()
    db.session.flush()
    return company


def remove_logo(company: Company, user: User) -> Company:
    """Remove the logo."""
    _require_editor(user, company)
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
    _audit(company, AuditAction.DELETED, user)
    _mark_changed(company)


# --- publishing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the profile needs before it can be published."""

    key: str
    text: str
    done: bool


def publish_checklist(company: Company) -> list[ChecklistItem]:
    """Everything publishing needs, done or not."""
    return [
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


def missing_for_publishing(company: Company) -> list[ChecklistItem]:
    """The checklist items not done yet (empty when the company can be published)."""
    return [item for item in publish_checklist(company) if not item.done]


def publish_company(company: Company, user: User) -> Company:
    """Make the profile public and searchable, if the checklist is complete."""
    _require_editor(user, company)
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
        _audit(company, AuditAction.PUBLISHED, user)
        _mark_changed(company)
    return company


def unpublish_company(company: Company, user: User) -> Company:
    """Hide the profile: its page answers 404 and search drops it."""
    _require_editor(user, company)
    if company.published:
        company.published = False
        _audit(company, AuditAction.UNPUBLISHED, user)
        _mark_changed(company)
    return company


# --- verification ----------------------------------------------------------------------------


def issue_verification_code(company: Company, actor: User | None) -> str:
    """A fresh code (the old one stops working) and a clean failure count."""
    company.verification_code = verification.generate_code()
    company.verification_code_issued_at = utcnow()
    company.verification_failures = 0
    _audit(company, AuditAction.CODE_ISSUED, actor)
    db.session.flush()
    return company.verification_code


def record_letter_printed(company: Company, staff: User) -> None:
    """Staff printed the letter to post."""
    _require_staff(staff)
    _audit(company, AuditAction.LETTER_PRINTED, staff)
    db.session.flush()


def verify_with_code(company: Company, user: User, code: str) -> bool:
    """Check the code from the letter. Returns True once verified, False for a wrong code.

    After MAX_VERIFICATION_FAILURES wrong codes the code stops working until staff send a new
    letter, so the code cannot be guessed. The failure count is kept (the view commits it).
    """
    _require_editor(user, company)
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
    company.verified_at = utcnow()
    company.verified_by_id = None
    company.verification_code = None
    company.verification_failures = 0
    _audit(company, AuditAction.VERIFIED_BY_CODE, user)
    _mark_changed(company)
    return True


def staff_verify(company: Company, staff: User, reason: str) -> Company:
    """Staff verify a company themselves (e.g. checked by phone), with a recorded reason."""
    _require_staff(staff)
    if not reason.strip():
        raise ValidationFailed("Enter the reason for verifying", "reason")
    if company.is_verified:
        raise NotAllowed("This company is already verified.")
    company.verified_at = utcnow()
    company.verified_by_id = staff.id
    company.verification_code = None
    company.verification_failures = 0
    _audit(company, AuditAction.VERIFIED_BY_STAFF, staff, reason.strip())
    _mark_changed(company)
    return company


def staff_revoke(company: Company, staff: User, reason: str) -> Company:
    """Staff withdraw verification (and so publication), with a recorded reason."""
    _require_staff(staff)
    if not reason.strip():
        raise ValidationFailed("Enter the reason for revoking verification", "reason")
    if not company.is_verified:
        raise NotAllowed("This company is not verified.")
    company.verified_at = None
    company.verified_by_id = None
    company.published = False
    _audit(company, AuditAction.REVOKED, staff, reason.strip())
    _mark_changed(company)
    return company


def staff_unpublish(company: Company, staff: User, reason: str) -> Company:
    """Moderation: staff take a profile down, with a recorded reason told to the owner."""
    _require_staff(staff)
    if not reason.strip():
        raise ValidationFailed("Enter the reason for unpublishing", "reason")
    if not company.published:
        raise NotAllowed("This profile is not published.")
    company.published = False
    _audit(company, AuditAction.UNPUBLISHED_BY_STAFF, staff, reason.strip())
    owner = company.owner
    if owner is not None:
        queue_email(
            owner.user.email,
            "Your TradeHub profile has been unpublished",
            "supplier_unpublished",
            company=company,
            reason=reason.strip(),
            profile_url=url_for("supplier_exporter.overview", _external=True),
        )
    _mark_changed(company)
    return company


# --- case studies ----------------------------------------------------------------------------


@dataclass
class ImageChange:
    """What to do with one image slot of a case study (position 1..3)."""

    position: int
    upload: object | None = None  # a new file replaces the slot
    caption: str = ""
    remove: bool = False


def _apply_images(study: CaseStudy, changes: Sequence[ImageChange]) -> None:
    existing = {image.position: image for image in study.images}
    for change in changes:
        if not 1 <= change.position <= CASE_STUDY_IMAGES_MAX:
            raise ValueError(f"image position {change.position} out of range")
        field = f"image_{change.position}"
        current = existing.get(change.position)
        if change.remove and current is not None:
            study.images.remove(current)
            continue
        if change.upload is not None:
            processed = process_image(change.upload, field, CASE_STUDY_BOX)
            if current is None:
                current = CaseStudyImage(position=change.position)
                study.images.append(current)
            current.data = processed.data
            current.content_type = processed.content_type
            current.width = processed.width
            current.height = processed.height
            current.created_at = utcnow()
        if current is not None:
            current.caption = (change.caption or "").strip()
        elif change.caption.strip():
            raise ValidationFailed("Choose an image for this caption", field)


def _case_study_values(fields: dict) -> dict:
    unknown = set(fields) - set(CASE_STUDY_FIELDS)
    if unknown:
        raise ValueError(f"not case study fields: {', '.join(sorted(unknown))}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if "title" in values and not values["title"]:
        raise ValidationFailed("Enter a title", "title")
    if "keywords" in values:
        values["keywords"] = clean_keywords(values["keywords"] or [])
    if values.get("industry") and not taxonomies.is_valid("industry", values["industry"]):
        raise ValidationFailed("Select an industry from the list", "industry")
    return values


def add_case_study(
    company: Company, user: User, images: Sequence[ImageChange] = (), **fields
) -> CaseStudy:
    """Add a case study with up to three captioned images."""
    _require_editor(user, company)
    values = _case_study_values(fields)
    study = CaseStudy(
        company=company, slug=unique_slug(CaseStudy, values.get("title", "")), **values
    )
    db.session.add(study)
    _apply_images(study, images)
    company.updated_at = utcnow()
    _mark_changed(company)
    return study


def update_case_study(
    study: CaseStudy, user: User, images: Sequence[ImageChange] = (), **fields
) -> CaseStudy:
    """Change a case study's text and images (the slug stays, so links keep working)."""
    _require_editor(user, study.company)
    for key, value in _case_study_values(fields).items():
        setattr(study, key, value)
    _apply_images(study, images)
    study.updated_at = utcnow()
    study.company.updated_at = utcnow()
    _mark_changed(study.company)
    return study


def delete_case_study(study: CaseStudy, user: User) -> None:
    """Remove a case study and its images."""
    company = study.company
    _require_editor(user, company)
    company.case_studies.remove(study)
    company.updated_at = utcnow()
    _mark_changed(company)


# --- members ---------------------------------------------------------------------------------


def invite_editor(company: Company, inviter: User, email: str) -> CompanyInvitation:
    """Owner invites someone (by email) to edit; they get a signed link."""
    if not can_manage_members(inviter, company):
        raise PermissionDenied("Only the owner can invite people.")
    email = email.strip().lower()
    if any(m.user.email == email for m in company.members):
        raise ValidationFailed("That person is already a member", "email")
    existing_user = db.session.scalar(select(User).where(User.email == email))
    if existing_user is not None and membership_for_user(existing_user) is not None:
        raise ValidationFailed("That person already belongs to another company profile", "email")
    if existing_user is not None and existing_user.role is not Role.EXPORTER:
        raise ValidationFailed(
            "That address belongs to an account that is not a UK business account", "email"
        )
    for old in db.session.scalars(
        select(CompanyInvitation).where(
            CompanyInvitation.company_id == company.id,
            func.lower(CompanyInvitation.email) == email,
            CompanyInvitation.accepted_at.is_(None),
            CompanyInvitation.cancelled_at.is_(None),
        )
    ):
        old.cancelled_at = utcnow()  # a new invitation replaces an older one
    invitation = CompanyInvitation(company=company, email=email, invited_by_id=inviter.id)
    db.session.add(invitation)
    db.session.flush()
    token = make_token(INVITATION_PURPOSE, {"invitation": invitation.id, "email": email})
    queue_email(
        email,
        f"You have been invited to edit {company.name} on TradeHub",
        "supplier_invitation",
        company=company,
        inviter=inviter,
        accept_url=url_for("supplier_exporter.accept_invitation", token=token, _external=True),
        register_url=url_for("accounts.register", _external=True),
        max_age_days=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 86400,
    )
    return invitation


def invitation_from_token(token: str) -> CompanyInvitation:
    """The open invitation a link names (InvalidToken if broken, expired, used or cancelled)."""
    payload = read_token(INVITATION_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    invitation = db.session.get(CompanyInvitation, payload.get("invitation"))
    if invitation is None or not invitation.is_open or invitation.company.is_deleted:
        raise InvalidToken(
            "This invitation has been used or cancelled. Ask the owner for a new one."
        )
    return invitation


def accept_invitation(token: str, user: User) -> CompanyMember:
    """The signed-in invitee joins the company as an editor."""
    invitation = invitation_from_token(token)
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(
            f"This invitation was sent to {invitation.email}. Sign in with "
            "that address to accept it."
        )
    if membership_for_user(user) is not None:
        raise Conflict("You already belong to a company profile.")
    invitation.accepted_at = utcnow()
    member = CompanyMember(
        company_id=invitation.company_id, user_id=user.id, role=MemberRole.EDITOR
    )
    db.session.add(member)
    db.session.flush()
    return member


def cancel_invitation(invitation: CompanyInvitation, user: User) -> None:
    """Owner withdraws an invitation; its link stops working."""
    if not can_manage_members(user, invitation.company):
        raise PermissionDenied("Only the owner can cancel invitations.")
    if invitation.is_open:
        invitation.cancelled_at = utcnow()
        db.session.flush()


def remove_member(company: Company, owner: User, member: CompanyMember) -> None:
    """Owner removes an editor (never the owner)."""
    if not can_manage_members(owner, company):
        raise PermissionDenied("Only the owner can remove members.")
    if member.company_id != company.id:
        raise PermissionDenied("That person is not a member of this company.")
    if member.is_owner:
        raise NotAllowed("The owner cannot be removed.")
    db.session.delete(member)
    db.session.flush()


def open_invitations(company: Company) -> list[CompanyInvitation]:
    """Invitations not yet accepted or cancelled, newest first."""
    return list(
        db.session.scalars(
            select(CompanyInvitation)
            .where(
                CompanyInvitation.company_id == company.id,
                CompanyInvitation.accepted_at.is_(None),
                CompanyInvitation.cancelled_at.is_(None),
            )
            .order_by(CompanyInvitation.created_at.desc())
        )
    )


# --- enquiries -------------------------------------------------------------------------------


def set_enquiry_status(enquiry: Enquiry, user: User, status: EnquiryStatus) -> Enquiry:
    """Move an enquiry between new, replied and archived."""
    _require_editor(user, enquiry.company)
    enquiry.status = status
    db.session.flush()
    return enquiry


def reply_to_enquiry(enquiry: Enquiry, user: User, message: str) -> Enquiry:
    """Email the buyer; their answer goes to the company's contact address (Reply-To)."""
    company = enquiry.company
    _require_editor(user, company)
    message = (message or "").strip()
    if not message:
        raise ValidationFailed("Enter your reply", "message")
    reply_to = company.email or user.email
    queue_email(
        enquiry.email,
        f"Re: {enquiry.subject}",
        "supplier_enquiry_reply",
        reply_to=reply_to,
        enquiry=enquiry,
        company=company,
        sender=user,
        message=message,
    )
    enquiry.status = EnquiryStatus.REPLIED
    enquiry.replied_at = utcnow()
    db.session.flush()
    return enquiry


def count_new_enquiries(company: Company) -> int:
    """How many enquiries nobody has dealt with yet."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Enquiry)
            .where(Enquiry.company_id == company.id, Enquiry.status == EnquiryStatus.NEW)
        )
        or 0
    )
