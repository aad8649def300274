"""Errors raised by the search layer.

Callers (views, CLI, outbox) catch these; every backend raises the same classes so the app never
needs to know which engine it talks to.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class of every error the search layer raises on purpose."""


class SearchUnavailable(SearchError):
    """The engine cannot be reached or did not answer (refused, timeout, 5xx, unreadable file).

    Views turn this into a 503 page/JSON error; the indexing outbox keeps the change for later.
    """


class InvalidSearchQuery(SearchError, ValueError):
    """A query asked for something the contract does not allow (unknown sort, group, page)."""
