"""Run side effects (send mail, update the search index) only after the transaction commits.

Services call `run_after_commit(fn)` while they change state (or `collect_after_commit` to
gather items, such as email ids, into one callback per transaction). If the transaction commits
the callbacks become ready; if it rolls back they are dropped, so a failed save never sends mail
or indexes half a change. Durable work is written to an outbox table in the same transaction
first, so a callback that fails is retried later by a CLI worker.

In a web request the ready callbacks run after the response has been sent
(`defer_until_response_sent`), in a fresh app context; in the CLI and any other app context
they run when the context ends, or whenever `process_after_commit()` is called.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.orm import Session

from tradehub.extensions import db

log = logging.getLogger(__name__)

_PENDING = "after_commit_pending"
_READY = "after_commit_ready"
_BATCHES = "after_commit_batches"


def run_after_commit(callback: Callable[[], None]) -> None:
    """Schedule `callback` to run once the current transaction has committed."""
    db.session.info.setdefault(_PENDING, []).append(callback)


def collect_after_commit(key: str, item: Any, callback: Callable[[list], None]) -> None:
    """Add `item` to this transaction's batch `key`; after commit `callback(batch)` runs once.

    Lets a request that queues several emails send them all over one SMTP connection.
    """
    batches = db.session.info.setdefault(_BATCHES, {})
    batch = batches.get(key)
    if batch is None:
        batch = batches[key] = []
        run_after_commit(lambda: callback(batch))
    batch.append(item)


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    # Releasing a savepoint fires after_commit too; only the real commit makes work final.
    if session.in_nested_transaction():
        return
    session.info.pop(_BATCHES, None)
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
    session.info.pop(_BATCHES, None)
    session.info.pop(_PENDING, None)


def _run(callbacks: list[Callable[[], None]]) -> int:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a side effect must never break the request that caused it
            log.exception("after-commit callback %r failed; its outbox keeps the work", callback)
            db.session.rollback()
    return len(callbacks)


def process_after_commit() -> int:
    """Run the callbacks of committed transactions now; failures are logged, never raised."""
    ran = 0
    # A callback may commit and queue more work, so loop until nothing is ready.
    while ready := db.session.info.pop(_READY, None):
        ran += _run(ready)
    return ran


def defer_until_response_sent(app: Flask, response: Response) -> Response:
    """Hand the request's committed work to `response`, to run once its body has been sent.

    The work runs when the server asks for more of the body after the last byte was written,
    or when it closes the response (a HEAD request, a client that went away), whichever comes
    first, and only once; in a new app context with its own session, since the request's is
    gone by then. (Werkzeug's development server drains the socket before it closes a response,
    so a client that sent more bytes delays the close until it hangs up: hence the first
    trigger. Its test client reads and closes a response only when asked for a `buffered` one.)
    """
    ready = db.session.info.pop(_READY, None)
    if not ready:
        return response
    job = _DeferredWork(app, ready)
    response.response = _body_then(response.response, job)
    response.call_on_close(job)
    return response


def _body_then(body: Iterable[bytes], job: Callable[[], None]) -> Iterator[bytes]:
    yield from body
    job()


class _DeferredWork:
    """The request's callbacks, run once, in a new app context."""

    def __init__(self, app: Flask, callbacks: list[Callable[[], None]]):
        self.app = app
        self.callbacks: list[Callable[[], None]] | None = callbacks

    def __call__(self) -> None:
        callbacks, self.callbacks = self.callbacks, None
        if not callbacks:
            return
        with self.app.app_context():
            _run(callbacks)
            process_after_commit()  # work the callbacks committed and queued in turn
