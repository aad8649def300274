"""Build the configured search backend from a plain config mapping (Flask config or os.environ).

Keys: SEARCH_BACKEND ("embedded" default | "elasticsearch"), SEARCH_EMBEDDED_PATH (default
instance/search.sqlite3), ELASTICSEARCH_URL, SEARCH_INDEX_PREFIX (default "tradehub"),
SEARCH_TIMEOUT (seconds, default 5). The Elasticsearch backend is imported only when chosen, so
the embedded default never needs the client library loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from search_index.base import SearchBackend
from search_index.errors import SearchError

BACKENDS = ("embedded", "elasticsearch")
DEFAULT_EMBEDDED_PATH = "instance/search.sqlite3"
DEFAULT_INDEX_PREFIX = "tradehub"
DEFAULT_TIMEOUT = 5.0


class SearchConfigError(SearchError, ValueError):
    """The search settings name an unknown backend or miss a required value."""


def _timeout(config: Mapping[str, Any]) -> float:
    raw = config.get("SEARCH_TIMEOUT")
    if raw in (None, ""):
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise SearchConfigError(f"SEARCH_TIMEOUT must be a number of seconds, got {raw!r}") from exc
    if value <= 0:
        raise SearchConfigError("SEARCH_TIMEOUT must be more than 0 seconds")
    return value


def get_backend(config: Mapping[str, Any]) -> SearchBackend:
    """The backend SEARCH_BACKEND names, configured from the same mapping."""
    name = str(config.get("SEARCH_BACKEND") or "embedded").strip().lower()
    timeout = _timeout(config)
    if name == "embedded":
        from search_index.embedded import EmbeddedBackend

        path = config.get("SEARCH_EMBEDDED_PATH") or DEFAULT_EMBEDDED_PATH
        return EmbeddedBackend(path, timeout=timeout)
    if name == "elasticsearch":
        url = config.get("ELASTICSEARCH_URL")
        if not url:
            raise SearchConfigError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL")
        from search_index.elasticsearch_backend import ElasticsearchBackend

        prefix = config.get("SEARCH_INDEX_PREFIX") or DEFAULT_INDEX_PREFIX
        return ElasticsearchBackend(url, prefix=prefix, timeout=timeout)
    raise SearchConfigError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
