"""Everything about search: documents, the backend contract, the embedded and Elasticsearch
backends, the indexing outbox and the document-source registry. Backends are plain Python
objects, usable without a Flask app; feature packages register what is indexed."""

import tradehub  # noqa: F401  (the composition root first: it loads every layer in order)
from search_index.base import (
    FILTER_GROUPS,
    FacetValue,
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
)
from search_index.document import SupplierDocument, validate_document
from search_index.errors import InvalidSearchQuery, SearchError, SearchUnavailable
from search_index.registry import get_backend
from search_index.sources import DocumentSource, register_source
from search_index.web import register_search

__all__ = [
    "FILTER_GROUPS",
    "DocumentSource",
    "FacetValue",
    "Hit",
    "InvalidSearchQuery",
    "SearchBackend",
    "SearchError",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "SupplierDocument",
    "get_backend",
    "register_source",
    "validate_document",
]


def init_app(app) -> None:
    """Wire search into the app: the outbox model, `flask search`, the /healthz check, and the
    503 answer (page or JSON) whenever the engine is unavailable."""
    register_search(app)
