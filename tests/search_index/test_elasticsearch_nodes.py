"""Several nodes in ELASTICSEARCH_URL, and index shards/replicas from SEARCH_SHARDS/REPLICAS.

The engine tests run when ELASTICSEARCH_URL is set; a closed port or a hung local server stands
in for the lost node, so they need only the one test node. The cluster itself (three nodes, one
killed) is tested in tests/failover/.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elasticsearch import Elasticsearch

from search_index.base import SearchQuery
from search_index.elasticsearch import ElasticsearchBackend
from search_index.elasticsearch.settings import index_body
from search_index.registry import get_backend
from tradehub.config import search_settings
from tradehub.errors import ConfigurationError

ES_URL = os.environ.get("ELASTICSEARCH_URL", "").split(",")[0]
needs_engine = pytest.mark.skipif(not ES_URL, reason="ELASTICSEARCH_URL is not set")
pytestmark = pytest.mark.filterwarnings("ignore:HTTPResponse.getheaders:DeprecationWarning")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def doc(doc_id: int, name: str) -> dict:
    return {
        "id": doc_id,
        "slug": f"company-{doc_id}",
        "name": name,
        "summary": f"{name} makes things for export",
        "description": "",
        "keywords": [],
        "products_services": [],
        "case_studies": [],
        "industries": ["FOOD_AND_DRINK"],
        "region": "LONDON",
        "countries": ["FR"],
        "languages": ["en"],
        "employees": "1-10",
        "verified": True,
        "case_study_count": 0,
        "updated_at": "2024-05-01T10:00:00Z",
    }


def test_url_list_and_index_shape_are_parsed_from_settings():
    parsed = search_settings(
        {
            "SEARCH_BACKEND": "elasticsearch",
            "ELASTICSEARCH_URL": " http://a:9200 , http://b:9200,,",
            "SEARCH_SHARDS": "2",
            "SEARCH_REPLICAS": "1",
        }
    )
    assert parsed["ELASTICSEARCH_URL"] == "http://a:9200,http://b:9200"
    assert (parsed["SEARCH_SHARDS"], parsed["SEARCH_REPLICAS"]) == (2, 1)

    backend = get_backend(parsed)
    assert backend.nodes == ["http://a:9200", "http://b:9200"]
    assert (backend.shards, backend.replicas, backend.retries) == (2, 1, 1)


def test_one_node_keeps_one_shard_no_replicas_and_no_timeout_retry():
    parsed = search_settings({"SEARCH_BACKEND": "elasticsearch", "ELASTICSEARCH_URL": "http://a"})
    assert (parsed["SEARCH_SHARDS"], parsed["SEARCH_REPLICAS"]) == (1, 0)
    backend = get_backend(parsed)
    assert backend.retries == 0
    assert backend.client.transport.retry_on_timeout is False


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SEARCH_SHARDS", "0", "SEARCH_SHARDS must be at least 1"),
        ("SEARCH_REPLICAS", "-1", "SEARCH_REPLICAS must be at least 0"),
        ("SEARCH_REPLICAS", "one", "SEARCH_REPLICAS must be a whole number"),
    ],
)
def test_bad_shard_settings_name_the_setting(name, value, message):
    with pytest.raises(ConfigurationError, match=message):
        search_settings({name: value})


def test_index_body_takes_shards_and_replicas():
    index = index_body(shards=3, replicas=1)["settings"]["index"]
    assert (index["number_of_shards"], index["number_of_replicas"]) == (3, 1)
    default = index_body()["settings"]["index"]
    assert (default["number_of_shards"], default["number_of_replicas"]) == (1, 0)


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    ElasticsearchBackend(ES_URL, prefix=name).clear()


@needs_engine
@pytest.mark.elasticsearch
def test_a_refused_node_is_skipped_for_the_next_one(prefix):
    dead = f"http://127.0.0.1:{closed_port()}"
    backend = ElasticsearchBackend(f"{dead},{ES_URL}", prefix=prefix, timeout=5)

    # Round robin starts at either node; every call must land on the live one.
    for attempt in range(4):
        backend.index_documents([doc(attempt + 1, f"Acme Foods {attempt}")])
        result = backend.search(SearchQuery(text="acme"))
        assert result.total == attempt + 1


class _Hung(BaseHTTPRequestHandler):
    """Reads a request and never answers (a node that stopped responding)."""

    def _hang(self) -> None:
        self.server.release.wait(10)

    do_GET = do_POST = do_HEAD = _hang  # noqa: N815 (http.server's names)

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def hung_node() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hung)
    server.daemon_threads = True
    server.release = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.release.set()
    server.shutdown()
    server.server_close()


@needs_engine
@pytest.mark.elasticsearch
def test_a_timed_out_node_is_retried_on_another_within_a_bound(prefix, hung_node):
    ElasticsearchBackend(ES_URL, prefix=prefix).index_documents([doc(1, "Acme Foods")])
    backend = ElasticsearchBackend(f"{hung_node},{ES_URL}", prefix=prefix, timeout=1)

    for _ in range(3):
        started = time.monotonic()
        result = backend.search(SearchQuery(text="acme"))
        assert [hit.name for hit in result.hits] == ["Acme Foods"]
        # At most one timeout on the hung node, then the live one answers.
        assert time.monotonic() - started < 1 + 5


@needs_engine
@pytest.mark.elasticsearch
def test_indices_are_created_with_the_configured_replicas(prefix):
    backend = ElasticsearchBackend(ES_URL, prefix=prefix, shards=2, replicas=1)
    backend.ensure_ready()
    client = Elasticsearch([ES_URL])
    (index,) = backend._alias_targets()
    created = client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert (created["number_of_shards"], created["number_of_replicas"]) == ("2", "1")
