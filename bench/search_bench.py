"""Search benchmark: the app's indexing and query paths against the raw engine, both backends.

Run from the repository root (OpenSearch node on 9260 for the elasticsearch leg):

    SEARCH_NODE_PORT=9260 SEARCH_NODE_DATA=/tmp/bench-node-data \
        SEARCH_NODE_HOME=/tmp/bench-node-home SEARCH_NODE_HEAP=1g scripts/search-node start
    .venv/bin/python -m bench.search_bench --sizes 10000,100000 --backends embedded,elasticsearch \
        --es-url http://127.0.0.1:9260 --iterations 30

A benchmark, not a test: it prints a table and writes JSON to bench/results/ (gitignored).

Indexing (docs/s), the same deterministic documents (bench/corpus.py, built by the app's
Company -> document mapping) every time:
- app `reindex`: the backend's reindex() (the `flask search reindex` path; 500 per batch);
- app `index_documents`: the backend's index_documents() in the outbox's batches of 200
  (the `flask search sync` / after-commit path, one refresh per batch on Elasticsearch), for
  the first --outbox-max documents (10,000 by default) into an empty index;
- raw: Elasticsearch `helpers.bulk` of the same sources into an index with the same settings and
  mappings (500 per request, refresh off while loading, one refresh at the end); embedded: the
  same rows `executemany`-inserted into the same tables (schema made by the backend's own DDL),
  500 per transaction, with the bulk-loading settings and the closing steps the app's reindex
  uses (FTS5 merging held back while loading; the typo vocabulary, FTS5 'optimize' and merge
  settings restored at the end: `raw_all_tables_optimize`, the figure "% of raw" compares
  with, as the Elasticsearch raw path includes its refresh); also reported without the closing
  steps and for the FTS5 table alone.

Latency (ms) of a fixed query mix against the index the app's reindex built: the app path is
`backend.search(SearchQuery(...))`; the raw path sends exactly what the backend sent for that
query (Elasticsearch: every request body it built, captured from its client, through a separate
low-level client `es.search(index=alias, body=...)`; embedded: every SQL statement with its
parameters it ran, captured from its connection, replayed on a separate connection). Each
iteration runs the mix in a fixed order, app then raw for each query; warm-up iterations are not
counted.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from bench import corpus
from bench.report import RAW as RAW_FIGURE
from search_index.base import TOTAL_CAP, SearchBackend, SearchQuery
from search_index.document import SupplierDocument, validate_document
from search_index.elasticsearch import ElasticsearchBackend
from search_index.elasticsearch import settings as es_settings
from search_index.embedded import EmbeddedBackend

RESULTS_DIR = Path(__file__).resolve().parent / "results"
APP_INDEX_BATCH = 500  # search_index.embedded.store.BATCH_SIZE / elasticsearch.backend.BULK_CHUNK
OUTBOX_BATCH = 200  # search_index.indexing.DEFAULT_BATCH
WARMUP_DOCS = 5000  # loaded into a scratch index before the timed Elasticsearch loads

# The fixed query mix: text, spelling, synonyms, typos, filters, facets (every query returns
# all facet groups), sorts and pages. Order is the order they run in every iteration.
QUERY_MIX: list[tuple[str, SearchQuery]] = [
    ("text", SearchQuery(text="whisky")),
    ("text+region", SearchQuery(text="offshore wind", filters={"region": ["SCOTLAND"]})),
    ("us spelling", SearchQuery(text="aluminum castings")),
    ("synonym", SearchQuery(text="freight")),
    (
        "text+country+language",
        SearchQuery(text="medical devices", filters={"country": ["US", "DE"], "language": ["fr"]}),
    ),
    ("typo", SearchQuery(text="enginering")),
    ("suffix stop word", SearchQuery(text="thames foods ltd")),
    ("browse industry by name", SearchQuery(filters={"industry": ["FOOD_AND_DRINK"]}, sort="name")),
    ("browse updated", SearchQuery(sort="updated")),
    (
        "browse 2 groups page 3",
        SearchQuery(filters={"industry": ["AEROSPACE"], "employees": ["11-50", "51-200"]}, page=3),
    ),
    ("text page 2", SearchQuery(text="cheese", page=2)),
    ("browse deep page 50", SearchQuery(sort="name", page=50)),
    ("text+verified", SearchQuery(text="cyber security", filters={"verified": ["true"]})),
    (
        "text updated+country",
        SearchQuery(text="solar", sort="updated", filters={"country": ["AU", "IE", "NL"]}),
    ),
]


# -- small helpers --------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (pct in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean of latency samples in milliseconds."""
    return {
        "n": len(samples_ms),
        "p50": round(percentile(samples_ms, 50), 3),
        "p95": round(percentile(samples_ms, 95), 3),
        "p99": round(percentile(samples_ms, 99), 3),
        "mean": round(sum(samples_ms) / len(samples_ms), 3),
    }


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def best_of(count: int, rounds: list[float], **extra: Any) -> dict[str, Any]:
    """Throughput figures from the fastest of several timed rounds (all rounds kept)."""
    best = min(rounds)
    return {
        "seconds": round(best, 3),
        "docs_per_s": round(count / best, 1),
        "rounds_seconds": [round(r, 3) for r in rounds],
        **extra,
    }


def git_commit(root: Path | None = None) -> str:
    """The commit the benchmark runs (the code under test, or the checkout at root), with
    '+dirty' for local edits."""
    root = root or Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "search_index", "supplier_profiles", "tradehub"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, OS, Python and SQLite versions of this machine."""
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    os_name = platform.platform()
    if Path("/etc/os-release").exists():
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "cpu_model": model,
        "os": os_name,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (other engineers share these cores)."""
    return [round(x, 2) for x in os.getloadavg()]


# -- embedded -------------------------------------------------------------------------------


class _RecordingConnection:
    """Wraps an sqlite3 connection and records every execute() with its parameters."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.calls: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.calls.append((sql, copy.copy(params)))
        return self._conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class _RowRecorder:
    """Stands in for a connection in EmbeddedBackend._write_rows and keeps its statements."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, list[tuple]]] = []

    def executemany(self, sql: str, rows: Any) -> None:
        self.statements.append((sql, list(rows)))


def _raw_connection(path: Path) -> sqlite3.Connection:
    """A plain connection with the pragmas the backend uses (WAL, synchronous NORMAL)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def embedded_indexing(
    docs: list[SupplierDocument], workdir: Path, outbox_max: int, rounds: int
) -> tuple[dict, Path]:
    """Indexing figures for the embedded backend; returns them and the reindexed file."""
    out: dict[str, Any] = {}
    count = len(docs)

    app_path = workdir / "app-reindex.sqlite3"
    _fresh(app_path)
    backend = EmbeddedBackend(app_path, timeout=60)
    backend.ensure_ready()

    outbox_path = workdir / "app-index-documents.sqlite3"
    _fresh(outbox_path)
    outbox = EmbeddedBackend(outbox_path, timeout=60)
    outbox.ensure_ready()

    outbox_docs = docs[:outbox_max]

    def by_outbox_batches() -> None:
        for batch in chunks(outbox_docs, OUTBOX_BATCH):
            outbox.index_documents(batch)

    seconds, _ = timed(by_outbox_batches)
    out["app_index_documents"] = {
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(outbox_docs) / seconds, 1),
        "batch": OUTBOX_BATCH,
        "docs": len(outbox_docs),
    }
    outbox.close()
    _fresh(outbox_path)

    # Raw: the rows the backend's reindex writes (built outside the clock, by the backend's own
    # row builder), inserted into the same tables with plain executemany, 500 per transaction;
    # then the same vocabulary step and FTS5 optimize the reindex ends with.
    raw_path = workdir / "raw.sqlite3"
    gen = "suppliers_20260101000000000000"
    batches = []
    for batch in chunks([validate_document(d) for d in docs], APP_INDEX_BATCH):
        recorder = _RowRecorder()
        rows = EmbeddedBackend._rows(batch, words=False)
        EmbeddedBackend._write_rows(recorder, gen, rows)  # type: ignore[arg-type]
        batches.append(recorder.statements)

    def raw_insert(only_fts: bool) -> tuple[float, float]:
        """Fresh file, same schema, timed inserts; returns (insert s, optimize s)."""
        _fresh(raw_path)
        conn = _raw_connection(raw_path)
        conn.execute("BEGIN")
        EmbeddedBackend(raw_path)._create_generation(conn, gen, vocabulary=True)  # its DDL
        conn.execute("COMMIT")
        start = time.perf_counter()
        for statements in batches:
            conn.execute("BEGIN IMMEDIATE")
            for sql, rows in statements:
                if not only_fts or f"{gen}_fts(" in sql:
                    conn.executemany(sql, rows)
            conn.execute("COMMIT")
        middle = time.perf_counter()
        if not only_fts:
            conn.execute("BEGIN IMMEDIATE")
            EmbeddedBackend._finish_bulk_load(conn, gen)
            conn.execute("COMMIT")
        end = time.perf_counter()
        conn.close()
        _fresh(raw_path)
        return middle - start, end - middle

    # Rounds alternate app and raw, so a burst of load from other processes hits both alike.
    app_rounds, raw_rounds, optimize_rounds = [], [], []
    for _round in range(rounds):
        seconds, _ = timed(lambda: backend.reindex(iter(docs)))
        app_rounds.append(seconds)
        inserts, optimize = raw_insert(False)
        raw_rounds.append(inserts)
        optimize_rounds.append(inserts + optimize)
    backend.close()
    out["app_reindex"] = best_of(count, app_rounds)
    out["raw_all_tables"] = best_of(count, raw_rounds)
    out["raw_all_tables_optimize"] = best_of(count, optimize_rounds)
    out["raw_fts_only"] = best_of(count, [raw_insert(True)[0]])
    return out, app_path


def embedded_latency(path: Path, iterations: int, warmup: int) -> dict[str, Any]:
    """App search() against the same SQL replayed on a plain connection, interleaved."""
    backend = EmbeddedBackend(path, timeout=60)
    for _label, query in QUERY_MIX:  # warm caches (stems, facet bitsets) before capturing
        backend.search(query)
    captured: list[list[tuple[str, Any]]] = []
    totals: list[int] = []
    real = backend._connection()
    for _label, query in QUERY_MIX:
        recorder = _RecordingConnection(real)
        backend._connection = lambda recorder=recorder: recorder  # type: ignore[method-assign]
        totals.append(backend.search(query).total)
        del backend._connection
        captured.append(recorder.calls)
    raw = _raw_connection(path)

    def run_raw(calls: list[tuple[str, Any]]) -> None:
        for sql, params in calls:
            raw.execute(sql, params).fetchall()

    return _interleave(
        lambda q: backend.search(q),
        lambda i: run_raw(captured[i]),
        iterations,
        warmup,
        totals,
        [len(c) for c in captured],
        "sql_statements",
    )


# -- elasticsearch --------------------------------------------------------------------------


def es_indexing(
    docs: list[SupplierDocument], url: str, size: int, outbox_max: int, rounds: int
) -> tuple[dict, Any]:
    """Indexing figures for Elasticsearch/OpenSearch; returns them and the reindexed backend."""
    out: dict[str, Any] = {}
    count = len(docs)
    # Warm the engine's JIT and caches first (not timed), so the first timed load is not
    # penalised against the ones after it.
    warm = ElasticsearchBackend(url, prefix=f"bench{size}-warm", timeout=60)
    warm.clear()
    seconds, _ = timed(lambda: warm.reindex(iter(docs[:WARMUP_DOCS])))
    out["warmup_untimed"] = {"seconds": round(seconds, 3), "docs": min(count, WARMUP_DOCS)}
    warm.clear()
    backend = ElasticsearchBackend(url, prefix=f"bench{size}-app", timeout=60)
    backend.clear()

    outbox = ElasticsearchBackend(url, prefix=f"bench{size}-outbox", timeout=60)
    outbox.clear()
    outbox.ensure_ready()

    outbox_docs = docs[:outbox_max]

    def by_outbox_batches() -> None:
        for batch in chunks(outbox_docs, OUTBOX_BATCH):
            outbox.index_documents(batch)

    seconds, _ = timed(by_outbox_batches)
    out["app_index_documents"] = {
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(outbox_docs) / seconds, 1),
        "batch": OUTBOX_BATCH,
        "docs": len(outbox_docs),
    }
    outbox.clear()

    # Raw: the same sources (built outside the clock) through the client's bulk helper into an
    # index with the same settings and mappings, loaded the way reindex() loads.
    es = Elasticsearch([url], timeout=60, max_retries=1, retry_on_timeout=False)
    name = f"bench{size}-raw"
    actions = [
        {
            "_op_type": "create",
            "_index": name,
            "_id": str(doc["id"]),
            "_source": es_settings.to_source(validate_document(doc)),
        }
        for doc in docs
    ]

    def raw_bulk() -> tuple[float, float]:
        """(create s, bulk + refresh s) into a fresh index with the same body."""
        es.indices.delete(index=name, ignore=[404])
        create, _ = timed(
            lambda: es.indices.create(index=name, body=es_settings.index_body(bulk_loading=True))
        )
        start = time.perf_counter()
        ok, errors = helpers.bulk(
            es, actions, chunk_size=APP_INDEX_BATCH, raise_on_error=True, request_timeout=120
        )
        if ok != count or errors:
            raise SystemExit(f"raw bulk indexed {ok} of {count}: {errors[:1]}")
        es.indices.put_settings(index=name, body={"index": {"refresh_interval": None}})
        es.indices.refresh(index=name)
        seconds = time.perf_counter() - start
        es.indices.delete(index=name, ignore=[404])
        return create, seconds

    # Rounds alternate app and raw, so a burst of load from other processes hits both alike.
    app_rounds, raw_rounds, create_rounds = [], [], []
    for _round in range(rounds):
        seconds, _ = timed(lambda: backend.reindex(iter(docs)))
        app_rounds.append(seconds)
        create, seconds = raw_bulk()
        raw_rounds.append(seconds)
        create_rounds.append(create + seconds)
    out["app_reindex"] = best_of(count, app_rounds)
    out["raw_bulk"] = best_of(count, raw_rounds)
    # reindex() creates its index inside its clock: the raw figure with the same creation.
    out["raw_create_and_bulk"] = best_of(count, create_rounds)
    return out, backend


def es_latency(backend: Any, url: str, iterations: int, warmup: int) -> dict[str, Any]:
    """App search() against the exact request bodies it sent, replayed with es.search()."""
    for _label, query in QUERY_MIX:
        backend.search(query)
    # Every request the backend sent, as (API, body): searches and _msearch pairs.
    captured: list[list[tuple[str, Any]]] = []
    totals: list[int] = []
    real_search, real_msearch = backend.client.search, backend.client.msearch
    for _label, query in QUERY_MIX:
        sent: list[tuple[str, Any]] = []

        def recording(*args: Any, sent: list = sent, **kwargs: Any) -> Any:
            sent.append(("search", copy.deepcopy(kwargs["body"])))
            return real_search(*args, **kwargs)

        def recording_multi(*args: Any, sent: list = sent, **kwargs: Any) -> Any:
            sent.append(("msearch", copy.deepcopy(kwargs["body"])))
            return real_msearch(*args, **kwargs)

        backend.client.search, backend.client.msearch = recording, recording_multi
        totals.append(backend.search(query).total)
        del backend.client.search, backend.client.msearch
        captured.append(sent)
    es = Elasticsearch([url], timeout=60, max_retries=1, retry_on_timeout=False)
    alias = backend.alias

    def send(api: str, body: Any) -> list[int]:
        """Send one captured request; the hit totals it answered."""
        if api == "msearch":
            return [r["hits"]["total"]["value"] for r in es.msearch(body=body)["responses"]]
        return [es.search(index=alias, body=body)["hits"]["total"]["value"]]

    def run_raw(sent: list[tuple[str, Any]]) -> None:
        for api, body in sent:
            send(api, body)

    for (label, _query), sent, total in zip(QUERY_MIX, captured, totals, strict=True):
        # The result comes from one of the requests (a typo probe has no hits of its own).
        # The engine counts one past the cap (track_total_hits); the app reports the cap.
        raw_totals = [min(found, TOTAL_CAP) for api, body in sent for found in send(api, body)]
        if total not in raw_totals:
            raise SystemExit(f"raw and app totals differ for {label}: {raw_totals} vs {total}")
    return _interleave(
        lambda q: backend.search(q),
        lambda i: run_raw(captured[i]),
        iterations,
        warmup,
        totals,
        [len(c) for c in captured],
        "requests",
    )


# -- shared latency loop --------------------------------------------------------------------


def _interleave(
    app: Callable[[SearchQuery], Any],
    raw: Callable[[int], Any],
    iterations: int,
    warmup: int,
    totals: list[int],
    calls: list[int],
    calls_name: str,
) -> dict[str, Any]:
    """Run the mix warmup + iterations times, app then raw per query; summarise the counted."""
    app_ms: list[list[float]] = [[] for _ in QUERY_MIX]
    raw_ms: list[list[float]] = [[] for _ in QUERY_MIX]
    for iteration in range(warmup + iterations):
        for i, (_label, query) in enumerate(QUERY_MIX):
            start = time.perf_counter()
            app(query)
            middle = time.perf_counter()
            raw(i)
            end = time.perf_counter()
            if iteration >= warmup:
                app_ms[i].append((middle - start) * 1000)
                raw_ms[i].append((end - middle) * 1000)
    all_app = [x for xs in app_ms for x in xs]
    all_raw = [x for xs in raw_ms for x in xs]
    per_query = [
        {
            "label": label,
            "total": totals[i],
            calls_name: calls[i],
            "app": summary(app_ms[i]),
            "raw": summary(raw_ms[i]),
        }
        for i, (label, _q) in enumerate(QUERY_MIX)
    ]
    app_summary, raw_summary = summary(all_app), summary(all_raw)
    return {
        "iterations": iterations,
        "warmup": warmup,
        "app": app_summary,
        "raw": raw_summary,
        "p95_overhead_pct": round((app_summary["p95"] / raw_summary["p95"] - 1) * 100, 1),
        "per_query": per_query,
    }


# -- driver ---------------------------------------------------------------------------------


def es_info(url: str) -> dict[str, Any]:
    """Engine distribution, version and heap of the node behind url."""
    es = Elasticsearch([url], timeout=30)
    info = es.info()
    nodes = es.nodes.info(metric="jvm")["nodes"]
    heap = [n["jvm"]["mem"]["heap_max_in_bytes"] for n in nodes.values()]
    return {
        "distribution": info["version"].get("distribution", "elasticsearch"),
        "version": info["version"]["number"],
        "heap_max_mib": [h // (1024 * 1024) for h in heap],
        "jvm": [
            n["jvm"].get("vm_name", "") + " " + n["jvm"].get("version", "") for n in nodes.values()
        ],
    }


def print_table(runs: list[dict[str, Any]]) -> None:
    """The figures as two plain-text tables."""
    print()
    print(f"{'backend':<14}{'docs':>8}  {'path':<26}{'seconds':>10}{'docs/s':>10}{'% of raw':>10}")
    for run in runs:
        idx = run["indexing"]
        raw_key = RAW_FIGURE[run["backend"]]
        raw_rate = idx[raw_key]["docs_per_s"]
        for path, figures in idx.items():
            if "docs_per_s" not in figures:
                continue
            share = figures["docs_per_s"] / raw_rate * 100
            print(
                f"{run['backend']:<14}{run['size']:>8}  {path:<26}{figures['seconds']:>10.2f}"
                f"{figures['docs_per_s']:>10.0f}{share:>9.0f}%"
            )
    print()
    print(
        f"{'backend':<14}{'docs':>8}  {'path':<6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'mean ms':>9}   p95 overhead"
    )
    for run in runs:
        lat = run["latency"]
        for path in ("app", "raw"):
            s = lat[path]
            extra = f"   {lat['p95_overhead_pct']:+.1f}%" if path == "app" else ""
            print(
                f"{run['backend']:<14}{run['size']:>8}  {path:<6}{s['p50']:>9.2f}{s['p95']:>9.2f}"
                f"{s['p99']:>9.2f}{s['mean']:>9.2f}{extra}"
            )
    print()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run every (size, backend) pair, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="embedded,elasticsearch")
    parser.add_argument("--es-url", default="http://127.0.0.1:9260")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--outbox-max",
        type=int,
        default=10000,
        help="documents sent through the outbox path (index_documents in 200s), from the first",
    )
    parser.add_argument(
        "--index-rounds",
        type=int,
        default=1,
        help="timed app/raw indexing rounds (alternating); the fastest of each is reported",
    )
    parser.add_argument("--workdir", default="/tmp/tradehub-search-bench")  # noqa: S108
    parser.add_argument("--keep", action="store_true", help="keep the indices/files afterwards")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.search_bench", *sys.argv[1:]]),
        "machine": machine(),
        "commit": git_commit(),
        "options": vars(args),
        "query_mix": [
            {
                "label": label,
                "text": q.text,
                "filters": {k: list(v) for k, v in q.filters.items()},
                "sort": q.sort,
                "page": q.page,
                "per_page": q.per_page,
            }
            for label, q in QUERY_MIX
        ],
        "runs": [],
    }
    if "elasticsearch" in backends:
        report["engine"] = es_info(args.es_url)
    for size in sizes:
        print(f"building {size} documents ...", flush=True)
        seconds, docs = timed(lambda size=size: corpus.documents(size))
        print(f"  {seconds:.1f}s", flush=True)
        for name in backends:
            run: dict[str, Any] = {"backend": name, "size": size, "load_before": load_average()}
            print(f"{name} {size}: indexing (load {run['load_before']}) ...", flush=True)
            backend: SearchBackend
            if name == "embedded":
                run["indexing"], path = embedded_indexing(
                    docs, workdir, args.outbox_max, args.index_rounds
                )
                print(f"{name} {size}: latency ...", flush=True)
                run["load_before_latency"] = load_average()
                run["latency"] = embedded_latency(path, args.iterations, args.warmup)
                if not args.keep:
                    _fresh(path)
            elif name == "elasticsearch":
                run["indexing"], backend = es_indexing(
                    docs, args.es_url, size, args.outbox_max, args.index_rounds
                )
                print(f"{name} {size}: latency ...", flush=True)
                run["load_before_latency"] = load_average()
                run["latency"] = es_latency(backend, args.es_url, args.iterations, args.warmup)
                if not args.keep:
                    backend.clear()
            else:
                raise SystemExit(f"unknown backend {name!r}")
            run["load_after"] = load_average()
            report["runs"].append(run)
            print(
                json.dumps(
                    {
                        "indexing": run["indexing"],
                        "app": run["latency"]["app"],
                        "raw": run["latency"]["raw"],
                    }
                ),
                flush=True,
            )
        del docs
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    print_table(report["runs"])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"search-{stamp}.json"
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
