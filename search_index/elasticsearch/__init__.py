"""The Elasticsearch/OpenSearch backend (elasticsearch 7.13 client).

settings.py: analyzers, mappings and indexed sources; queries.py: request pieces;
lifecycle.py: indices behind an alias and the atomic swap; failures.py: client errors as search
errors; backend.py: the SearchBackend built from them.
"""

from search_index.elasticsearch.backend import ElasticsearchBackend

__all__ = ["ElasticsearchBackend"]
