"""Applications to partner marketplaces, their audit trail, staff notes and partner accounts.

An `Application` belongs to a company. A brand-new exporter has no company until step 2 of the
wizard creates it, so a *draft* may briefly have none; a CHECK constraint makes every
application past draft belong to a company. Two partial unique indexes let each company (and,
before it has one, each applicant) hold only one open application per marketplace: the
database, not just the code, enforces it. `version` is an optimistic lock: an UPDATE that did
not see the latest version changes nothing and SQLAlchemy raises, which services report as a
conflict.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplaces.models import Marketplace
from supplier_profiles.models import Company
from tradehub.accounts.models import User
from tradehub.db_types import utcnow
from tradehub.extensions import db


class ApplicationStatus(enum.StrEnum):
    """Where an application is in the workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    INFO_REQUESTED = "info_requested"
    REFERRED = "referred"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """What people read."""
        return _STATUS_LABELS[self]

    @property
    def tag_class(self) -> str:
        """GOV.UK tag colour for the status."""
        return _STATUS_TAGS[self]

    @property
    def is_closed(self) -> bool:
        """Closed applications can no longer move; a new one may be started."""
        return self in CLOSED_STATUSES


_STATUS_LABELS = {
    ApplicationStatus.DRAFT: "Draft",
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.UNDER_REVIEW: "Under review",
    ApplicationStatus.INFO_REQUESTED: "Information requested",
    ApplicationStatus.REFERRED: "Referred to the marketplace",
    ApplicationStatus.ACCEPTED: "Accepted",
    ApplicationStatus.DECLINED: "Declined",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}
_STATUS_TAGS = {
    ApplicationStatus.DRAFT: "govuk-tag--grey",
    ApplicationStatus.SUBMITTED: "govuk-tag--blue",
    ApplicationStatus.UNDER_REVIEW: "govuk-tag--light-blue",
    ApplicationStatus.INFO_REQUESTED: "govuk-tag--yellow",
    ApplicationStatus.REFERRED: "govuk-tag--purple",
    ApplicationStatus.ACCEPTED: "govuk-tag--green",
    ApplicationStatus.DECLINED: "govuk-tag--red",
    ApplicationStatus.WITHDRAWN: "govuk-tag--grey",
}

CLOSED_STATUSES = frozenset(
    {ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN}
)
OPEN_STATUSES = frozenset(ApplicationStatus) - CLOSED_STATUSES

# The same condition, as SQL, for the partial unique indexes (identical on SQLite and PostgreSQL).
_OPEN_SQL = "status NOT IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES)))
_DRAFT_WITHOUT_COMPANY_SQL = "company_id IS NULL AND status = 'draft'"


def _status_enum(name: str, constraint: bool = True) -> Enum:
    # A VARCHAR with a CHECK on every database: adding a state later is a plain migration.
    return Enum(
        ApplicationStatus,
        name=name,
        native_enum=False,
        create_constraint=constraint,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class EventKind(enum.StrEnum):
    """What an audit row records."""

    STATUS = "status"  # a move in the workflow (from -> to)
    ASSIGNMENT = "assignment"  # staff (un)assigned the application; status unchanged


class Application(db.Model):
    """One company's application to sell on one marketplace, with the wizard's answers."""

    __tablename__ = "marketplace_applications"
    __table_args__ = (
        Index(
            "uq_marketplace_applications_open_per_company",
            "company_id",
            "marketplace_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index(
            "uq_marketplace_applications_draft_per_applicant",
            "applicant_id",
            "marketplace_id",
            unique=True,
            sqlite_where=text(_DRAFT_WITHOUT_COMPANY_SQL),
            postgresql_where=text(_DRAFT_WITHOUT_COMPANY_SQL),
        ),
        CheckConstraint("status = 'draft' OR company_id IS NOT NULL", name="company_after_draft"),
        CheckConstraint("sku_count IS NULL OR sku_count >= 1", name="sku_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        _status_enum("application_status"), default=ApplicationStatus.DRAFT, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Step 1: your details
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_job_title: Mapped[str] = mapped_column(String(100), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # Step 2: your business (a copy as applied; the company profile may change later)
    business_name: Mapped[str] = mapped_column(String(255), default="")
    company_number: Mapped[str] = mapped_column(String(8), default="")
    company_type: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    employees: Mapped[str] = mapped_column(String(20), default="")
    turnover: Mapped[str] = mapped_column(String(20), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    # Step 3: your products
    sku_count: Mapped[int | None] = mapped_column(Integer)
    has_trademarks: Mapped[bool | None]
    trademarks: Mapped[str] = mapped_column(Text, default="")
    product_description: Mapped[str] = mapped_column(Text, default="")
    product_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Step 4: your export experience
    export_experience: Mapped[str] = mapped_column(String(20), default="")
    marketplaces_used: Mapped[str] = mapped_column(String(500), default="")
    pitch: Mapped[str] = mapped_column(Text, default="")

    # The highest wizard step saved; 4 means every step has been answered once.
    steps_completed: Mapped[int] = mapped_column(Integer, default=0)
    # The one-time token of the last form that changed the state: a resent form is a no-op.
    last_action_token: Mapped[str | None] = mapped_column(String(64))

    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]  # first submission
    last_submitted_at: Mapped[datetime | None]
    # Set whenever the exporter submits (or answers); cleared when staff respond.
    response_due_at: Mapped[datetime | None] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    referred_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    marketplace: Mapped[Marketplace] = relationship()
    company: Mapped[Company | None] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application",
        order_by="(ApplicationEvent.created_at, ApplicationEvent.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    notes: Mapped[list[ApplicationNote]] = relationship(
        back_populates="application",
        order_by="(ApplicationNote.created_at.desc(), ApplicationNote.id.desc())",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        """The reference people quote: SOO-000123."""
        return f"SOO-{self.id:06d}"

    @property
    def is_open(self) -> bool:
        """Not accepted, declined or withdrawn."""
        return not self.status.is_closed

    @hybrid_method
    def is_overdue(self, now: datetime | None = None) -> bool:
        """Staff owe a response and its deadline has passed (in SQL too, given `now`)."""
        if self.response_due_at is None or self.status not in AWAITING_STAFF:
            return False
        return (now or utcnow()) > self.response_due_at

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue_expression(cls, now: datetime):
        return and_(cls.response_due_at < now, cls.status.in_(AWAITING_STAFF))

    @property
    def status_events(self) -> list[ApplicationEvent]:
        """The moves in the workflow (without assignment records), oldest first."""
        return [e for e in self.events if e.kind == EventKind.STATUS]

    def __repr__(self) -> str:
        return (
            f"<Application {self.id} {self.status.value} "
            f"m={self.marketplace_id} c={self.company_id}>"
        )


# States in which staff owe the exporter a response.
AWAITING_STAFF = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW})


class ApplicationEvent(db.Model):
    """One audit row: who moved the application from which state to which, when and why."""

    __tablename__ = "marketplace_application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("marketplace_applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(
        Enum(
            EventKind,
            name="application_event_kind",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        default=EventKind.STATUS,
    )
    move: Mapped[str] = mapped_column(String(40))  # the workflow move's name, e.g. "refer"
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The role the actor acted in, kept even if the user is later removed or changes role.
    actor_role: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        _status_enum("application_event_from_status")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(
        _status_enum("application_event_to_status")
    )
    # The reason, question, answer or note that went with the move (shown to the exporter).
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ApplicationEvent {self.move} {self.from_status}->{self.to_status}>"


class ApplicationNote(db.Model):
    """An internal staff note: never shown to the exporter or the partner."""

    __tablename__ = "marketplace_application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("marketplace_applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class PartnerAccount(db.Model):
    """Links a partner user to the one marketplace whose referrals they handle."""

    __tablename__ = "marketplace_partner_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    marketplace_id: Mapped[int] = mapped_column(
        ForeignKey("marketplaces.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    marketplace: Mapped[Marketplace] = relationship()

    def __repr__(self) -> str:
        return f"<PartnerAccount user={self.user_id} marketplace={self.marketplace_id}>"
