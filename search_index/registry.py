"""Build the configured search backend from a config mapping (a Flask config, or a plain mapping
in benchmarks and tests).

The settings are parsed once, by `tradehub.config.search_settings` (the same parse the app's
Config runs); a bad value raises `tradehub.errors.ConfigurationError` with the setting's name.
This module only maps the backend name to its class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from search_index.base import SearchBackend
from search_index.elasticsearch import ElasticsearchBackend
from search_index.embedded import EmbeddedBackend
from tradehub.config import search_settings


def get_backend(config: Mapping[str, Any]) -> SearchBackend:
    """The backend SEARCH_BACKEND names, configured from the same mapping."""
    settings = search_settings(config)
    if settings["SEARCH_BACKEND"] == "elasticsearch":
        return ElasticsearchBackend(
            settings["ELASTICSEARCH_URL"],
            prefix=settings["SEARCH_INDEX_PREFIX"],
            timeout=settings["SEARCH_TIMEOUT"],
            shards=settings["SEARCH_SHARDS"],
            replicas=settings["SEARCH_REPLICAS"],
        )
    return EmbeddedBackend(settings["SEARCH_EMBEDDED_PATH"], timeout=settings["SEARCH_TIMEOUT"])
