"""The search indexing outbox: one row per document that must be refreshed in the index.

A row is written in the same transaction as the change it describes, so the index can never miss
a committed change: if applying it fails (engine down, crash) the row stays and `flask search
sync` applies it later. `document_id` is the id the registered document source uses (a
company's id for supplier profiles); there is deliberately no foreign key: the row of a record
that was hard-deleted must survive so its document is removed from the index too.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

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
