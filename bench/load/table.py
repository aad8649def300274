"""Markdown tables from Locust's CSV statistics (for docs/benchmarks.md).

python -m bench.load.table STATS_CSV [FAILURES_CSV] [--title TEXT]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path


def _ms(value: str) -> str:
    return "—" if value in ("", "N/A") else f"{float(value):,.0f}"


def stats_table(stats: Path, title: str = "") -> str:
    """One row per request kind, then the aggregate: requests, req/s, p50/p95/p99, failures."""
    lines = [f"**{title}**", ""] if title else []
    lines += [
        "| request kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with stats.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {float(row['Requests/s']):.1f} |"
            f" {_ms(row['50%'])} | {_ms(row['95%'])} | {_ms(row['99%'])} |"
            f" {_ms(row['Max Response Time'])} | {int(row['Failure Count']):,} |"
        )
    return "\n".join(lines)


def failures_table(failures: Path) -> str:
    """What failed, how often (empty when nothing did)."""
    if not failures.exists():
        return ""
    with failures.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        return "No failures."
    lines = ["| request kind | error | occurrences |", "|---|---|---:|"]
    for row in rows:
        error = row["Error"].replace("|", "\\|")[:160]
        lines.append(f"| {row['Name']} | {error} | {int(row['Occurrences']):,} |")
    return "\n".join(lines)


def exceptions_table(exceptions: Path) -> str:
    """Errors raised inside the users' tasks (empty when there were none)."""
    if not exceptions.exists():
        return ""
    with exceptions.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        return "No errors in the load script's tasks."
    lines = ["| error in a task | occurrences |", "|---|---:|"]
    for row in rows:
        lines.append(f"| {row['Message'][:160]} | {int(row['Count']):,} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stats", type=Path)
    parser.add_argument("failures", type=Path, nargs="?")
    parser.add_argument("exceptions", type=Path, nargs="?")
    parser.add_argument("--title", default="")
    args = parser.parse_args()
    print(stats_table(args.stats, args.title))
    if args.failures:
        print()
        print(failures_table(args.failures))
    if args.exceptions:
        print()
        print(exceptions_table(args.exceptions))


if __name__ == "__main__":
    main()
