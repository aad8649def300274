"""get_backend builds the configured backend from a plain mapping (no Flask app needed)."""

from __future__ import annotations

import pytest

from search_index import get_backend
from search_index.embedded import EmbeddedBackend
from tradehub.config import load_config
from tradehub.errors import ConfigurationError


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
    with pytest.raises(ConfigurationError):
        get_backend(config)


def test_the_app_config_holds_the_same_typed_settings_get_backend_reads(tmp_path):
    config = load_config(
        "testing",
        environ={
            "SEARCH_BACKEND": " Embedded ",
            "SEARCH_TIMEOUT": "2.5",
            "SEARCH_EMBEDDED_PATH": str(tmp_path / "s.sqlite3"),
        },
    )

    assert config.SEARCH_BACKEND == "embedded"
    assert config.SEARCH_TIMEOUT == 2.5
    backend = get_backend(config.as_dict())
    assert backend.timeout == 2.5 and backend.path == tmp_path / "s.sqlite3"


def test_overrides_are_checked_like_the_environment():
    with pytest.raises(ConfigurationError, match="SEARCH_TIMEOUT"):
        load_config("testing", environ={}, overrides={"SEARCH_TIMEOUT": "soon"})
