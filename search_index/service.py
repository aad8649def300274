"""The app's search engine: one backend per app, built from its config on first use.

Views and the indexer go through these functions, never through a backend class, so switching
SEARCH_BACKEND is a configuration change. Every call raises `SearchUnavailable` when the engine
cannot answer; the app-wide error handler turns that into a 503 page or JSON error.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from flask import Flask, current_app

from search_index import insights, result_cache, synonyms
from search_index.base import SearchBackend, SearchQuery, SearchResult
from search_index.registry import get_backend as build_backend
from tradehub.metrics import observe_search

EXTENSION_KEY = "tradehub.search_backend"
_lock = threading.Lock()


def _app(app: Flask | None) -> Flask:
    return app if app is not None else current_app._get_current_object()  # type: ignore[attr-defined]


def get_backend(app: Flask | None = None) -> SearchBackend:
    """The app's backend, built once from app.config and cached in app.extensions."""
    app = _app(app)
    backend = app.extensions.get(EXTENSION_KEY)
    if backend is None:
        with _lock:  # threads of one process share one backend (and its connection pool)
            backend = app.extensions.get(EXTENSION_KEY)
            if backend is None:
                backend = build_backend(app.config)
                app.extensions[EXTENSION_KEY] = backend
    return backend


def reset_backend(app: Flask | None = None) -> None:
    """Forget (and close) the cached backend so the next call rebuilds it from app.config."""
    app = _app(app)
    with _lock:
        backend = app.extensions.pop(EXTENSION_KEY, None)
        result_cache.forget(app)
    close = getattr(backend, "close", None)
    if callable(close):
        close()


def search(query: SearchQuery, source: str | None = None) -> SearchResult:
    """Run a query on the app's backend (it holds only what the document source delivered),
    with the staff synonym groups applied.

    `source` ("page" or "api") records a buyer's search for the staff insights
    (search_index.insights); other callers (alerts, matching) pass nothing and are not recorded.
    A query already answered for the index's current generation is answered from this
    process's memory (search_index.result_cache).
    """
    if not query.synonyms and query.text:
        groups = synonyms.active_groups()
        if groups:
            query = dataclasses.replace(query, synonyms=groups)
    backend = get_backend()
    started = time.perf_counter()
    kept = result_cache.results_for(current_app._get_current_object(), backend)  # type: ignore[attr-defined]
    result = result_cache.cached_search(
        kept, query, lambda: observe_search(backend.name, "search", lambda: backend.search(query))
    )
    if source is not None:
        latency_ms = (time.perf_counter() - started) * 1000
        result.search_id = insights.record_search(query, result, backend.name, latency_ms, source)
    return result


def suggest(prefix: str, limit: int = 8) -> list[str]:
    """Company-name completions for `prefix` from the app's backend."""
    backend = get_backend()
    return observe_search(backend.name, "suggest", lambda: backend.suggest(prefix, limit=limit))


def health() -> dict:
    """{"ok", "backend", "detail"} of the app's backend; never raises."""
    try:
        backend = get_backend()
    except Exception as exc:  # a backend that cannot even be built is reported, not raised
        return {
            "ok": False,
            "backend": current_app.config.get("SEARCH_BACKEND", "?"),
            "detail": f"{type(exc).__name__}: {exc}",
        }
    return backend.health()
