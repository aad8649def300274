"""Print Markdown tables from benchmark JSON files (for docs/benchmarks.md).

    .venv/bin/python -m bench.report bench/results/search-<stamp>.json \
        bench/results/http-<stamp>.json

Each file is recognised by its content (search runs have "indexing", HTTP runs "endpoints").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RAW = {"elasticsearch": "raw_create_and_bulk", "embedded": "raw_all_tables_optimize"}


def search_tables(report: dict[str, Any]) -> str:
    """Indexing and latency tables of one search_bench run."""
    lines = [
        f"Run {report['started_at']} → {report['finished_at']}: `{report['command']}`",
        "",
        "| backend | docs (of index size) | path | seconds | docs/s | % of raw | load before |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for run in report["runs"]:
        raw_key = RAW[run["backend"]]
        if raw_key not in run["indexing"]:  # older files
            raw_key = "raw_bulk" if run["backend"] == "elasticsearch" else "raw_all_tables"
        raw_rate = run["indexing"][raw_key]["docs_per_s"]
        for path, fig in run["indexing"].items():
            if "docs_per_s" not in fig:
                continue
            docs = fig.get("docs", run["size"])
            # A share of raw only for loads of the same documents into the same size of index.
            share = f"{fig['docs_per_s'] / raw_rate * 100:.0f}%" if docs == run["size"] else "—"
            lines.append(
                f"| {run['backend']} | {docs:,} of {run['size']:,} | {path} |"
                f" {fig['seconds']:.2f} | {fig['docs_per_s']:,.0f} | {share} |"
                f" {run['load_before']} |"
            )
    lines += [
        "",
        "| backend | docs | path | p50 ms | p95 ms | p99 ms | mean ms | app p95 vs raw p95 "
        "| load before |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in report["runs"]:
        lat = run["latency"]
        for path in ("app", "raw"):
            s = lat[path]
            over = f"{lat['p95_overhead_pct']:+.1f}%" if path == "app" else ""
            lines.append(
                f"| {run['backend']} | {run['size']:,} | {path} | {s['p50']:.1f} | {s['p95']:.1f} |"
                f" {s['p99']:.1f} | {s['mean']:.1f} | {over} | {run['load_before_latency']} |"
            )
    lines += ["", "Per query (p50 ms app / raw):", ""]
    header = (
        "| query | " + " | ".join(f"{r['backend']} {r['size']:,}" for r in report["runs"]) + " |"
    )
    lines += [header, "|---|" + "---:|" * len(report["runs"])]
    for i, item in enumerate(report["query_mix"]):
        cells = []
        for run in report["runs"]:
            q = run["latency"]["per_query"][i]
            cells.append(f"{q['app']['p50']:.1f} / {q['raw']['p50']:.1f} ({q['total']:,} hits)")
        lines.append(f"| {item['label']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def http_tables(report: dict[str, Any]) -> str:
    """The table of one http_bench run."""
    lines = [
        f"Run {report['started_at']} → {report['finished_at']}: `{report['command']}`",
        "",
        "| backend | endpoint | concurrency | requests | p50 ms | p95 ms | p99 ms | req/s | errors"
        " | load before |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in report["runs"]:
        for fig in run["endpoints"]:
            lat = fig["latency_ms"]
            lines.append(
                f"| {run['backend']} | `{fig['endpoint']}` | {fig['concurrency']} |"
                f" {fig['requests']} | {lat['p50']:.1f} | {lat['p95']:.1f} | {lat['p99']:.1f} |"
                f" {fig['requests_per_s']:.1f} | {fig['errors']} | {fig['load_before']} |"
            )
    lines += [
        "",
        "| backend | `flask search reindex` (incl. process start) | companies/s |",
        "|---|---|---:|",
    ]
    for run in report["runs"]:
        if run["reindex"].get("skipped"):
            continue
        lines.append(
            f"| {run['backend']} | {run['reindex']['output']} ({run['reindex']['seconds']} s) |"
            f" {run['reindex']['companies_per_s']:,.0f} |"
        )
    return "\n".join(lines)


def main(paths: list[str]) -> int:
    """Print the tables of every file given."""
    for path in paths:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
        runs = report.get("runs") or [{}]
        print(search_tables(report) if "indexing" in runs[0] else http_tables(report))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
