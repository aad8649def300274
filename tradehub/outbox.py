"""The one transactional outbox base: rows written with a change, applied after commit, retried.

A feature writes an outbox row in the same transaction as the change it describes, then applies
it after the commit (see `tradehub.after_commit`); a CLI worker retries what failed. Both the
email outbox (`tradehub.mail.OutboxEmail`) and the search outbox (`search_index.models`) use
this module, so claiming, attempts, back-off and the last error work the same way in both.

The API (stable; feature packages code against these names):

- `OutboxMixin`: list it before `db.Model` in a model with an integer primary key `id`
  (`class MyOutbox(OutboxMixin, db.Model)`). It adds the columns `created_at`, `attempts`,
  `next_attempt_at` and `last_error`, and the class attributes `RETRY_BASE_SECONDS`,
  `RETRY_MAX_SECONDS` (back-off) and `MAX_ATTEMPTS` (None: never give up; otherwise rows with
  that many attempts are no longer due). Override them per model.
- `retry_delay(attempts, base, cap) -> timedelta`: base, 2 x base, 4 x base ... at most cap.
- `record_failure(rows, exc, now)`: count one more attempt on each row, keep the error message,
  and schedule the next attempt with the row class's back-off.
- `claim(model, *where, limit, ids=None, due_only=True, after_id=0) -> list`: lock and return
  up to `limit` rows (None: no limit) with `id > after_id`, oldest first, that match `where`,
  skipping rows another worker holds (`SELECT ... FOR UPDATE SKIP LOCKED`; on SQLite, which has
  no row locks, it takes the database write lock first). With `ids` only those rows are
  claimed, due or not; otherwise `due_only` keeps rows whose next attempt has come and that
  have not used up `MAX_ATTEMPTS`. The locks last until the caller commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import ClassVar, TypeVar

from sqlalchemy import Text, false, select, update
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.db_types import utcnow
from tradehub.extensions import db
from tradehub.metrics import OUTBOX_FAILED_ATTEMPTS

# Error messages are kept for people reading `flask ... status`; a traceback-sized one is cut.
MAX_ERROR_LENGTH = 2000

Row = TypeVar("Row", bound="OutboxMixin")


class OutboxMixin:
    """Columns and retry settings every outbox row has."""

    RETRY_BASE_SECONDS: ClassVar[int] = 60
    RETRY_MAX_SECONDS: ClassVar[int] = 3600
    MAX_ATTEMPTS: ClassVar[int | None] = None

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)


def retry_delay(attempts: int, base: int, cap: int) -> timedelta:
    """How long to wait after `attempts` failures: base, 2 x base, 4 x base ... at most cap."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def record_failure(rows: Iterable[OutboxMixin], exc: BaseException, now: datetime) -> None:
    """One more failed attempt on each row: keep the error, back off before the next try."""
    message = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    for row in rows:
        OUTBOX_FAILED_ATTEMPTS.labels(type(row).__tablename__).inc()
        row.attempts += 1
        row.last_error = message
        row.next_attempt_at = now + retry_delay(
            row.attempts, row.RETRY_BASE_SECONDS, row.RETRY_MAX_SECONDS
        )


def claim(
    model: type[Row],
    *where,
    limit: int | None,
    ids: Sequence[int] | None = None,
    due_only: bool = True,
    after_id: int = 0,
) -> list[Row]:
    """Lock and return a batch of rows no other worker holds (see the module docstring)."""
    if db.session.get_bind().dialect.name == "sqlite":
        # A write statement takes SQLite's database write lock for the rest of the transaction,
        # so two workers never read the same rows as free.
        db.session.execute(update(model).where(false()).values(attempts=0))
    stmt = select(model).where(model.id > after_id, *where).order_by(model.id)
    if ids is not None:
        stmt = stmt.where(model.id.in_(list(ids)))
    elif due_only:
        stmt = stmt.where(model.next_attempt_at <= utcnow())
        if model.MAX_ATTEMPTS is not None:
            stmt = stmt.where(model.attempts < model.MAX_ATTEMPTS)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt.with_for_update(skip_locked=True)))
