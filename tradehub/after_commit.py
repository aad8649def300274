"""Run side effects (send mail, update the search index) only after the transaction commits.

Services call `run_after_commit(fn)` while they change state. If the transaction commits, the
callbacks run at the end of the request (or app context); if it rolls back they are dropped, so a
failed save never sends mail or indexes half a change. Durable work is written to an outbox table
in the same transaction first, so a callback that fails is retried later by a CLI worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "after_commit_pending"
_READY = "after_commit_ready"


def run_after_commit(callback: Callable[[], None]) -> None:
    """Schedule `callback` to run once the current transaction has committed."""
    from tradehub.extensions import db

    db.session.info.setdefault(_PENDING, []).append(callback)


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    # Releasing a savepoint fires after_commit too; only the real commit makes work final.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction) -> None:
    # Any rollback of the whole transaction drops its work, even one that never reached the
    # database. Rolling back a savepoint does not: work queued before it still stands, and
    # work queued inside it finds no outbox rows to act on.
    if previous_transaction.nested:
        return
    session.info.pop(_PENDING, None)


def process_after_commit() -> int:
    """Run the callbacks of committed transactions; failures are logged, never raised."""
    from tradehub.extensions import db

    ran = 0
    # A callback may commit and queue more work, so loop until nothing is ready.
    while True:
        ready = db.session.info.pop(_READY, None)
        if not ready:
            return ran
        for callback in ready:
            try:
                callback()
            except Exception:  # a side effect must never break the request that caused it
                log.exception(
                    "after-commit callback %r failed; its outbox keeps the work", callback
                )
                db.session.rollback()
            ran += 1
