"""Where indexed documents come from: the one document source a feature package registers.

search_index knows nothing about the tables behind its documents. A feature package (today
supplier_profiles, see supplier_profiles/search_documents.py) registers a `DocumentSource` in its
`init_app`; the outbox, `flask search reindex`, `flask search status` and the health check read
the database only through it. The source alone decides which records may be shown: `load` and
`iter_all` deliver documents only for those, and every id `load` leaves out is deleted from the
index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

from search_index.document import SupplierDocument
from search_index.errors import SearchError

__all__ = ["DocumentSource", "NoDocumentSource", "get_source", "register_source"]

EXTENSION_KEY = "search_index.source"


class NoDocumentSource(SearchError, LookupError):
    """The app indexes nothing: no feature package registered a document source."""


@dataclass(frozen=True)
class DocumentSource:
    """The functions search_index reads documents through (all run in the app's db session).

    - `load(ids)`: {id: document} for those of `ids` that belong in the index now; an id left
      out (unpublished, deleted, gone) is removed from the index.
    - `iter_all(batch_size)`: every document that belongs in the index, read in batches.
    - `changed_since(moment)`: ids of records changed at or after `moment` (a rebuild queues
      them again so a copy read before their change cannot survive the swap).
    - `count()`: how many documents the index should hold.

    `name` identifies the source; `label` names its records in messages ("companies").
    """

    name: str
    label: str
    load: Callable[[Sequence[int]], Mapping[int, SupplierDocument]]
    iter_all: Callable[[int], Iterator[SupplierDocument]]
    changed_since: Callable[[datetime], Iterable[int]]
    count: Callable[[], int]


def register_source(app: Flask, source: DocumentSource) -> None:
    """Make `source` the app's document source (one per app: the index holds one kind)."""
    registered = app.extensions.get(EXTENSION_KEY)
    if registered is not None and registered.name != source.name:
        raise SearchError(
            f"the search index already takes documents from {registered.name!r}, "
            f"not also {source.name!r}"
        )
    app.extensions[EXTENSION_KEY] = source


def get_source(app: Flask | None = None) -> DocumentSource:
    """The current (or given) app's document source."""
    app = app if app is not None else current_app._get_current_object()  # type: ignore[attr-defined]
    source = app.extensions.get(EXTENSION_KEY)
    if source is None:
        raise NoDocumentSource("no document source is registered (see register_source)")
    return source
