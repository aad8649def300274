"""Write-then-search on the embedded backend: what the first search after a one-document save
costs, and what a new worker's first search costs, at --documents documents.

    .venv/bin/python -m bench.write_search_bench --documents 100000 --rounds 20

A benchmark, not a test. An embedded index of the deterministic corpus (bench/corpus.py) is
built once with the app's reindex. Then, as two processes of the app would:
- a "new worker" (a fresh EmbeddedBackend on the file) runs its first search: it builds its
  facet bitsets (the cold start);
- per round, the reader searches (the search "before"), a separate writer backend saves one
  changed document (as a profile save's outbox apply does), and the reader searches again (the
  search "after", the one that used to rebuild every bitset).
Each search is a browse of all documents with every facet group, the query a results page
sends first. Figures go to bench/results/write-search-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import corpus
from bench.search_bench import RESULTS_DIR, git_commit, load_average, machine, summary
from search_index.base import SearchQuery
from search_index.embedded import EmbeddedBackend

QUERY = SearchQuery()


def timed_search(backend: EmbeddedBackend) -> float:
    """Milliseconds one search takes."""
    started = time.perf_counter()
    backend.search(QUERY)
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workdir", default="/tmp/tradehub-write-search-bench")  # noqa: S108
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "search.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    docs = corpus.documents(args.documents)
    builder = EmbeddedBackend(path)
    started = time.perf_counter()
    builder.reindex(iter(docs))
    built = time.perf_counter() - started
    builder.close()
    print(f"indexed {len(docs):,} documents in {built:.1f}s", flush=True)

    cold = []
    for _ in range(3):
        worker = EmbeddedBackend(path)
        cold.append(timed_search(worker))
        worker.close()
    reader, writer = EmbeddedBackend(path), EmbeddedBackend(path)
    before, after = [], []
    try:
        for _ in range(3):
            timed_search(reader)  # warm
        for round_number in range(args.rounds):
            before.append(timed_search(reader))
            changed = dict(docs[round_number * 7 % len(docs)])
            changed["summary"] = f"{changed['summary']} (edited in round {round_number})"
            changed["industries"] = sorted({*changed["industries"], "AEROSPACE"})
            writer.index_documents([changed])
            after.append(timed_search(reader))
    finally:
        reader.close()
        writer.close()
    extra = [a - b for a, b in zip(after, before, strict=True)]
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(
            [Path(sys.executable).name, "-m", "bench.write_search_bench", *sys.argv[1:]]
        ),
        "machine": machine(),
        "commit": git_commit(),
        "load": load_average(),
        "documents": len(docs),
        "reindex_seconds": round(built, 2),
        "new_worker_first_search_ms": summary(cold),
        "search_before_write_ms": summary(before),
        "first_search_after_write_ms": summary(after),
        "after_minus_before_ms": {
            "median": round(statistics.median(extra), 2),
            "max": round(max(extra), 2),
        },
    }
    print(json.dumps({k: v for k, v in report.items() if k.endswith(("_ms", "load"))}, indent=1))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"write-search-{stamp}.json"
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
