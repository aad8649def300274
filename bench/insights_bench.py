"""What staff search insights and staff synonyms add to a search (issue #9).

    python -m bench.insights_bench [--docs 2000] [--rounds 2000]

Builds an app on a throwaway SQLite database and embedded index with --docs generated
suppliers, then runs the same text searches through search_index.service.search, interleaved:
without recording (source=None) and with recording (source="page"), and reports p50/p95/p99
of each and of the difference. Also times record_search() alone, the staff synonyms' version
check (done on every text search) and one flush of a request's buffered event (which runs
after the response is sent, not during the search).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from search_index import insights, service, synonyms
from search_index.base import SearchQuery
from tests.search_contract.conftest import generated_corpus
from tradehub import create_app
from tradehub.extensions import db

WORDS = ("foods", "works", "textiles", "systems", "pottery", "labs", "freight", "studio")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:44} p50 {pct(values, 50):8.3f} ms   p95 {pct(values, 95):8.3f} ms"
        f"   p99 {pct(values, 99):8.3f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "SEARCH_BACKEND": "embedded",
                "SEARCH_EMBEDDED_PATH": str(Path(tmp) / "search.sqlite3"),
            }
        )
        with app.app_context():
            db.create_all()
            backend = service.get_backend()
            backend.ensure_ready()
            backend.index_documents(generated_corpus(args.docs))
            plain, recorded, record_only, version_check = [], [], [], []
            for n in range(args.rounds):
                query = SearchQuery(text=f"{WORDS[n % 8]} batch {n % 13}")
                for source, out in (((None, plain), ("page", recorded)) if n % 2 else
                                    (("page", recorded), (None, plain))):  # fmt: skip
                    started = time.perf_counter()
                    result = service.search(query, source=source)
                    out.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                insights.record_search(query, result, "embedded", 1.0, "page")
                record_only.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                synonyms.active_groups()
                version_check.append((time.perf_counter() - started) * 1000)
            flushes = []
            for _ in range(200):
                insights.record_search(query, result, "embedded", 1.0, "page")
                started = time.perf_counter()
                insights.flush()
                flushes.append((time.perf_counter() - started) * 1000)
            insights.flush()
    print(f"{args.docs} suppliers, {args.rounds} searches of each kind, interleaved")
    print(line("search, not recorded", plain))
    print(line("search, recorded (source=page)", recorded))
    diffs = [pct(recorded, p) - pct(plain, p) for p in (50, 95, 99)]
    print(
        f"{'added by recording':44} p50 {diffs[0]:8.3f} ms   p95 {diffs[1]:8.3f} ms"
        f"   p99 {diffs[2]:8.3f} ms"
    )
    print(line("record_search() alone", record_only))
    print(line("staff synonyms version check", version_check))
    print(line("flush of one event (after the response)", flushes))
    print(f"{'mean search, not recorded':44} {statistics.fmean(plain):8.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
