"""Fixtures for the search integration tests: the app on each backend, and ways to take the
engine down and bring it back.

`search_backend` is "embedded" (an index file in tmp_path) or "elasticsearch" (the engine at
ELASTICSEARCH_URL, e.g. `scripts/search-node start`, with an index prefix unique to the test;
skipped when ELASTICSEARCH_URL is not set). Tests that need one backend only request `app`.
"""

from __future__ import annotations

import os
import uuid

import pytest

from search_index import get_backend, service
from search_index.indexing import rebuild_index
from tests.conftest import free_port
from tests.factories import SearchCompanyFactory

BACKENDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


@pytest.fixture(params=BACKENDS)
def search_backend(request) -> str:
    """Each backend in turn; elasticsearch only when ELASTICSEARCH_URL is set."""
    if request.param == "elasticsearch" and not os.environ.get("ELASTICSEARCH_URL"):
        pytest.skip("ELASTICSEARCH_URL is not set (run scripts/search-node start)")
    return request.param


@pytest.fixture
def app_config(app_config, request, tmp_path) -> dict:
    """The root settings plus the backend this test runs on."""
    name = (
        request.getfixturevalue("search_backend")
        if "search_backend" in request.fixturenames
        else "embedded"
    )
    app_config["SEARCH_BACKEND"] = name
    if name == "elasticsearch":
        app_config["ELASTICSEARCH_URL"] = os.environ["ELASTICSEARCH_URL"]
        app_config["SEARCH_INDEX_PREFIX"] = f"test-si-{uuid.uuid4().hex[:10]}"
        app_config["SEARCH_TIMEOUT"] = 30.0
    return app_config


@pytest.fixture(autouse=True)
def _drop_test_index(request):
    """Leave nothing behind in a shared engine (tests without an app have nothing to drop)."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    yield
    service.reset_backend(app)
    if app.config["SEARCH_BACKEND"] == "elasticsearch":
        # Built from the real URL: the test may have left the app pointing at a closed port.
        get_backend({**app.config, "ELASTICSEARCH_URL": os.environ["ELASTICSEARCH_URL"]}).clear()


class EngineSwitch:
    """Takes the app's search engine down and brings it back, as an outage would."""

    def __init__(self, app, tmp_path):
        self.app = app
        self.tmp_path = tmp_path
        self.saved = {key: app.config[key] for key in ("ELASTICSEARCH_URL", "SEARCH_EMBEDDED_PATH")}

    def down(self) -> None:
        """Elasticsearch: a closed port on 127.0.0.1. Embedded: a file that is not a database."""
        if self.app.config["SEARCH_BACKEND"] == "elasticsearch":
            self.app.config["ELASTICSEARCH_URL"] = f"http://127.0.0.1:{free_port()}"
        else:
            broken = self.tmp_path / "broken-search.sqlite3"
            broken.write_bytes(b"this is not an SQLite database\n" * 200)
            self.app.config["SEARCH_EMBEDDED_PATH"] = str(broken)
        service.reset_backend(self.app)

    def up(self) -> None:
        """The engine answers again (same index as before the outage)."""
        self.app.config.update(self.saved)
        service.reset_backend(self.app)


@pytest.fixture
def engine(app, tmp_path) -> EngineSwitch:
    """Switch the app's search engine off and on."""
    return EngineSwitch(app, tmp_path)


@pytest.fixture
def suppliers(db):
    """Two gin makers, committed and indexed (insights and kept-results tests)."""
    made = [
        SearchCompanyFactory(name="Juniper Hill Distillery", summary="Small batch gin."),
        SearchCompanyFactory(name="Copper Still", summary="Gin distilled in copper."),
    ]
    db.session.commit()
    rebuild_index()
    return made
