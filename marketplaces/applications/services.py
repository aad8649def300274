"""Application rules outside the state machine: the wizard's drafts, queues, notes, partner
accounts and the CSV export. Functions flush and never commit; the view commits.

The state machine (`workflow`) builds on this module (a draft must be complete to be
submitted), never the other way round.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplaces.applications import permissions
from marketplaces.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationStatus,
    EventKind,
    PartnerAccount,
)
from marketplaces.models import Marketplace
from supplier_profiles.permissions import company_for_user
from supplier_profiles.services.companies import create_company
from tradehub.accounts.models import Role, User
from tradehub.db_types import utcnow
from tradehub.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db

STEPS = {
    1: ("your-details", "Your details"),
    2: ("your-business", "Your business"),
    3: ("your-products", "Your products"),
    4: ("your-experience", "Your export experience"),
}
# The same steps as staff and marketplace partners read them (about the applicant).
STEP_TITLES_FOR_REVIEWERS = {
    1: "Contact details",
    2: "The business",
    3: "Products",
    4: "Export experience",
}
STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("contact_name", "contact_job_title", "contact_email", "contact_phone"),
    2: (
        "business_name",
        "company_number",
        "company_type",
        "website",
        "employees",
        "turnover",
        "postcode",
    ),
    3: ("sku_count", "has_trademarks", "trademarks", "product_description", "product_categories"),
    4: ("export_experience", "marketplaces_used", "pitch"),
}
# Answers a step must have before the application can be submitted.
REQUIRED_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("contact_name", "contact_email", "contact_phone"),
    2: ("business_name", "company_type", "employees", "turnover", "postcode"),
    3: ("sku_count", "has_trademarks", "product_description", "product_categories"),
    4: ("export_experience", "pitch"),
}
NOTE_MAX = 2000


class OpenApplicationExists(NotAllowed):
    """The company (or applicant) already has an open application to this marketplace."""

    def __init__(self, application: Application):
        super().__init__(
            f"You already have an open application to {application.marketplace.name} "
            f"({application.reference}, {application.status.label.lower()})."
        )
        self.application = application


# --- the wizard -----------------------------------------------------------------------------


def find_open_application(
    marketplace_id: int,
    *,
    company_id: int | None,
    applicant_id: int | None = None,
    exclude_id: int | None = None,
) -> Application | None:
    """The open application of this company (or company-less draft of this applicant)."""
    stmt = select(Application).where(
        Application.marketplace_id == marketplace_id, Application.status.in_(OPEN_STATUSES)
    )
    if company_id is not None:
        stmt = stmt.where(Application.company_id == company_id)
    else:
        stmt = stmt.where(
            Application.company_id.is_(None), Application.applicant_id == applicant_id
        )
    if exclude_id is not None:
        stmt = stmt.where(Application.id != exclude_id)
    return db.session.scalar(stmt)


def open_application_for(user: User, marketplace: Marketplace) -> Application | None:
    """The application `user` already has open for `marketplace`, company's or own draft."""
    company = company_for_user(user)
    found = None
    if company is not None:
        found = find_open_application(marketplace.id, company_id=company.id)
    return found or find_open_application(marketplace.id, company_id=None, applicant_id=user.id)


def check_can_apply(user: User, marketplace: Marketplace) -> None:
    """Raise unless `user` may start an application to `marketplace`."""
    if not user.is_authenticated or not user.has_role(Role.EXPORTER):
        raise PermissionDenied("Only UK businesses (exporter accounts) can apply to marketplaces.")
    if not user.email_confirmed:
        raise NotAllowed("Confirm your email address before you apply.")
    if not marketplace.is_published:
        raise NotAllowed(f"{marketplace.name} is not taking applications now.")


def start_application(
    user: User, marketplace: Marketplace, details: dict, *, token: str | None = None
) -> Application:
    """Create a draft from step 1's answers; a resent step 1 returns the draft it made.

    Raises OpenApplicationExists when another open application is in the way.
    """
    check_can_apply(user, marketplace)
    existing = open_application_for(user, marketplace)
    if existing is not None:
        if token and existing.last_action_token == token:
            return existing
        raise OpenApplicationExists(existing)
    company = company_for_user(user)
    application = Application(
        marketplace=marketplace,
        company=company,
        applicant_id=user.id,
        status=ApplicationStatus.DRAFT,
        last_action_token=token,
        steps_completed=1,
    )
    _set_fields(application, 1, details)
    if company is not None:
        _prefill_business(application, company)
    try:
        # A savepoint, so losing a race to the unique index leaves the transaction usable.
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        existing = open_application_for(user, marketplace)
        if existing is None:
            raise
        if token and existing.last_action_token == token:
            return existing
        raise OpenApplicationExists(existing) from None
    db.session.add(
        ApplicationEvent(
            application=application,
            kind=EventKind.STATUS,
            move="start",
            actor_id=user.id,
            actor_role="exporter",
            from_status=None,
            to_status=ApplicationStatus.DRAFT,
        )
    )
    db.session.flush()
    return application


def _prefill_business(application: Application, company) -> None:
    application.business_name = application.business_name or company.name
    application.company_number = application.company_number or (company.number or "")
    application.company_type = application.company_type or company.company_type
    application.website = application.website or company.website
    application.employees = application.employees or company.employees
    application.postcode = application.postcode or company.postal_code[:10]


def initial_answers(application: Application | None, user: User, step: int) -> dict:
    """What a step's form shows first: saved answers, else the user's and company's details."""
    if application is not None and application.steps_completed >= step:
        return {name: getattr(application, name) for name in STEP_FIELDS[step]}
    company = (application.company if application is not None else None) or company_for_user(user)
    if step == 1:
        return {
            "contact_name": user.full_name,
            "contact_email": user.email,
            "contact_phone": company.phone if company else "",
        }
    if step == 2 and company is not None:
        return {
            "business_name": company.name,
            "company_number": company.number or "",
            "company_type": company.company_type,
            "website": company.website,
            "employees": company.employees,
            "postcode": company.postal_code[:10],
        }
    return {}


def _set_fields(application: Application, step: int, data: dict) -> None:
    for name in STEP_FIELDS[step]:
        if name in data:
            value = data[name]
            setattr(application, name, value.strip() if isinstance(value, str) else value)
    if step == 3 and not application.has_trademarks:
        application.trademarks = ""


def _check_editable(application: Application, user: User) -> None:
    if not permissions.is_application_member(user, application):
        raise PermissionDenied("This is not your application.")
    if application.status != ApplicationStatus.DRAFT:
        raise NotAllowed("This application has been sent, so its answers can no longer change.")


def save_step(application: Application, user: User, step: int, data: dict) -> Application:
    """Save one step of a draft; step 2 creates the company profile if the user has none."""
    _check_editable(application, user)
    if step not in STEP_FIELDS:
        raise ValueError(f"no step {step}")
    if step == 3 and data.get("has_trademarks") and not (data.get("trademarks") or "").strip():
        raise ValidationFailed("List your trademarks and where they are registered", "trademarks")
    _set_fields(application, step, data)
    if step == 2:
        _attach_company(application, user)
    application.steps_completed = max(application.steps_completed, step)
    db.session.flush()
    return application


def _attach_company(application: Application, user: User) -> None:
    """Every application belongs to a company: use the user's, or create it from step 2."""
    company = application.company or company_for_user(user)
    if company is None:
        number = application.company_number or None
        try:
            company = create_company(
                user,
                name=application.business_name,
                company_type=application.company_type,
                number=number,
                website=application.website,
                employees=application.employees,
                postal_code=application.postcode,
            )
        except Conflict as exc:
            raise ValidationFailed(
                f"{exc} Ask the person who manages it to add you to the profile, then apply.",
                "company_number" if number else "business_name",
            ) from exc
    if application.company_id == company.id:
        return
    other = find_open_application(
        application.marketplace_id, company_id=company.id, exclude_id=application.id
    )
    if other is not None:
        raise OpenApplicationExists(other)
    application.company = company
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        other = find_open_application(
            application.marketplace_id, company_id=company.id, exclude_id=application.id
        )
        if other is None:
            raise
        raise OpenApplicationExists(other) from None


def first_incomplete_step(application: Application) -> int | None:
    """The first step with a missing answer, or None when the draft can be submitted."""
    for step, names in REQUIRED_FIELDS.items():
        if application.steps_completed < step:
            return step
        for name in names:
            value = getattr(application, name)
            if value is None or value == "" or value == []:
                return step
    if application.has_trademarks and not application.trademarks:
        return 3
    if application.company_id is None:
        return 2
    return None


def check_complete(application: Application) -> None:
    """Raise ValidationFailed naming the first step still to answer."""
    step = first_incomplete_step(application)
    if step is not None:
        raise ValidationFailed(
            f"Answer the questions in “{STEPS[step][1]}” before you submit.", STEPS[step][0]
        )


# --- reading --------------------------------------------------------------------------------


def applications_for_user(user: User) -> list[Application]:
    """The applications of the user's company and the user's own company-less drafts."""
    company = company_for_user(user)
    condition = (Application.company_id.is_(None)) & (Application.applicant_id == user.id)
    if company is not None:
        condition = or_(condition, Application.company_id == company.id)
    return list(
        db.session.scalars(
            select(Application)
            .where(condition)
            .options(selectinload(Application.marketplace), selectinload(Application.events))
            .order_by(Application.updated_at.desc(), Application.id.desc())
        )
    )


@dataclass(frozen=True)
class QueueFilters:
    """The staff queue's filters, read from the query string."""

    status: str = ""
    marketplace_id: int | None = None
    overdue: bool = False
    assigned: str = ""  # "", "me" or "unassigned"


def staff_queue(filters: QueueFilters, user: User, now: datetime | None = None) -> Select:
    """Submitted applications (never unsent drafts), most urgent first."""
    now = now or utcnow()
    stmt = select(Application).where(Application.submitted_at.is_not(None))
    if filters.status:
        stmt = stmt.where(Application.status == ApplicationStatus(filters.status))
    if filters.marketplace_id:
        stmt = stmt.where(Application.marketplace_id == filters.marketplace_id)
    if filters.overdue:
        stmt = stmt.where(Application.is_overdue(now))
    if filters.assigned == "me":
        stmt = stmt.where(Application.assigned_to_id == user.id)
    elif filters.assigned == "unassigned":
        stmt = stmt.where(Application.assigned_to_id.is_(None))
    return stmt.options(
        selectinload(Application.marketplace), selectinload(Application.assigned_to)
    ).order_by(
        Application.response_due_at.is_(None),
        Application.response_due_at,
        Application.last_submitted_at.desc(),
        Application.id.desc(),
    )


def partner_queue(marketplace_id: int) -> Select:
    """Applications referred to one marketplace (including those it has since decided)."""
    return (
        select(Application)
        .where(Application.marketplace_id == marketplace_id, Application.referred_at.is_not(None))
        .order_by(
            Application.status != ApplicationStatus.REFERRED,
            Application.referred_at.desc(),
            Application.id.desc(),
        )
    )


def staff_users() -> list[User]:
    """Active staff who can be assigned applications."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([Role.STAFF, Role.ADMIN]), User.active.is_(True))
            .order_by(User.full_name, User.email)
        )
    )


# --- staff tools ----------------------------------------------------------------------------


def add_note(application: Application, author: User, body: str) -> ApplicationNote:
    """Add an internal staff note (never shown to exporters or partners)."""
    if not permissions.can_review_applications(author):
        raise PermissionDenied("Only staff can add notes.")
    body = (body or "").strip()
    if not body:
        raise ValidationFailed("Enter the note", "body")
    if len(body) > NOTE_MAX:
        raise ValidationFailed(f"The note must be {NOTE_MAX} characters or fewer", "body")
    note = ApplicationNote(application=application, author_id=author.id, body=body)
    db.session.add(note)
    db.session.flush()
    return note


def link_partner_account(user: User, marketplace: Marketplace) -> PartnerAccount:
    """Make `user` (a partner) the representative of `marketplace`; relinks if linked."""
    if user.role != Role.PARTNER:
        raise ValidationFailed(f"{user.email} is not a marketplace partner account.", "user")
    account = db.session.scalar(select(PartnerAccount).where(PartnerAccount.user_id == user.id))
    if account is None:
        account = PartnerAccount(user_id=user.id, marketplace=marketplace)
        db.session.add(account)
    else:
        account.marketplace = marketplace
    db.session.flush()
    return account


def marketplace_choices() -> list[tuple[str, str]]:
    """Every marketplace as (id, name), for linking a partner user to one."""
    rows = db.session.execute(select(Marketplace.id, Marketplace.name).order_by(Marketplace.name))
    return [(str(marketplace_id), name) for marketplace_id, name in rows]


def link_partner_to(user: User, marketplace_id: str) -> None:
    """Link a partner user to the marketplace with this id (the admin area's role link)."""
    link_partner_account(user, db.get_or_404(Marketplace, int(marketplace_id)))


def partner_marketplace_name(user: User) -> str | None:
    """The marketplace a partner user represents, if linked."""
    account = db.session.scalar(select(PartnerAccount).where(PartnerAccount.user_id == user.id))
    return account.marketplace.name if account else None


def partner_users() -> list[tuple[User, PartnerAccount | None]]:
    """Every partner user with their marketplace link (None when not linked)."""
    rows = db.session.execute(
        select(User, PartnerAccount)
        .outerjoin(PartnerAccount, PartnerAccount.user_id == User.id)
        .where(User.role == Role.PARTNER)
        .order_by(User.email)
    ).all()
    return [(user, account) for user, account in rows]


# --- CSV export -----------------------------------------------------------------------------

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    ("Reference", lambda a, now: a.reference),
    ("Marketplace", lambda a, now: a.marketplace.name),
    ("Business", lambda a, now: a.business_name),
    ("Companies House number", lambda a, now: a.company_number),
    ("Status", lambda a, now: a.status.label),
    ("Submitted", lambda a, now: _iso(a.submitted_at)),
    ("Last submitted", lambda a, now: _iso(a.last_submitted_at)),
    ("Response due", lambda a, now: _iso(a.response_due_at)),
    ("Overdue", lambda a, now: "yes" if a.is_overdue(now) else "no"),
    ("Assigned to", lambda a, now: a.assigned_to.email if a.assigned_to else ""),
    ("Contact name", lambda a, now: a.contact_name),
    ("Contact email", lambda a, now: a.contact_email),
    ("Contact phone", lambda a, now: a.contact_phone),
    ("Products (SKUs)", lambda a, now: a.sku_count if a.sku_count is not None else ""),
    ("Export experience", lambda a, now: a.export_experience),
)


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula: quote text starting = + - @ tab CR."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def export_csv(applications, now: datetime | None = None) -> str:
    """The applications as CSV text, one row each, safe to open in a spreadsheet."""
    now = now or utcnow()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for application in applications:
        writer.writerow([csv_safe(get(application, now)) for _, get in CSV_COLUMNS])
    return out.getvalue()
