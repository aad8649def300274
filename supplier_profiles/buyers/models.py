"""What buyers keep on TradeHub: shortlists, saved searches with alerts, and buying requests
(one request, many suppliers) with the matches, responses and audit rows around them.

Every row that belongs to a person names their user id with ON DELETE CASCADE, so deleting an
account removes their shortlist, saved searches and requests (and the responses to them).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from supplier_profiles.models import Company, Enquiry
from tradehub.accounts.models import User
from tradehub.db_types import utcnow
from tradehub.extensions import db
from tradehub.i18n import N_
from tradehub.outbox import OutboxMixin

# Limits shared by forms, services and templates.
SHORTLIST_NOTE_MAX = 500
SAVED_SEARCH_NAME_MAX = 100
REQUEST_TITLE_MAX = 120
REQUEST_DESCRIPTION_MAX = 2000
REQUEST_UNIT_MAX = 40
RESPONSE_MESSAGE_MAX = 2000
RESPONSE_TERM_MAX = 120
REJECTION_REASON_MAX = 1000


def _enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        enum_cls, name=name, values_callable=lambda e: [m.value for m in e], validate_strings=True
    )


class AlertFrequency(enum.StrEnum):
    """How often a saved search emails its new suppliers."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    @property
    def label(self) -> str:
        """Words for forms and lists."""
        return {"daily": N_("Daily"), "weekly": N_("Weekly"), "off": N_("No emails")}[self.value]


class RequestStatus(enum.StrEnum):
    """Where a buying request is: waiting for staff, open to suppliers, rejected or closed."""

    PENDING = "pending"
    OPEN = "open"
    REJECTED = "rejected"
    CLOSED = "closed"


class CloseReason(enum.StrEnum):
    """Why a request stopped taking responses."""

    DEADLINE = "deadline"
    RESPONSES = "responses"
    BUYER = "buyer"


class ResponseNotice(enum.StrEnum):
    """How the buyer hears about responses: one email each, or one a day."""

    EACH = "each"
    DAILY = "daily"


class RequestAuditAction(enum.StrEnum):
    """Traceable moves of a buying request."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    AUTO_APPROVED = "auto_approved"
    REJECTED = "rejected"
    CLOSED = "closed"


class ShortlistEntry(db.Model):
    """A supplier a user keeps on their shortlist, with their own note."""

    __tablename__ = "shortlist_entries"
    __table_args__ = (UniqueConstraint("user_id", "company_id", name="uq_shortlist_user_company"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(String(SHORTLIST_NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship()


class SavedSearch(OutboxMixin, db.Model):
    """A Find a Supplier search kept with a name; `next_attempt_at` is when its alert is due.

    It is an outbox row (tradehub.outbox): alert workers claim due rows with SKIP LOCKED, and a
    run that fails (search down) backs off like any outbox row.
    """

    __tablename__ = "saved_searches"

    RETRY_BASE_SECONDS = 300
    RETRY_MAX_SECONDS = 6 * 3600

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(SAVED_SEARCH_NAME_MAX))
    query_text: Mapped[str] = mapped_column(String(200), default="")
    filters: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # The site language it was saved in (tradehub.i18n tag: "en", "de", "zh-Hans"): its alerts
    # search in it (cross-language search) and link to the page in it.
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    frequency: Mapped[AlertFrequency] = mapped_column(
        _enum(AlertFrequency, "alert_frequency"), default=AlertFrequency.WEEKLY
    )
    last_alert_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SavedSearchSeen(db.Model):
    """A supplier a saved search has already shown its owner: never alerted again."""

    __tablename__ = "saved_search_seen"

    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BuyingRequest(db.Model):
    """One buyer's request for quotation, answered by many suppliers."""

    __tablename__ = "buying_requests"
    __table_args__ = (Index("ix_buying_requests_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(REQUEST_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text)
    industry: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[int | None]
    unit: Mapped[str] = mapped_column(String(REQUEST_UNIT_MAX), default="")
    destination_country: Mapped[str] = mapped_column(String(2))
    deadline: Mapped[date] = mapped_column(Date)
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_currency: Mapped[str] = mapped_column(String(3), default="")
    response_notice: Mapped[ResponseNotice] = mapped_column(
        _enum(ResponseNotice, "response_notice"), default=ResponseNotice.EACH
    )
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus, "buying_request_status"), default=RequestStatus.PENDING
    )
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    close_reason: Mapped[CloseReason | None] = mapped_column(_enum(CloseReason, "close_reason"))
    sender_ip: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # When the periodic job next offers the request to newly published suppliers / digests.
    next_match_at: Mapped[datetime | None] = mapped_column(index=True)
    next_digest_at: Mapped[datetime | None] = mapped_column(index=True)

    buyer: Mapped[User] = relationship()
    responses: Mapped[list[BuyingRequestResponse]] = relationship(
        back_populates="request", order_by="BuyingRequestResponse.id"
    )

    @hybrid_method
    def is_open_on(self, today: date) -> bool:
        """Approved, not closed, and its deadline (a UK date, inclusive) has not passed."""
        return self.status is RequestStatus.OPEN and self.deadline >= today

    @is_open_on.expression
    @classmethod
    def _is_open_on_expression(cls, today: date) -> ColumnElement[bool]:
        return and_(cls.status == RequestStatus.OPEN, cls.deadline >= today)

    def display_status(self, today: date) -> str:
        """What the buyer reads: waiting, open, rejected, or closed (and why); English, marked
        for translation (templates show it through gettext)."""
        if self.status is RequestStatus.OPEN and self.deadline < today:
            return N_("Closed: the deadline passed")
        if self.status is RequestStatus.CLOSED:
            return {
                CloseReason.DEADLINE: N_("Closed: the deadline passed"),
                CloseReason.RESPONSES: N_("Closed: it had 10 responses"),
                CloseReason.BUYER: N_("Closed by you"),
                None: N_("Closed"),
            }[self.close_reason]
        return {
            RequestStatus.PENDING: N_("Waiting for approval"),
            RequestStatus.OPEN: N_("Open"),
            RequestStatus.REJECTED: N_("Rejected"),
        }[self.status]


class BuyingRequestMatch(db.Model):
    """A company a request was offered to (once: unique per request and company)."""

    __tablename__ = "buying_request_matches"
    __table_args__ = (UniqueConstraint("request_id", "company_id", name="uq_buying_request_match"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("buying_requests.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    # False: matched on approval; True: published later and offered while the request was open.
    late: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[BuyingRequest] = relationship()
    company: Mapped[Company] = relationship()


class BuyingRequestResponse(db.Model):
    """A supplier's answer to a request: one per company, editable until the buyer reads it."""

    __tablename__ = "buying_request_responses"
    __table_args__ = (
        UniqueConstraint("request_id", "company_id", name="uq_buying_request_response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("buying_requests.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text)
    price: Mapped[str] = mapped_column(String(RESPONSE_TERM_MAX), default="")
    lead_time: Mapped[str] = mapped_column(String(RESPONSE_TERM_MAX), default="")
    minimum_order: Mapped[str] = mapped_column(String(RESPONSE_TERM_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    read_at: Mapped[datetime | None]
    buyer_notified_at: Mapped[datetime | None]
    # The enquiry thread the buyer's reply opened (the company's inbox then has the address).
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id", ondelete="SET NULL"))

    request: Mapped[BuyingRequest] = relationship(back_populates="responses")
    company: Mapped[Company] = relationship()
    enquiry: Mapped[Enquiry | None] = relationship()


class BuyingRequestAudit(db.Model):
    """Who submitted, approved, rejected or closed a request, when, and why."""

    __tablename__ = "buying_request_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("buying_requests.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[RequestAuditAction] = mapped_column(
        _enum(RequestAuditAction, "buying_request_audit_action")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
