"""Keeping the search index level with the database through a transactional outbox.

Feature packages call `mark_changed(document_id)` whenever they change anything a search
document shows. That writes a `search_outbox` row in the caller's transaction and schedules
`apply_outbox(ids=...)` for after the commit. If the transaction rolls back, the row and the
callback vanish with it; if the engine is down when the callback runs, the row stays (with
back-off) and `flask search sync` (`sync_outbox`) applies it later. A save therefore never fails
because search is down, and no committed change is lost.

Applying is safe with several workers at once:
- rows are claimed with `SELECT ... FOR UPDATE SKIP LOCKED`, so two workers never take the same row;
- the workers applying one document are serialised (a PostgreSQL transaction-level advisory
  lock per document, taken in id order; on SQLite the database write lock taken before reading),
  and the document is loaded only after that lock is held, so an older state can never
  overwrite a newer one in the index;
- the registered document source decides (search_index/sources.py): an id it loads when its row
  is applied is upserted, any other (not to be shown, or gone) is deleted from the index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session as sa_object_session

from search_index import result_cache
from search_index.errors import SearchError, SearchUnavailable
from search_index.models import OP_DELETE, OP_UPSERT, SearchOutbox
from search_index.service import get_backend
from search_index.sources import get_source
from tradehub.after_commit import process_after_commit, run_after_commit
from tradehub.db_types import utcnow
from tradehub.extensions import db
from tradehub.outbox import claim, record_failure

__all__ = [
    "OP_DELETE",
    "OP_UPSERT",
    "OutboxBacklog",
    "apply_outbox",
    "index_counts",
    "mark_changed",
    "outbox_backlog",
    "rebuild_index",
    "sync_outbox",
]

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200
# First key of the two-key PostgreSQL advisory lock: "search indexing"; the second is the document.
_ADVISORY_KEY = 0x5EA4
_MARKED = "search_index.outbox_marked"


# -- writing the outbox -----------------------------------------------------------------------


@dataclass
class _Marked:
    """What this transaction has written to the outbox: one row per document, and their ids."""

    rows: dict[int, SearchOutbox]
    ids: list[int]


def _forget_marked(session: Session, *_args) -> None:
    session.info.pop(_MARKED, None)


def _forget_marked_on_commit(session: Session) -> None:
    # A released savepoint fires after_commit as well; the transaction goes on, so remember.
    if not session.in_nested_transaction():
        _forget_marked(session)


# The rows belong to one transaction: forget them when it ends, whichever way it ends.
sa_event.listen(Session, "after_commit", _forget_marked_on_commit)
sa_event.listen(Session, "after_rollback", _forget_marked)


def _in_transaction(row: SearchOutbox) -> bool:
    """The row is still part of the session (a rolled-back savepoint expunges it)."""
    return sa_object_session(row) is db.session() and row not in db.session.deleted


def mark_changed(document_id: int, op: str = OP_UPSERT) -> None:
    """Record, in the current transaction, that a search document must be refreshed.

    One pending row per document is kept: an earlier row that no worker is applying right now
    is replaced by this one, and a second call in the same transaction reuses its row. After the
    commit the row is applied at once; on rollback nothing happens. `op` ("upsert"/"delete") is
    informational (what the change looked like); the document source decides when applied.
    """
    mark_many_changed({document_id: op})


def mark_many_changed(changes: Mapping[int, str]) -> None:
    """mark_changed for many documents ({document id: op}) in three statements, not two per
    document (bulk imports)."""
    for op in changes.values():
        if op not in (OP_UPSERT, OP_DELETE):
            raise ValueError(f"op must be 'upsert' or 'delete', not {op!r}")
    marked: _Marked | None = db.session.info.get(_MARKED)
    if marked is None:
        marked = _Marked(rows={}, ids=[])
        db.session.info[_MARKED] = marked
        ids = marked.ids  # the callback reads the list as it is at commit time
        run_after_commit(lambda: _apply_after_commit(ids))
    fresh: dict[int, str] = {}
    for document_id, op in changes.items():
        row = marked.rows.get(document_id)
        if row is not None and _in_transaction(row):
            row.op = op
            row.next_attempt_at = utcnow()
        else:
            fresh[document_id] = op
    if not fresh:
        return
    # Supersede older rows of these documents. Rows a worker has locked are skipped: that
    # worker deletes them itself, and the new row makes sure the change after it is applied too.
    wanted = list(fresh)
    for start in range(0, len(wanted), 500):
        stale = (
            select(SearchOutbox.id)
            .where(SearchOutbox.document_id.in_(wanted[start : start + 500]))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        db.session.execute(
            delete(SearchOutbox).where(SearchOutbox.id.in_(stale)),
            execution_options={"synchronize_session": False},
        )
    rows = [SearchOutbox(document_id=document_id, op=op) for document_id, op in fresh.items()]
    db.session.add_all(rows)
    db.session.flush(rows)
    for row in rows:
        marked.rows[row.document_id] = row
        marked.ids.append(row.id)


def _apply_after_commit(ids: list[int]) -> None:
    """Apply the rows a committed transaction wrote; failures stay in the outbox."""
    if ids:
        apply_outbox(limit=len(ids), ids=list(ids))


# -- applying the outbox ----------------------------------------------------------------------


@dataclass
class _BatchResult:
    applied: int = 0
    failed: int = 0
    claimed: int = 0
    last_id: int = 0


def _serialise_documents(document_ids: Sequence[int]) -> None:
    """Hold, until this transaction ends, the right to apply these documents (see module doc).

    PostgreSQL: one advisory lock per document, always taken in id order, so no deadlock.
    SQLite has one writer at a time anyway: `claim` starts with a write, which takes the
    database lock before anything is read.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for document_id in sorted(document_ids):
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:key, :document)"),
            {"key": _ADVISORY_KEY, "document": document_id},
        )


def _claim(
    limit: int, ids: Sequence[int] | None, due_only: bool, after_id: int
) -> tuple[list[SearchOutbox], int]:
    """Lock a batch of rows (skipping rows other workers hold) plus the other pending rows of
    the same documents. Returns the rows and the highest id of the batch proper."""
    rows = claim(SearchOutbox, limit=limit, ids=ids, due_only=due_only, after_id=after_id)
    if not rows:
        return rows, after_id
    last_id = rows[-1].id
    # Other pending rows of the same documents are covered by the same update: take them too.
    rows.extend(
        claim(
            SearchOutbox,
            SearchOutbox.document_id.in_({row.document_id for row in rows}),
            SearchOutbox.id.not_in([row.id for row in rows]),
            limit=None,
            due_only=False,
        )
    )
    return rows, last_id


def _apply_batch(
    limit: int, ids: Sequence[int] | None, due_only: bool, after_id: int = 0
) -> _BatchResult:
    result = _BatchResult(last_id=after_id)
    rows, result.last_id = _claim(limit, ids, due_only, after_id)
    if not rows:
        db.session.commit()
        return result
    result.claimed = len(rows)
    by_document: dict[int, list[SearchOutbox]] = {}
    for row in rows:
        by_document.setdefault(row.document_id, []).append(row)
    _serialise_documents(list(by_document))
    documents = get_source().load(list(by_document))
    now = utcnow()
    backend = get_backend()

    def apply(document_ids: Sequence[int]) -> None:
        docs = [documents[i] for i in document_ids if i in documents]
        gone = [i for i in document_ids if i not in documents]
        if docs:
            backend.index_documents(docs)
        if gone:
            backend.delete_documents(gone)

    try:
        apply(list(by_document))
    except SearchUnavailable as exc:
        # The engine is down: every row stays for later; no point trying them one by one.
        record_failure(rows, exc, now)
        result.failed = len(by_document)
        log.warning(
            "Search engine unavailable; %s change(s) kept in the outbox: %s", len(by_document), exc
        )
        db.session.commit()
        return result
    except SearchError:
        # One document was refused: apply the others one by one so it cannot block them.
        for document_id, document_rows in by_document.items():
            try:
                apply([document_id])
            except SearchError as exc:
                record_failure(document_rows, exc, now)
                result.failed += 1
                log.warning("Indexing document %s failed: %s", document_id, exc)
            else:
                for row in document_rows:
                    db.session.delete(row)
                result.applied += 1
        if result.applied:
            result_cache.raise_generation()
        db.session.commit()
        return result
    for row in rows:
        db.session.delete(row)
    result.applied = len(by_document)
    # The index shows the batch now (the backend refreshes): kept results end everywhere.
    result_cache.raise_generation()
    db.session.commit()
    return result


def apply_outbox(
    limit: int = DEFAULT_BATCH, ids: Sequence[int] | None = None, *, due_only: bool = True
) -> tuple[int, int]:
    """Apply one batch of outbox rows (at most `limit`, or just `ids`); commits.

    Returns (documents applied, documents that failed and stay queued with back-off). Rows
    waiting for their back-off are skipped unless `due_only` is false or their ids are given.
    """
    result = _apply_batch(limit, ids, due_only)
    return result.applied, result.failed


def sync_outbox(batch_size: int = DEFAULT_BATCH, *, due_only: bool = False) -> tuple[int, int]:
    """Apply every pending row, batch by batch, each row at most once; commits per batch.

    Stops early when a whole batch fails (the engine is down). Returns (applied, failed).
    """
    applied = failed = 0
    after_id = 0
    while True:
        result = _apply_batch(batch_size, None, due_only, after_id)
        applied += result.applied
        failed += result.failed
        if result.claimed == 0 or (result.applied == 0 and result.failed > 0):
            return applied, failed
        after_id = result.last_id


def apply_due_batch(batch_size: int = DEFAULT_BATCH) -> int:
    """One batch of due rows (the `search-outbox` job of `flask worker`); rows handled."""
    result = _apply_batch(batch_size, None, True, 0)
    return result.applied + result.failed


# -- status and rebuilding -------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxBacklog:
    """How much indexing work waits: all rows, rows due now, rows that failed at least once."""

    pending: int
    due: int
    failing: int
    oldest: datetime | None
    last_error: str | None


def outbox_backlog() -> OutboxBacklog:
    """Count what waits in the outbox (for `flask search status` and the health check)."""
    now = utcnow()
    pending, due, failing, oldest = db.session.execute(
        select(
            func.count(SearchOutbox.id),
            func.count(SearchOutbox.id).filter(SearchOutbox.next_attempt_at <= now),
            func.count(SearchOutbox.id).filter(SearchOutbox.attempts > 0),
            func.min(SearchOutbox.created_at),
        )
    ).one()
    last_error = db.session.scalar(
        select(SearchOutbox.last_error)
        .where(SearchOutbox.last_error.is_not(None))
        .order_by(SearchOutbox.id.desc())
        .limit(1)
    )
    return OutboxBacklog(pending, due, failing, oldest, last_error)


def rebuild_index(
    batch_size: int = 500, advance: Callable[[int], None] | None = None
) -> tuple[str, int]:
    """Rebuild the index from the document source through the backend's atomic swap.

    Documents are streamed in batches of `batch_size`; `advance(n)` is told as each batch is
    read (progress). Searches keep answering from the old index until the swap. Records changed
    while the rebuild ran are queued again afterwards and applied, so the new index cannot keep
    a copy read before such a change. Returns (new index name, documents loaded).
    """
    source = get_source()
    backend = get_backend()
    started = utcnow() - timedelta(seconds=1)
    loaded = 0

    def documents():
        nonlocal loaded
        for doc in source.iter_all(batch_size):
            loaded += 1
            if advance is not None and loaded % batch_size == 0:
                advance(batch_size)
            yield doc
        if advance is not None and loaded % batch_size:
            advance(loaded % batch_size)

    name = backend.reindex(documents())
    db.session.rollback()  # end the read transaction before writing
    result_cache.raise_generation()  # the new index answers now
    db.session.commit()
    changed = set(source.changed_since(started))
    if changed:
        mark_many_changed(dict.fromkeys(sorted(changed), OP_UPSERT))
        db.session.commit()
        process_after_commit()  # apply them now (what stays failed, `flask search sync` retries)
    return name, loaded


def index_counts() -> tuple[int, int]:
    """(documents in the index, documents the source says it should hold)."""
    return get_backend().count(), get_source().count()
