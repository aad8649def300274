"""The embedded backend: an SQLite FTS5 index in its own file.

store.py holds the file (connections, generations, row writes), query.py plans FTS5 queries and
snippets, facets.py counts facets, backend.py is the SearchBackend built from them.
"""

from search_index.embedded.backend import EmbeddedBackend

__all__ = ["EmbeddedBackend"]
