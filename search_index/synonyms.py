"""Staff-managed synonym groups: stored in the database, audited, and applied to every buyer
search on both backends at search time.

How they take effect: the app's search service passes the groups with each query
(SearchQuery.synonyms) and both backends expand the query with them (the embedded backend in
its FTS5 expression, Elasticsearch/OpenSearch as extra match clauses). Nothing is reindexed and
no analyzer is reloaded, so a change works at once with no downtime on either backend, on a
single node or a cluster. (The reviewed vocabulary file is different: it is part of the index
analyzers and reaches OpenSearch through `flask search reindex`, which swaps an alias.)

Each process keeps the groups in memory and checks their version (one small query) at most
once a second, so a change is in force at once in the process that made it and within a
second in every other one.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import func, select

from search_index import analysis
from search_index.models import SearchSynonymAudit, SearchSynonymGroup
from tradehub.db_types import utcnow
from tradehub.errors import Conflict, ValidationFailed
from tradehub.extensions import db

log = logging.getLogger(__name__)

MAX_ENTRIES = 20
# How often a process checks whether the groups changed (seconds).
CHECK_SECONDS = 1.0

_cache: tuple[tuple, tuple[tuple[str, ...], ...], float] | None = None
_cache_lock = threading.Lock()


class SynonymGroupInvalid(ValidationFailed):
    """The words given do not make a synonym group."""

    def __init__(self, message: str):
        super().__init__(message, field="entries")


class SynonymGroupGone(Conflict):
    """The group was removed meanwhile."""


def parse_entries(text: str) -> list[str]:
    """Comma-separated words and phrases, cleaned, repeats dropped; raises SynonymGroupInvalid
    with a message saying what to enter."""
    entries = analysis.unique(
        " ".join(analysis.tokenize(entry)) for entry in (text or "").split(",")
    )
    entries = [e for e in entries if e]
    if len(entries) < 2:
        raise SynonymGroupInvalid(
            "Enter at least two words or phrases, separated by commas, like sneakers, trainers"
        )
    if len(entries) > MAX_ENTRIES:
        raise SynonymGroupInvalid(f"Enter {MAX_ENTRIES} words or phrases or fewer")
    empty = [e for e in entries if not analysis.entry_key(e.split())]
    if empty:
        raise SynonymGroupInvalid(
            f"'{empty[0]}' is only words search ignores (like 'the' or 'ltd'): enter a word "
            "buyers search for"
        )
    if len(", ".join(entries)) > 500:
        raise SynonymGroupInvalid("Enter 500 characters or fewer")
    return entries


def active_groups() -> tuple[tuple[str, ...], ...]:
    """The staff groups as SearchQuery.synonyms wants them.

    The groups' version (count, newest id, last change: one small query) is checked at most
    every CHECK_SECONDS, and the groups are read again only when it changed; the process that
    makes a change forgets its copy at once. Any database failure leaves the last groups in
    force."""
    global _cache
    cached = _cache
    now = time.monotonic()
    if cached is not None and now - cached[2] < CHECK_SECONDS:
        return cached[1]
    try:
        # Its own connection: a failure here must not touch the request's transaction.
        with db.engine.connect() as conn:
            version = tuple(
                conn.execute(
                    select(
                        func.count(),
                        func.max(SearchSynonymGroup.id),
                        func.max(SearchSynonymGroup.updated_at),
                    )
                ).one()
            )
            if cached is not None and cached[0] == version:
                with _cache_lock:
                    _cache = (version, cached[1], now)
                return cached[1]
            rows = conn.execute(
                select(SearchSynonymGroup.entries).order_by(SearchSynonymGroup.id)
            ).scalars()
            groups = tuple(
                tuple(e.strip() for e in entries.split(",") if e.strip()) for entries in rows
            )
    except Exception:  # staff synonyms never make a search fail
        log.exception("could not read the staff synonym groups")
        return cached[1] if cached is not None else ()
    with _cache_lock:
        _cache = (version, groups, now)
    return groups


def forget_cache() -> None:
    global _cache
    _cache = None


def _audit(group_id: int, action: str, before: str, after: str, actor) -> None:
    db.session.add(
        SearchSynonymAudit(
            group_id=group_id,
            action=action,
            before=before,
            after=after,
            actor_id=getattr(actor, "id", None),
        )
    )


def add_group(text: str, actor) -> SearchSynonymGroup:
    """Add a group (audited); effective for searches at once."""
    group = SearchSynonymGroup(entries=", ".join(parse_entries(text)))
    db.session.add(group)
    db.session.flush()
    _audit(group.id, "add", "", group.entries, actor)
    forget_cache()
    return group


def change_group(group_id: int, text: str, actor) -> SearchSynonymGroup:
    group = db.session.get(SearchSynonymGroup, group_id)
    if group is None:
        raise SynonymGroupGone("This synonym group was removed meanwhile")
    before = group.entries
    group.entries = ", ".join(parse_entries(text))
    group.updated_at = utcnow()
    _audit(group.id, "change", before, group.entries, actor)
    forget_cache()
    return group


def remove_group(group_id: int, actor) -> str:
    group = db.session.get(SearchSynonymGroup, group_id)
    if group is None:
        raise SynonymGroupGone("This synonym group was removed already")
    entries = group.entries
    db.session.delete(group)
    _audit(group_id, "remove", entries, "", actor)
    forget_cache()
    return entries
