"""How client errors become the search layer's errors (unreachable -> SearchUnavailable, a
refused request -> SearchError), and which bulk item errors are expected."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elasticsearch import exceptions as es_exceptions

from search_index.errors import SearchError, SearchUnavailable


class Unavailable:
    """Context manager translating client errors into the search layer's errors."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> bool:
        if exc is None:
            return False
        if isinstance(exc, es_exceptions.ConnectionError):
            # ConnectionTimeout and SSLError are subclasses.
            raise SearchUnavailable(f"search engine unreachable during {self.what}: {exc}") from exc
        if isinstance(exc, es_exceptions.TransportError):
            status = exc.status_code
            if not isinstance(status, int) or status >= 500 or status == 429:
                raise SearchUnavailable(
                    f"search engine could not answer {self.what} (HTTP {status}): {exc.error}"
                ) from exc
            raise SearchError(f"search engine rejected {self.what} (HTTP {status}): {exc}") from exc
        return False


def bulk_statuses(error: Mapping[str, Any]) -> list[int]:
    return [int(item.get("status", 0)) for item in error.values() if isinstance(item, Mapping)]


def is_benign(error: Mapping[str, Any]) -> bool:
    """A delete of a missing document, or a reindex create of one the app already wrote."""
    delete, create = error.get("delete"), error.get("create")
    if isinstance(delete, Mapping):
        return delete.get("status") == 404
    return isinstance(create, Mapping) and create.get("status") == 409
