"""Everything about search: documents, the backend contract, the embedded and Elasticsearch
backends. Importable without a Flask app (backends are plain Python objects)."""

from search_index.base import (
    FILTER_GROUPS,
    FacetValue,
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
)
from search_index.document import SupplierDocument, is_publishable, validate_document
from search_index.errors import InvalidSearchQuery, SearchError, SearchUnavailable
from search_index.registry import SearchConfigError, get_backend

__all__ = [
    "FILTER_GROUPS",
    "FacetValue",
    "Hit",
    "InvalidSearchQuery",
    "SearchBackend",
    "SearchConfigError",
    "SearchError",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "SupplierDocument",
    "get_backend",
    "is_publishable",
    "validate_document",
]


def init_app(app) -> None:
    """Wire search into the app: the outbox model, `flask search`, the /healthz check, and the
    503 answer (page or JSON) whenever the engine is unavailable."""
    from search_index.web import register_search

    register_search(app)
