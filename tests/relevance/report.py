"""Relevance report: the judged set run on each backend, with the metrics per backend.

    python -m tests.relevance.report [--backend embedded|elasticsearch] [--json FILE] [--misses]

Elasticsearch runs when ELASTICSEARCH_URL is set (a throwaway index prefix, dropped after).
Metrics: nDCG@10 (graded, over queries with a relevant company), MRR, must-be-first hits,
zero-result rate (queries that should find something but found nothing), "nothing" queries
answered with nothing, and "did you mean" hits (misspelt queries offered the right text).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from search_index import SearchBackend, SearchQuery, get_backend
from search_index import synonyms as synonyms_service
from search_index.document import filter_values, validate_document
from tests.relevance.companies import companies
from tests.relevance.queries import QUERIES, grade
from tradehub import create_app

K = 10


@dataclass
class Metrics:
    backend: str
    ndcg: float = 0.0
    mrr: float = 0.0
    first_hits: int = 0
    first_total: int = 0
    zero_results: int = 0
    answerable: int = 0
    nothing_right: int = 0
    nothing_total: int = 0
    suggest_hits: int = 0
    suggest_total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def zero_result_rate(self) -> float:
        return self.zero_results / self.answerable if self.answerable else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ndcg_at_10": round(self.ndcg, 4),
            "mrr": round(self.mrr, 4),
            "must_be_first": f"{self.first_hits}/{self.first_total}",
            "zero_result_rate": round(self.zero_result_rate, 4),
            "nothing_answered_with_nothing": f"{self.nothing_right}/{self.nothing_total}",
            "did_you_mean": f"{self.suggest_hits}/{self.suggest_total}",
        }


def _passes(filters: dict[str, list[str]], company: dict[str, Any]) -> bool:
    values = filter_values(company)
    return all(set(values[group]) & set(wanted) for group, wanted in filters.items())


def dcg(gains: Iterable[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def evaluate(
    backend: SearchBackend,
    docs: list[dict[str, Any]],
    synonyms: tuple[tuple[str, ...], ...] = (),
) -> Metrics:
    """Run every judged query on an indexed backend (with staff synonym groups, if given) and
    score the answers."""
    by_id = {d["id"]: d for d in docs}
    m = Metrics(backend.name)
    ndcgs: list[float] = []
    reciprocal: list[float] = []
    for judged in QUERIES:
        result = backend.search(
            SearchQuery(text=judged.text, filters=judged.filters, per_page=K, synonyms=synonyms)
        )
        ids = [hit.id for hit in result.hits]
        grades = {d["id"]: grade(judged, d) for d in docs if _passes(judged.filters, d)}
        relevant = {i: g for i, g in grades.items() if g > 0}
        if judged.kind == "nothing":
            m.nothing_total += 1
            if result.total == 0:
                m.nothing_right += 1
            else:
                m.misses.append(f"nothing: {judged.text!r} found {result.total}")
        elif relevant:
            m.answerable += 1
            if result.total == 0:
                m.zero_results += 1
            gains = [relevant.get(i, 0) for i in ids]
            ideal = dcg(sorted(relevant.values(), reverse=True)[:K])
            score = dcg(gains) / ideal
            ndcgs.append(score)
            rank = next((n for n, i in enumerate(ids, 1) if i in relevant), None)
            reciprocal.append(1 / rank if rank else 0.0)
            if score < 0.8:
                names = [by_id[i]["name"] for i in ids[:5]]
                m.misses.append(f"{judged.kind}: {judged.text!r} nDCG {score:.2f} -> {names}")
        if judged.first:
            m.first_total += 1
            if ids and by_id[ids[0]]["name"] == judged.first:
                m.first_hits += 1
            else:
                m.misses.append(f"first: {judged.text!r} -> {[by_id[i]['name'] for i in ids[:3]]}")
        if judged.suggest:
            m.suggest_total += 1
            if result.suggestion == judged.suggest:
                m.suggest_hits += 1
            else:
                m.misses.append(f"suggest: {judged.text!r} -> {result.suggestion!r}")
    m.ndcg = sum(ndcgs) / len(ndcgs)
    m.mrr = sum(reciprocal) / len(reciprocal)
    return m


def judged_documents() -> list[dict[str, Any]]:
    return companies()


def index_documents(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The judged companies as plain search documents (the judging fields removed)."""
    return [validate_document({k: v for k, v in d.items() if not k.startswith("_")}) for d in docs]


def run(
    kind: str,
    workdir: str,
    configure: Any = None,
    synonyms: tuple[tuple[str, ...], ...] = (),
) -> Metrics:
    """Index the judged set into a fresh backend of `kind`, evaluate it, drop the index."""
    if kind == "embedded":
        config = {
            "SEARCH_BACKEND": "embedded",
            "SEARCH_EMBEDDED_PATH": os.path.join(workdir, f"relevance-{uuid.uuid4().hex}.sqlite3"),
        }
    else:
        config = {
            "SEARCH_BACKEND": "elasticsearch",
            "ELASTICSEARCH_URL": os.environ["ELASTICSEARCH_URL"],
            "SEARCH_INDEX_PREFIX": f"relevance-{os.getpid()}-{uuid.uuid4().hex[:8]}",
            "SEARCH_TIMEOUT": "30",
        }
    backend = get_backend(config)
    if configure is not None:
        configure(backend)
    docs = judged_documents()
    try:
        backend.clear()
        backend.ensure_ready()
        backend.index_documents(index_documents(docs))
        return evaluate(backend, docs, synonyms)
    finally:
        backend.clear()
        close = getattr(backend, "close", None)
        if callable(close):
            close()


def staff_synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The staff synonym groups of the app's database, as buyer searches apply them."""
    app = create_app()
    with app.app_context():
        return synonyms_service.active_groups()


def backends_available() -> list[str]:
    return ["embedded"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["embedded", "elasticsearch"], action="append")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--misses", action="store_true", help="list the queries that fall short")
    parser.add_argument(
        "--staff-synonyms",
        action="store_true",
        help="also apply the staff synonym groups of the app's database (DATABASE_URL)",
    )
    args = parser.parse_args(argv)
    staff: tuple[tuple[str, ...], ...] = ()
    if args.staff_synonyms:
        staff = staff_synonym_groups()
        print(f"Staff synonym groups applied: {len(staff)}")
        for group in staff:
            print(f"  {', '.join(group)}")
    kinds = args.backend or backends_available()
    count = len(judged_documents())
    print(f"Judged set: {count} companies, {len(QUERIES)} queries")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            metrics = run(kind, workdir, synonyms=staff)
            figures[kind] = metrics.as_dict()
            print(f"\n{kind}")
            for key, value in metrics.as_dict().items():
                print(f"  {key:32} {value}")
            if args.misses:
                for miss in metrics.misses:
                    print(f"    - {miss}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
