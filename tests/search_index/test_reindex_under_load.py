"""Issue 3, item 3: searches keep answering, complete and correct, while `flask search reindex`
rebuilds an index of 5,000 companies and swaps it in."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from search_index import service
from search_index.base import SearchQuery
from tests.factories import bulk_insert_companies

COMPANIES = 5000
SEARCH_THREADS = 3


@dataclass
class Probe:
    """One query and what it must answer: the total, and page 1 exactly as before the swap."""

    query: SearchQuery
    total: int
    first_page: list[int] | None = None


@dataclass
class Answer:
    probe: int
    started: float
    finished: float
    total: int | None
    first_page: list[int] | None
    error: str | None


def probes_for(rows: list[dict]) -> list[Probe]:
    """Queries over text, filters, sort and paging, with totals counted from the rows."""

    def count(pred) -> int:
        return sum(1 for row in rows if pred(row))

    return [
        Probe(SearchQuery(per_page=20), len(rows)),
        Probe(SearchQuery(text="robotics"), count(lambda r: "Robotics" in r["name"])),
        Probe(
            SearchQuery(text="ceramics", sort="name", page=3),
            count(lambda r: "Ceramics" in r["name"]),
        ),
        Probe(
            SearchQuery(filters={"region": ["WALES", "SCOTLAND"]}, sort="updated"),
            count(lambda r: r["region"] in ("WALES", "SCOTLAND")),
        ),
        Probe(
            SearchQuery(text="optics", filters={"employees": ["1-10", "201-500"]}),
            count(lambda r: "Optics" in r["name"] and r["employees"] in ("1-10", "201-500")),
        ),
        Probe(
            SearchQuery(filters={"country": ["JP"], "industry": ["MARINE"]}, page=2),
            count(lambda r: "JP" in r["export_countries"] and r["industries"] == ["MARINE"]),
        ),
    ]


def ask(probe: Probe) -> tuple[int, list[int]]:
    result = service.search(probe.query)
    return result.total, [hit.id for hit in result.hits]


@pytest.mark.slow
@pytest.mark.usefixtures("search_backend")
def test_searches_answer_completely_while_reindex_swaps_the_index(app, db, runner):
    rows = bulk_insert_companies(COMPANIES)
    first = runner.invoke(args=["search", "reindex"])
    assert first.exit_code == 0, first.output
    assert f"Reindexed {COMPANIES} companies" in first.output
    print(f"\nfirst (no searches): {first.output.strip()}")
    backend = service.get_backend()
    assert backend.count() == COMPANIES

    probes = probes_for(rows)
    for probe in probes:
        total, page = ask(probe)
        assert total == probe.total, probe.query
        assert page, probe.query  # every probe has hits on the page it asks for
        probe.first_page = page

    stop = threading.Event()
    answers: list[Answer] = []
    lock = threading.Lock()

    def search_continuously(offset: int) -> None:
        with app.app_context():
            n = offset
            while not stop.is_set():
                number = n % len(probes)
                started = time.monotonic()
                try:
                    total, page = ask(probes[number])
                    error = None
                except Exception as exc:  # recorded and asserted on below
                    total, page, error = None, None, f"{type(exc).__name__}: {exc}"
                with lock:
                    answers.append(Answer(number, started, time.monotonic(), total, page, error))
                n += 1

    threads = [
        threading.Thread(target=search_continuously, args=(i,), daemon=True)
        for i in range(SEARCH_THREADS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # searches running before the rebuild starts
    reindex_started = time.monotonic()
    second = runner.invoke(args=["search", "reindex"])
    reindex_finished = time.monotonic()
    time.sleep(0.3)  # and after it finished
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert second.exit_code == 0, second.output
    print(
        f"\n{app.config['SEARCH_BACKEND']}: reindex of {COMPANIES} took "
        f"{reindex_finished - reindex_started:.1f}s under {len(answers)} searches"
    )

    errors = [a.error for a in answers if a.error]
    assert errors == []
    during = [a for a in answers if a.started >= reindex_started and a.finished <= reindex_finished]
    assert len(during) >= 10, "searches must run throughout the rebuild"
    assert any(a.finished < reindex_started for a in answers)
    assert any(a.started > reindex_finished for a in answers)
    wrong = [
        (a.probe, a.total, probes[a.probe].total)
        for a in answers
        if a.total != probes[a.probe].total or a.first_page != probes[a.probe].first_page
    ]
    assert wrong == []
    assert backend.count() == COMPANIES
    for probe in probes:
        assert ask(probe) == (probe.total, probe.first_page)
    old_index, new_index = (index_name(first.output), index_name(second.output))
    assert new_index != old_index
    assert new_index in backend.health()["detail"]  # the live index is the new one
    if app.config["SEARCH_BACKEND"] == "elasticsearch":
        kept = sorted(backend.client.indices.get(index=f"{backend.alias}-*"))
        assert kept == [old_index, new_index]  # the previous index is kept for a rollback


def index_name(output: str) -> str:
    """The index name in "Reindexed N companies into NAME in Ts." """
    return output.split(" into ", 1)[1].split(" in ", 1)[0]
