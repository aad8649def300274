"""Elasticsearch/OpenSearch-only behaviour: index lifecycle and engine failures.

The shared behaviour (text, filters, facets, highlights, sort, pages) is in tests/search_contract/.
Tests that need an engine run when ELASTICSEARCH_URL is set (scripts/search-node start); the
failure tests use local sockets and always run.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elasticsearch import Elasticsearch

from search_index.base import SearchQuery
from search_index.elasticsearch import ElasticsearchBackend
from search_index.errors import SearchUnavailable

ES_URL = os.environ.get("ELASTICSEARCH_URL")
needs_engine = pytest.mark.skipif(not ES_URL, reason="ELASTICSEARCH_URL is not set")
# elasticsearch 7.13's urllib3 adapter calls a method urllib3 1.26 deprecates; not our code.
pytestmark = pytest.mark.filterwarnings("ignore:HTTPResponse.getheaders:DeprecationWarning")


def make_doc(doc_id: int, name: str, **overrides) -> dict:
    doc = {
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
    doc.update(overrides)
    return doc


@pytest.fixture
def backend() -> Iterator[ElasticsearchBackend]:
    """A backend on the running engine with a prefix of its own, removed afterwards."""
    engine = ElasticsearchBackend(ES_URL, prefix=f"test-{uuid.uuid4().hex[:10]}", timeout=10)
    engine.ensure_ready()
    yield engine
    engine.clear()


def names(result) -> list[str]:
    return [hit.name for hit in result.hits]


# --- index lifecycle ---------------------------------------------------------------------------


@needs_engine
@pytest.mark.elasticsearch
def test_index_settings_are_explicit(backend):
    client = Elasticsearch([ES_URL])
    (index,) = backend._alias_targets()
    settings = client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert settings["number_of_replicas"] == "0"
    assert settings["number_of_shards"] == "1"
    assert {"th_text", "th_search", "th_autocomplete"} <= set(settings["analysis"]["analyzer"])
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["countries"]["type"] == "keyword"
    assert mapping["properties"]["name"]["search_analyzer"] == "th_search"


@needs_engine
@pytest.mark.elasticsearch
def test_reindex_swaps_alias_and_keeps_the_last_two_indices(backend):
    docs = [make_doc(1, "Acme Foods"), make_doc(2, "Brill Bakery")]
    built = [backend.reindex(docs) for _ in range(3)]

    assert all(name.startswith(f"{backend.alias}-") for name in built)
    assert len(set(built)) == 3
    assert backend._alias_targets() == [built[-1]]
    assert backend._concrete_indices() == built[-2:]
    assert backend.count() == 2
    assert names(backend.search(SearchQuery(text="bakery"))) == ["Brill Bakery"]


@needs_engine
@pytest.mark.elasticsearch
def test_reindex_replaces_the_content(backend):
    backend.index_documents([make_doc(1, "Old Name Foods")])
    backend.reindex([make_doc(2, "New Name Foods"), make_doc(3, "Fresh Foods")])

    assert names(backend.search(SearchQuery(text="foods"))) == ["Fresh Foods", "New Name Foods"]
    assert backend.count() == 2


@needs_engine
@pytest.mark.elasticsearch
def test_write_during_reindex_is_not_overwritten_by_the_reindex_copy(backend):
    backend.index_documents([make_doc(1, "Acme Foods")])

    def stream():
        yield make_doc(2, "Brill Bakery")
        # The app saves company 1 while the reindex is still loading an older copy of it.
        backend.index_documents([make_doc(1, "Acme Foods Renamed")])
        yield make_doc(1, "Acme Foods")

    backend.reindex(stream())

    assert names(backend.search(SearchQuery(sort="name"))) == ["Acme Foods Renamed", "Brill Bakery"]


@needs_engine
@pytest.mark.elasticsearch
def test_deleted_documents_leave_the_index(backend):
    backend.index_documents([make_doc(1, "Acme Foods"), make_doc(2, "Brill Bakery")])
    backend.delete_documents([1])
    backend.delete_documents([2, 999])

    assert backend.count() == 0
    assert backend.search(SearchQuery(text="acme")).total == 0


@needs_engine
@pytest.mark.elasticsearch
def test_search_before_any_index_exists_is_empty(backend):
    backend.clear()

    result = backend.search(SearchQuery(text="acme"))

    assert result.total == 0
    assert set(result.facets) == {
        "industry",
        "region",
        "country",
        "language",
        "employees",
        "verified",
    }
    assert backend.count() == 0
    assert backend.health()["ok"] is True


# --- engine failures ------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.search(SearchQuery(text="acme")),
        lambda b: b.index_documents([make_doc(1, "Acme Foods")]),
        lambda b: b.delete_documents([1]),
        lambda b: b.suggest("ac"),
        lambda b: b.count(),
        lambda b: b.ensure_ready(),
        lambda b: b.reindex([make_doc(1, "Acme Foods")]),
        lambda b: b.clear(),
    ],
    ids=["search", "index", "delete", "suggest", "count", "ensure_ready", "reindex", "clear"],
)
def test_closed_port_raises_search_unavailable(call):
    engine = ElasticsearchBackend(f"http://127.0.0.1:{closed_port()}", timeout=1)

    with pytest.raises(SearchUnavailable):
        call(engine)


def test_health_reports_a_closed_port_without_raising():
    engine = ElasticsearchBackend(f"http://127.0.0.1:{closed_port()}", timeout=1)

    health = engine.health()

    assert health["ok"] is False
    assert health["backend"] == "elasticsearch"
    assert "unreachable" in health["detail"]


class _Failing(BaseHTTPRequestHandler):
    """Answers every request with 503, like a cluster without a master."""

    def _fail(self) -> None:
        body = b'{"error":{"type":"cluster_block_exception","reason":"no master"},"status":503}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _fail  # noqa: N815 (http.server's names)

    def log_message(self, *args) -> None:
        return


class _Silent(BaseHTTPRequestHandler):
    """Reads the request and never answers (a hung engine)."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.server.release.wait(5)

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def fake_engine(request) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), request.param)
    server.daemon_threads = True
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("fake_engine", [_Failing], indirect=True)
def test_server_error_raises_search_unavailable(fake_engine):
    engine = ElasticsearchBackend(fake_engine, timeout=2)

    with pytest.raises(SearchUnavailable, match="503"):
        engine.search(SearchQuery(text="acme"))
    with pytest.raises(SearchUnavailable):
        engine.index_documents([make_doc(1, "Acme Foods")])


@pytest.mark.parametrize("fake_engine", [_Silent], indirect=True)
def test_timeout_raises_search_unavailable(fake_engine):
    engine = ElasticsearchBackend(fake_engine, timeout=0.5)

    with pytest.raises(SearchUnavailable, match="unreachable"):
        engine.search(SearchQuery(text="acme"))


@needs_engine
@pytest.mark.elasticsearch
def test_reindex_drops_an_index_left_by_a_reindex_that_died(backend):
    first = backend.reindex([make_doc(1, "Acme Foods")])
    client = Elasticsearch([ES_URL])
    leftover = backend.new_index_name()
    client.indices.create(index=leftover)  # created, never swapped in

    second = backend.reindex([make_doc(2, "Brill Bakery")])

    assert backend._concrete_indices() == [first, second]
    assert backend._alias_targets() == [second]


@needs_engine
@pytest.mark.elasticsearch
def test_words_split_like_the_shared_tokenizer(backend):
    backend.index_documents(
        [
            make_doc(1, "O'Neill Instruments", summary="Orders through shop.example.com daily."),
            make_doc(2, "Extraordinarilylongwordnamed Works"),
        ]
    )

    assert names(backend.search(SearchQuery(text="neill"))) == ["O'Neill Instruments"]
    assert names(backend.search(SearchQuery(text="example"))) == ["O'Neill Instruments"]
    assert backend.suggest("neil") == ["O'Neill Instruments"]
    assert backend.suggest("extraordinarilylongwordn") == ["Extraordinarilylongwordnamed Works"]
    assert backend.suggest("extraordinarilylongwordx") == []


@needs_engine
@pytest.mark.elasticsearch
def test_request_bodies_sent_raw_give_the_same_page_and_facets(backend):
    backend.index_documents(
        [make_doc(i, f"Company {i}", countries=["FR" if i % 2 else "DE"]) for i in range(1, 8)]
    )
    query = SearchQuery(text="export things", filters={"country": ["FR"]}, per_page=3)

    page_body, facets_body = backend.request_bodies(query)
    raw = Elasticsearch([ES_URL]).search(index=backend.alias, body=page_body)
    raw_facets = Elasticsearch([ES_URL]).search(index=backend.alias, body=facets_body)
    result = backend.search(query)

    assert raw["hits"]["total"]["value"] == result.total == 4
    assert [int(h["_id"]) for h in raw["hits"]["hits"]] == [h.id for h in result.hits]
    countries = raw_facets["aggregations"]["facet_country"]["values"]["buckets"]
    assert {b["key"]: b["doc_count"] for b in countries} == {"FR": 4, "DE": 3}
    assert [(f.value, f.count) for f in result.facets["country"]] == [("FR", 4), ("DE", 3)]


@needs_engine
@pytest.mark.elasticsearch
def test_a_repeated_search_comes_from_the_request_cache_until_the_index_changes(backend):
    backend.index_documents([make_doc(i, f"Company {i}") for i in range(1, 6)])
    client = Elasticsearch([ES_URL])

    def cache_hits() -> int:
        stats = client.indices.stats(index=backend.alias, metric="request_cache")
        return sum(s["total"]["request_cache"]["hit_count"] for s in stats["indices"].values())

    query = SearchQuery(filters={"region": ["LONDON"]})
    first = backend.search(query)
    before = cache_hits()
    again = backend.search(query)
    assert cache_hits() == before + 2  # the page and the facets (#15)
    assert [h.id for h in again.hits] == [h.id for h in first.hits]

    backend.index_documents([make_doc(6, "Company 6")])
    result = backend.search(query)
    assert cache_hits() == before + 2, "a write must invalidate the cached page and facets"
    assert sum(f.count for f in result.facets["region"]) == 6
    assert result.total == 6 and 6 in [h.id for h in result.hits]


@needs_engine
@pytest.mark.elasticsearch
def test_health_says_when_the_live_index_needs_a_reindex(backend):
    assert "older analyzers" not in backend.health()["detail"]
    client = Elasticsearch([ES_URL])
    (index,) = backend._alias_targets()
    client.indices.put_mapping(index=index, body={"_meta": {"tradehub_schema": "0" * 16}})

    health = backend.health()

    assert health["ok"] is True
    assert "older analyzers or mappings" in health["detail"]
    backend.reindex([make_doc(1, "Acme Foods")])
    assert "older analyzers" not in backend.health()["detail"]
