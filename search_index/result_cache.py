"""Search results kept in each process until the index changes (#15).

At 100,000 suppliers a search costs the engine round trip (about 2 ms even when the engine
answers from its own request cache) and most searches repeat: the browse pages, the popular
words, paging back. `service.search` keeps the last RESULT_CACHE_SIZE results of each process
keyed by the query and the index's generation (`search_generation`, one row), which every
change to the live index raises once the change is visible: an outbox batch applied
(`indexing._apply_batch`) or a reindex swapped in (`indexing.rebuild_index`). A search reads
the generation (one small query on its own connection) and answers from memory when it holds
that query for that generation; a change made by any process ends every process's results at
the next search. Writes that bypass those two paths (a backend's methods called directly)
do not raise it: the app never does that.

If the generation cannot be read, the search goes to the engine and nothing is kept. Results
are handed out as copies, so what a caller sets on its copy (the insights id) is its own.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from search_index.base import SearchBackend, SearchQuery, SearchResult
from search_index.models import SearchGeneration
from tradehub.extensions import db

log = logging.getLogger(__name__)

DEFAULT_SIZE = 256
ROW_ID = 1
EXTENSION_KEY = "tradehub.search_results"

_READ = select(SearchGeneration.generation).where(SearchGeneration.id == ROW_ID)


class Results:
    """One backend's kept results, most recently used last (thread-safe)."""

    def __init__(self, backend: SearchBackend, size: int):
        self.backend = backend
        self.size = size
        self._entries: OrderedDict[Hashable, SearchResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> SearchResult | None:
        with self._lock:
            result = self._entries.get(key)
            if result is not None:
                self._entries.move_to_end(key)
        return result

    def put(self, key: Hashable, result: SearchResult) -> None:
        with self._lock:
            self._entries[key] = result
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def results_for(app: Flask, backend: SearchBackend) -> Results | None:
    """This process's kept results for `backend` (None when SEARCH_RESULT_CACHE_SIZE is 0);
    a new backend (reset_backend, another index) starts empty."""
    size = int(app.config.get("SEARCH_RESULT_CACHE_SIZE", DEFAULT_SIZE))
    if size <= 0:
        return None
    results = app.extensions.get(EXTENSION_KEY)
    if results is None or results.backend is not backend or results.size != size:
        results = Results(backend, size)
        app.extensions[EXTENSION_KEY] = results
    return results


def forget(app: Flask) -> None:
    """Drop this process's kept results (the backend is being replaced)."""
    app.extensions.pop(EXTENSION_KEY, None)


def current_generation() -> int | None:
    """The index's generation (0 before the first change), or None if it cannot be read.

    Its own connection: a failure here must not touch the request's transaction."""
    try:
        with db.engine.connect() as conn:
            value = conn.execute(_READ).scalar()
    except Exception:  # the search itself must not fail: it just goes to the engine
        log.exception("could not read the search index generation")
        return None
    return int(value) if value is not None else 0


def raise_generation() -> None:
    """Raise the generation in the session's transaction (the caller commits): after a change
    to the live index became visible, so a search that reads the new number sees the change.

    One upsert, so workers applying batches at once each raise it (the row's lock orders them)
    and a missing row is made rather than fought over."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(SearchGeneration)
        .values(id=ROW_ID, generation=1)
        .on_conflict_do_update(
            index_elements=[SearchGeneration.id],
            set_={"generation": SearchGeneration.generation + 1},
        )
    )


def query_key(query: SearchQuery) -> Hashable:
    """Everything in a query that decides its result."""
    filters = tuple(sorted((group, tuple(values)) for group, values in query.filters.items()))
    return (
        query.text,
        filters,
        query.sort,
        query.page,
        query.per_page,
        query.synonyms,
        query.alternatives,
    )


def cached_search(
    results: Results | None, query: SearchQuery, run: Callable[[], SearchResult]
) -> SearchResult:
    """`run()`'s result for `query`, or a copy of the one kept for this generation."""
    generation = current_generation() if results is not None else None
    if results is None or generation is None:
        return run()
    key = (generation, query_key(query))
    kept = results.get(key)
    if kept is None:
        kept = run()
        results.put(key, kept)
    # A copy for the caller to annotate (search_id); hits and facets are not to be changed.
    return dataclasses.replace(kept, hits=list(kept.hits), facets=dict(kept.facets))
