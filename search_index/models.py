"""The search indexing outbox: one row per document that must be refreshed in the index.

A row is written in the same transaction as the change it describes, so the index can never miss
a committed change: if applying it fails (engine down, crash) the row stays and `flask search
sync` applies it later. `document_id` is the id the registered document source uses (a
company's id for supplier profiles); there is deliberately no foreign key: the row of a record
that was hard-deleted must survive so its document is removed from the index too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.db_types import UTCDateTime, utcnow
from tradehub.extensions import db
from tradehub.outbox import OutboxMixin

OP_UPSERT = "upsert"
OP_DELETE = "delete"
OPS = (OP_UPSERT, OP_DELETE)


class SearchOutbox(OutboxMixin, db.Model):
    """A document that must be rebuilt (upsert) or removed (delete) in the index.

    `op` records what the change looked like when it was written; when the row is applied the
    document source decides (a document it loads then is upserted, anything else deleted).
    Failed rows back off 5 s, 10 s, 20 s ... at most 10 minutes, and are never given up.
    """

    RETRY_BASE_SECONDS = 5
    RETRY_MAX_SECONDS = 600

    __tablename__ = "search_outbox"
    __table_args__ = (
        CheckConstraint("op IN ('upsert', 'delete')", name="op"),
        Index("ix_search_outbox_next_attempt_at", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(String(10), default=OP_UPSERT)

    def __repr__(self) -> str:
        return (
            f"<SearchOutbox {self.id} document={self.document_id} {self.op}"
            f" attempts={self.attempts}>"
        )


class SearchGeneration(db.Model):
    """The live index's generation (one row): raised after each change to the index became
    visible to searches (an outbox batch applied, a reindex swapped in). Every process keeps
    results keyed by it (search_index.result_cache), so a change anywhere ends them everywhere.
    """

    __tablename__ = "search_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)


# -- staff search insights (issue #9) --------------------------------------------------------


class SearchEvent(db.Model):
    """One buyer search (results page or API), without personal data: the normalised text
    (search_index.insights.normalise_text), filters, result count, backend, latency, page."""

    __tablename__ = "search_events"
    __table_args__ = (Index("ix_search_events_at", "at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(String(200), default="")
    filters: Mapped[str] = mapped_column(Text, default="{}")
    results: Mapped[int] = mapped_column(Integer, default=0)
    backend: Mapped[str] = mapped_column(String(20), default="")
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    page: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(10), default="page")


class SearchClick(db.Model):
    """A click from a results page to a profile, with the result's position (1 = first)."""

    __tablename__ = "search_clicks"
    __table_args__ = (Index("ix_search_clicks_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[str] = mapped_column(String(32), index=True)
    position: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


# -- staff-managed synonyms (issue #9) -------------------------------------------------------


class SearchSynonymGroup(db.Model):
    """Words and phrases staff made equivalent for buyer searches ("hooch, moonshine").

    Applied at search time on both backends (search_index.synonyms), on top of the reviewed
    vocabulary file."""

    __tablename__ = "search_synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def entry_list(self) -> list[str]:
        return [e.strip() for e in self.entries.split(",") if e.strip()]


class SearchSynonymAudit(db.Model):
    """Who added, changed or removed a synonym group, and what it said before and after.

    No foreign key to the group: the audit of a removed group stays."""

    __tablename__ = "search_synonym_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))
    before: Mapped[str] = mapped_column(String(500), default="")
    after: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
