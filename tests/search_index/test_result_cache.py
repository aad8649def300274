"""Search results kept per process until the index changes (#15): a repeated search skips the
engine, any change to the live index (made by this process or another) ends every kept result,
and a generation that cannot be read only means the engine answers."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from search_index import result_cache, service
from search_index.base import SearchQuery
from search_index.indexing import rebuild_index
from tests.supplier_profiles.buyer_fixtures import make_company, reindex


@pytest.fixture
def engine_calls(app, monkeypatch):
    """How many searches reached the backend (the real one, counted)."""
    backend = service.get_backend()
    calls = []
    real = backend.search

    def counted(query):
        calls.append(query)
        return real(query)

    monkeypatch.setattr(backend, "search", counted)
    return calls


def names(result) -> list[str]:
    return sorted(hit.name for hit in result.hits)


def test_a_repeated_search_is_answered_without_the_engine(suppliers, engine_calls):
    first = service.search(SearchQuery(text="gin"), source="page")
    again = service.search(SearchQuery(text="gin"), source="page")

    assert len(engine_calls) == 1
    assert names(again) == names(first) == ["Copper Still", "Juniper Hill Distillery"]
    assert again.facets == first.facets and again.total == first.total == 2
    # Each caller gets its own copy: the insights ids differ.
    assert again is not first and again.search_id != first.search_id
    # Another query, page or filter is another result.
    service.search(SearchQuery(text="gin", page=2))
    service.search(SearchQuery(text="gin", filters={"region": ["LONDON"]}))
    assert len(engine_calls) == 3


def test_a_saved_profile_ends_the_kept_results(db, suppliers, engine_calls):
    assert names(service.search(SearchQuery(text="gin"))) == [
        "Copper Still",
        "Juniper Hill Distillery",
    ]
    make_company(name="Harbour Gin", summary="Gin by the sea.")  # saved, applied through the outbox

    assert "Harbour Gin" in names(service.search(SearchQuery(text="gin")))
    company = suppliers[1]
    company.name = "Copper Pot Still"
    reindex(company)
    assert "Copper Pot Still" in names(service.search(SearchQuery(text="gin")))
    assert len(engine_calls) == 3


def test_a_change_made_by_another_process_ends_the_kept_results(db, suppliers, engine_calls):
    service.search(SearchQuery(text="gin"))
    service.search(SearchQuery(text="gin"))
    assert len(engine_calls) == 1
    # Another worker applied an outbox batch: it raised the generation in its own transaction.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE search_generation SET generation = generation + 1"))

    service.search(SearchQuery(text="gin"))
    assert len(engine_calls) == 2


def test_a_reindex_ends_the_kept_results(suppliers, engine_calls):
    service.search(SearchQuery(text="gin"))
    rebuild_index()
    service.search(SearchQuery(text="gin"))
    assert len(engine_calls) == 2


def test_without_a_readable_generation_the_engine_answers(suppliers, engine_calls, monkeypatch):
    monkeypatch.setattr(result_cache, "_READ", text("SELECT generation FROM no_such_table"))
    for _ in range(2):
        assert names(service.search(SearchQuery(text="gin"))) == [
            "Copper Still",
            "Juniper Hill Distillery",
        ]
    assert len(engine_calls) == 2  # nothing kept, nothing failed


def test_the_number_of_kept_results_is_bounded_and_can_be_zero(app, suppliers, engine_calls):
    app.config["SEARCH_RESULT_CACHE_SIZE"] = 2
    for words in ("gin", "copper", "juniper", "gin"):  # "gin" was the oldest of three: dropped
        service.search(SearchQuery(text=words))
    assert len(engine_calls) == 4
    service.search(SearchQuery(text="gin"))
    assert len(engine_calls) == 4

    app.config["SEARCH_RESULT_CACHE_SIZE"] = 0
    service.search(SearchQuery(text="gin"))
    service.search(SearchQuery(text="gin"))
    assert len(engine_calls) == 6
