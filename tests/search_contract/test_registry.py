"""get_backend builds the configured backend from a plain mapping (no Flask app needed)."""

from __future__ import annotations

import pytest

from search_index import SearchConfigError, get_backend
from search_index.embedded import EmbeddedBackend


def test_embedded_is_the_default(tmp_path):
    backend = get_backend(
        {"SEARCH_EMBEDDED_PATH": str(tmp_path / "s.sqlite3"), "SEARCH_TIMEOUT": "2"}
    )

    assert isinstance(backend, EmbeddedBackend)
    assert backend.name == "embedded"
    assert backend.path == tmp_path / "s.sqlite3"
    assert backend.timeout == 2.0


def test_elasticsearch_backend_is_built_lazily_without_connecting():
    backend = get_backend(
        {
            "SEARCH_BACKEND": "Elasticsearch",
            "ELASTICSEARCH_URL": "http://127.0.0.1:9",
            "SEARCH_INDEX_PREFIX": "unit",
        }
    )

    assert backend.name == "elasticsearch"
    assert backend.health()["ok"] is False  # nothing listens on port 9


@pytest.mark.parametrize(
    "config",
    [
        {"SEARCH_BACKEND": "solr"},
        {"SEARCH_BACKEND": "elasticsearch"},
        {"SEARCH_TIMEOUT": "soon"},
        {"SEARCH_TIMEOUT": "0"},
    ],
)
def test_bad_settings_are_refused_with_a_clear_error(config):
    with pytest.raises(SearchConfigError):
        get_backend(config)
