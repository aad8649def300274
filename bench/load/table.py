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


def _cell(text: str) -> str:
    return text.replace("|", "\\|")[:160]


def problems_table(path: Path, kind: str) -> str:
    """What failed (kind "failures": requests) or raised (kind "exceptions": the load script's
    tasks), and how often; empty when Locust wrote no such file."""
    if not path.exists():
        return ""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        return "No failures." if kind == "failures" else "No errors in the load script's tasks."
    if kind == "failures":
        lines = ["| request kind | error | occurrences |", "|---|---|---:|"]
        cells = [(f"{row['Name']} | {_cell(row['Error'])}", row["Occurrences"]) for row in rows]
    else:
        lines = ["| error in a task | occurrences |", "|---|---:|"]
        cells = [(_cell(row["Message"]), row["Count"]) for row in rows]
    lines += [f"| {text} | {int(count):,} |" for text, count in cells]
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
        print(problems_table(args.failures, "failures"))
    if args.exceptions:
        print()
        print(problems_table(args.exceptions, "exceptions"))


if __name__ == "__main__":
    main()
