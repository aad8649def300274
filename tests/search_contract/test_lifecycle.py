"""Index lifecycle: suggestions, hidden and deleted companies, updates, reindex, health."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from search_index import SearchQuery, SearchUnavailable, get_backend
from search_index.errors import InvalidSearchQuery


def ids(backend, text: str = "", **kwargs) -> set[int]:
    return {h.id for h in backend.search(SearchQuery(text=text, per_page=100, **kwargs)).hits}


# -- autocomplete ---------------------------------------------------------------------------


def test_suggest_completes_company_names_alphabetically(loaded):
    assert loaded.suggest("ac") == ["Achill Seafoods", "Acme", "Acorn Textiles"]
    assert loaded.suggest("AC") == ["Achill Seafoods", "Acme", "Acorn Textiles"]
    assert loaded.suggest("ac", limit=2) == ["Achill Seafoods", "Acme"]


def test_suggest_ignores_accents_and_finds_later_words(loaded):
    assert loaded.suggest("ecla") == ["Éclair Bakery"]
    assert loaded.suggest("Éclair b") == ["Éclair Bakery"]
    assert loaded.suggest("seaf") == ["Achill Seafoods"]
    assert loaded.suggest("looms") == ["Alpha Looms", "Mid Looms", "Zeta Looms"]


def test_suggest_never_offers_nonsense(loaded):
    assert loaded.suggest("qqq") == []
    assert loaded.suggest("   ") == []


# -- what is returned and what leaves ---------------------------------------------------------


def test_every_indexed_company_is_returned(loaded, corpus):
    assert ids(loaded) == {d["id"] for d in corpus}
    assert loaded.count() == len(corpus)
    assert ids(loaded, "ceramics") == {10}
    assert ids(loaded, "colourful") == {2, 3}  # "Colourful", and "Color" (same stem)
    assert ids(loaded, "", filters={"region": ["NORTH_WEST"], "industry": ["CREATIVE"]}) == {10}


def test_a_deleted_company_disappears_everywhere(loaded):
    assert loaded.delete_documents([10, 999]) == 2

    assert ids(loaded, "ceramics") == set()
    assert ids(loaded, "kiln") == set()
    assert loaded.suggest("kiln") == []
    assert 10 not in ids(loaded)
    assert loaded.search(SearchQuery(text="ceramcs")).suggestion is None


def test_an_update_replaces_the_old_text(loaded, corpus):
    ledger = next(d for d in corpus if d["id"] == 20)
    renamed = {**ledger, "name": "Quantum Payments", "case_studies": [], "case_study_count": 0}
    assert loaded.index_documents([renamed]) == 1

    assert ids(loaded, "remittance") == set()  # the deleted case study's text is gone
    assert ids(loaded, "ledger") == set()
    # 20 has both words; 11 ("payment pages") follows, as few companies have both.
    assert [h.id for h in loaded.search(SearchQuery(text="quantum payments")).hits] == [20, 11]
    assert loaded.suggest("quant") == ["Quantum Payments"]
    assert loaded.count() == len(corpus)


def test_a_new_company_is_searchable_at_once(loaded, make_doc):
    loaded.index_documents([make_doc(40, "Wrenfield Honey", summary="Heather honey from Exmoor.")])

    assert ids(loaded, "honey") == {40}
    assert loaded.suggest("wren") == ["Wrenfield Honey"]


# -- reindex --------------------------------------------------------------------------------


def test_reindex_replaces_the_whole_index(loaded, corpus, make_doc):
    before = loaded.count()
    fresh = [d for d in corpus if d["id"] != 4] + [make_doc(41, "Moorland Wool Co")]

    name = loaded.reindex(fresh)
    assert isinstance(name, str) and name
    assert loaded.count() == before  # one gone, one new
    assert ids(loaded, "tundra") == {5}
    assert ids(loaded, "moorland") == {41}
    assert loaded.search(SearchQuery(text="colorful draft")).hits[0].id == 2
    second = loaded.reindex(fresh)
    assert second != name
    assert loaded.count() == before


def test_reindex_while_searching_never_fails_or_shows_a_partial_index(backend, make_corpus):
    old = make_corpus(240)
    new = old + make_corpus(60, start_id=5000)
    backend.index_documents(old)
    queries = [
        (SearchQuery(), {len(old), len(new)}),
        (SearchQuery(text="batch"), {len(old), len(new)}),
        (
            SearchQuery(filters={"industry": ["CREATIVE"]}),
            {sum(1 for d in docs if d["industries"] == ["CREATIVE"]) for docs in (old, new)},
        ),
    ]
    errors: list[BaseException] = []
    bad: list[tuple[str, int]] = []
    done = threading.Event()
    counts = [0, 0, 0]

    def searcher(slot: int) -> None:
        query, allowed = queries[slot]
        while not done.is_set():
            try:
                result = backend.search(query)
            except BaseException as exc:  # noqa: BLE001 - any failure is what we look for
                errors.append(exc)
                return
            if result.total not in allowed:
                bad.append((query.text or str(query.filters), result.total))
            counts[slot] += 1

    threads = [threading.Thread(target=searcher, args=(slot,)) for slot in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.05)
        backend.reindex(new)
        time.sleep(0.05)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert bad == []
    assert all(count > 0 for count in counts)
    assert backend.count() == len(new)
    assert backend.search(SearchQuery(text="batch")).total == len(new)


# -- health, count, errors ------------------------------------------------------------------


def test_health_and_count(loaded, corpus):
    health = loaded.health()

    assert health["ok"] is True
    assert health["backend"] == loaded.name
    assert isinstance(health["detail"], str)
    assert loaded.count() == len(corpus)
    loaded.clear()
    loaded.ensure_ready()
    assert loaded.count() == 0
    assert loaded.search(SearchQuery()).total == 0


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def unreachable(request, tmp_path, monkeypatch):
    """A backend whose engine cannot answer: a path under a plain file, or a closed port."""
    if request.param == "embedded":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x")
        config = {"SEARCH_BACKEND": "embedded", "SEARCH_EMBEDDED_PATH": str(blocker / "s.db")}
    else:
        if not os.environ.get("ELASTICSEARCH_URL"):
            pytest.skip("ELASTICSEARCH_URL is not set")
        config = {
            "SEARCH_BACKEND": "elasticsearch",
            "ELASTICSEARCH_URL": f"http://127.0.0.1:{_closed_port()}",
            "SEARCH_TIMEOUT": "2",
        }
    return get_backend(config)


def test_an_unreachable_engine_raises_search_unavailable(unreachable, make_doc):
    health = unreachable.health()
    assert health["ok"] is False
    assert health["backend"] == unreachable.name
    assert health["detail"]
    with pytest.raises(SearchUnavailable):
        unreachable.search(SearchQuery(text="anything"))
    with pytest.raises(SearchUnavailable):
        unreachable.index_documents([make_doc(1, "Acme")])
    with pytest.raises(SearchUnavailable):
        unreachable.suggest("ac")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort": "price"},
        {"page": 0},
        {"per_page": 0},
        {"per_page": 1000},
        {"filters": {"colour": ["red"]}},
        {"filters": {"verified": ["maybe"]}},
    ],
)
def test_invalid_queries_are_rejected_before_any_backend(kwargs):
    with pytest.raises(InvalidSearchQuery):
        SearchQuery(**kwargs)
