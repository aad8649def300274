"""Embedded backend internals the contract tests cannot see: its two facet-counting paths agree,
its in-memory cache follows writes made through another connection, and its file layout."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from search_index import SearchQuery, SearchUnavailable
from search_index.embedded import EmbeddedBackend

QUERIES = [
    SearchQuery(per_page=50),
    SearchQuery(text="batch", per_page=50),
    SearchQuery(text="wessex", filters={"industry": ["CREATIVE", "CLOTHING"]}, sort="name"),
    SearchQuery(filters={"country": ["FR", "JP"], "region": ["WALES", "LONDON"]}, sort="updated"),
    SearchQuery(
        text="textiles",
        filters={"industry": ["CLOTHING"], "country": ["DE"], "verified": ["true"]},
        page=2,
        per_page=5,
    ),
    SearchQuery(text="colorful draft"),
    SearchQuery(filters={"employees": ["1-10", "201-500"], "language": ["en"]}),
]


@pytest.fixture
def index_file(tmp_path, corpus, make_corpus):
    path = tmp_path / "search.sqlite3"
    writer = EmbeddedBackend(path)
    writer.index_documents(corpus + make_corpus(150))
    writer.close()
    return path


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_bitset_and_sql_facet_counts_agree(index_file, query):
    fast = EmbeddedBackend(index_file, facet_bitmaps=True)
    plain = EmbeddedBackend(index_file, facet_bitmaps=False)
    try:
        a, b = fast.search(query), plain.search(query)
    finally:
        fast.close()
        plain.close()

    assert a.total == b.total
    assert a.facets == b.facets
    assert [h.id for h in a.hits] == [h.id for h in b.hits]
    assert a.total > 0


def test_cached_facets_follow_writes_from_another_connection(index_file, make_doc):
    reader = EmbeddedBackend(index_file)
    writer = EmbeddedBackend(index_file)
    try:
        before = reader.search(SearchQuery(filters={"country": ["BR"]}))
        assert before.total == 0
        writer.index_documents([make_doc(900, "Sao Paulo Trading", countries=["BR"])])
        after = reader.search(SearchQuery(filters={"country": ["BR"]}))
        assert after.total == 1
        countries = {v.value: v.count for v in reader.search(SearchQuery()).facets["country"]}
        assert countries["BR"] == 1
        writer.delete_documents([900])
        assert reader.search(SearchQuery(filters={"country": ["BR"]})).total == 0
    finally:
        reader.close()
        writer.close()


def test_a_write_updates_cached_bitsets_without_rebuilding_them(index_file, make_doc, monkeypatch):
    reader = EmbeddedBackend(index_file)
    writer = EmbeddedBackend(index_file)
    builds = []
    build = EmbeddedBackend._build_bitmaps
    monkeypatch.setattr(
        EmbeddedBackend, "_build_bitmaps", staticmethod(lambda *a: builds.append(1) or build(*a))
    )
    try:
        reader.search(SearchQuery())
        assert len(builds) == 1
        # A new company, a changed one (other industry, region and countries), a deleted one.
        writer.index_documents([make_doc(900, "Sao Paulo Trading", countries=["BR"])])
        writer.index_documents(
            [make_doc(1000, "Moved Works", industries=["CREATIVE"], region="WALES", countries=[])]
        )
        writer.delete_documents([1001])
        after = [reader.search(query) for query in QUERIES]
        assert len(builds) == 1, "the writes must not rebuild the reader's bitsets"
    finally:
        reader.close()
        writer.close()

    fresh = EmbeddedBackend(index_file)
    try:
        expected = [fresh.search(query) for query in QUERIES]
    finally:
        fresh.close()
    assert len(builds) == 2
    for got, want in zip(after, expected, strict=True):
        assert (got.total, got.facets) == (want.total, want.facets)
        assert [h.id for h in got.hits] == [h.id for h in want.hits]


def test_bitsets_older_than_the_changes_log_are_rebuilt(index_file, make_doc, monkeypatch):
    reader = EmbeddedBackend(index_file)
    writer = EmbeddedBackend(index_file)
    try:
        reader.search(SearchQuery())
        writer.index_documents([make_doc(900, "Sao Paulo Trading", countries=["BR"])])
        with sqlite3.connect(index_file) as conn:
            # As if the log had been pruned past the version the reader's bitsets are from.
            conn.execute("DELETE FROM changes")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('changes_pruned', '1000000')")
        result = reader.search(SearchQuery(filters={"country": ["BR"]}))
    finally:
        reader.close()
        writer.close()
    assert result.total == 1


def test_reindex_leaves_one_generation_and_a_wal_file(index_file, corpus):
    backend = EmbeddedBackend(index_file)
    try:
        name = backend.reindex(corpus)
        with sqlite3.connect(index_file) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            live = conn.execute("SELECT value FROM meta WHERE key = 'live'").fetchone()[0]
    finally:
        backend.close()

    assert live == name
    assert {t.split("_")[1] for t in tables if t.startswith("suppliers_")} == {name.split("_")[1]}
    assert mode == "wal"


@pytest.mark.parametrize("loaded_first", [5, 1_200], ids=["one batch", "three batches"])
def test_a_failed_reindex_keeps_the_live_index(index_file, corpus, make_corpus, loaded_first):
    backend = EmbeddedBackend(index_file)

    def broken():
        yield from (corpus + make_corpus(loaded_first, start_id=5000))[:loaded_first]
        raise RuntimeError("database went away mid-export")

    try:
        before = backend.count()
        with pytest.raises(RuntimeError):
            backend.reindex(broken())
        assert backend.count() == before
        with sqlite3.connect(index_file) as conn:
            gens = {
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'suppliers%docs'"
                )
            }
            building = conn.execute("SELECT value FROM meta WHERE key = 'building'").fetchone()
        assert len(gens) == 1
        assert building is None
    finally:
        backend.close()


def test_a_large_reindex_indexes_every_document_once(index_file, make_corpus):
    docs = make_corpus(1_234, start_id=5000)
    backend = EmbeddedBackend(index_file)
    try:
        backend.reindex(iter(docs))  # three batches
        assert backend.count() == len(docs)
        assert backend.search(SearchQuery(text="north")).total == len(
            [d for d in docs if "North" in d["name"]]
        )
    finally:
        backend.close()


def test_a_reindex_loads_without_segment_merging_and_leaves_the_defaults_for_writes(
    index_file, make_corpus
):
    """While a reindex loads, FTS5 merges segments only in a crisis (it ends with 'optimize');
    the live generation then merges as FTS5 does by default, so writes keep few segments."""
    backend = EmbeddedBackend(index_file)
    seen = {}
    load_batch = backend._load_batch

    def watching(gen, docs, rows):
        with backend._transaction(write=False) as conn:
            seen.update(conn.execute(f"SELECT k, v FROM {gen}_fts_config"))  # noqa: S608
        load_batch(gen, docs, rows)

    backend._load_batch = watching
    try:
        backend.reindex(iter(make_corpus(1_100, start_id=5000)))
        with backend._transaction(write=False) as conn:
            live = backend._meta(conn, "live")
            after = dict(conn.execute(f"SELECT k, v FROM {live}_fts_config"))  # noqa: S608
    finally:
        backend.close()
    assert (seen["automerge"], seen["crisismerge"]) == (0, 64)
    assert (after["automerge"], after["crisismerge"]) == (4, 16)


def test_the_reindex_vocabulary_equals_the_one_writes_build(index_file, corpus, make_corpus):
    """Typo candidates come from the words table: a reindex fills it from SQLite's tokeniser,
    a write from analysis.tokenize; both must give the same words."""
    docs = corpus + make_corpus(600, start_id=5000)
    docs[0] = {**docs[0], "summary": "Café Über-Straße naïve 2024 4x4 o'neill ΑΘΗΝΑ 東京 the"}
    rebuilt, written = EmbeddedBackend(index_file), EmbeddedBackend(index_file.with_name("w"))
    try:
        rebuilt.reindex(iter(docs))
        written.clear()
        written.index_documents(docs)
        words = []
        for backend in (rebuilt, written):
            with backend._transaction(write=False) as conn:
                live = backend._meta(conn, "live")
                rows = conn.execute(f"SELECT word FROM {live}_words")  # noqa: S608
                words.append({row[0] for row in rows})
                tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
                assert not any(name.endswith(("_vocab", "_vocab_terms")) for name in tables)
    finally:
        rebuilt.close()
        written.close()
    assert words[0] == words[1]
    assert {"cafe", "uber", "straße", "naive", "neill", "αθηνα"} <= words[0]
    assert "the" not in words[0] and "2024" not in words[0]


def test_writes_during_a_reindex_reach_the_new_generation(index_file, corpus, make_doc):
    backend = EmbeddedBackend(index_file)

    def slow_export():
        for position, doc in enumerate(corpus):
            if position == 3:
                # The app saves a new company and renames another while the export runs.
                backend.index_documents([make_doc(950, "Latecomer Mills")])
                backend.index_documents([{**corpus[0], "name": "Acme Renamed"}])
            yield doc

    try:
        backend.reindex(slow_export())
        assert backend.suggest("latecomer") == ["Latecomer Mills"]
        assert backend.suggest("acme") == ["Acme Renamed"]
    finally:
        backend.close()


def test_connections_of_finished_threads_are_closed(index_file):
    backend = EmbeddedBackend(index_file)
    totals: list[int] = []

    def one_request() -> None:
        totals.append(backend.search(SearchQuery(text="wessex")).total)

    try:
        for _ in range(20):  # a threaded server: one short-lived thread per request
            thread = threading.Thread(target=one_request)
            thread.start()
            thread.join()
        one_request()
        assert len(set(totals)) == 1 and totals[0] > 0
        assert len(backend._connections) <= 2  # this thread's, and at most the last one's
    finally:
        backend.close()
    assert backend._connections == []


def test_a_file_that_is_not_an_index_is_reported_unavailable(tmp_path):
    path = tmp_path / "search.sqlite3"
    path.write_bytes(b"this is not an SQLite database, it is a text file" * 100)
    backend = EmbeddedBackend(path)
    try:
        health = backend.health()
        assert health["ok"] is False
        assert "search.sqlite3" in health["detail"]
        with pytest.raises(SearchUnavailable):
            backend.search(SearchQuery(text="anything"))
        with pytest.raises(SearchUnavailable):
            backend.ensure_ready()
    finally:
        backend.close()


def test_searching_a_new_empty_file_finds_nothing(tmp_path):
    backend = EmbeddedBackend(tmp_path / "new" / "search.sqlite3")
    try:
        result = backend.search(SearchQuery(text="acme"))
        assert (result.total, result.hits, backend.count(), backend.suggest("ac")) == (0, [], 0, [])
        assert set(result.facets) == {
            "industry",
            "region",
            "country",
            "language",
            "employees",
            "verified",
        }
        assert backend.health()["ok"] is True
    finally:
        backend.close()


def test_an_index_with_an_older_layout_asks_for_a_reindex_and_keeps_answering(tmp_path, make_doc):
    backend = EmbeddedBackend(tmp_path / "search.sqlite3")
    try:
        backend.index_documents([make_doc(1, "Acme")])
        with backend._transaction(write=True) as conn:
            live = backend._meta(conn, "live")
            # The layout before documents lost `published` (the source decides what is shown).
            conn.execute(f"ALTER TABLE {live}_docs ADD COLUMN published INTEGER")  # noqa: S608
        health = backend.health()
        assert health["ok"] is True and "run `flask search reindex`" in health["detail"]
        assert [h.name for h in backend.search(SearchQuery(text="acme")).hits] == ["Acme"]

        backend.reindex([make_doc(1, "Acme"), make_doc(2, "Brill")])

        assert "reindex" not in backend.health()["detail"]
        assert backend.count() == 2
    finally:
        backend.close()
