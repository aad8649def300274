"""Time `flask suppliers import` on a fresh SQLite database and embedded index.

    python -m bench.import_bench write --companies 100000 --out /tmp/companies.jsonl
    python -m bench.import_bench run --file /tmp/companies.jsonl [--flask .venv/bin/flask]
        [--database-url postgresql://postgres@127.0.0.1:55432/empty_database]

`write` makes a deterministic JSON Lines file from the demo generator (published, verified
companies with case studies: the importer's full path). `run` migrates a new database in a
temporary folder, imports the file with the given `flask` executable (so two checkouts can be
timed on the same file) and prints the wall time and the rate. The figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tradehub  # noqa: F401  (the composition root loads before any feature package)
from supplier_profiles.demo import generate_companies


def write(companies: int, out: Path) -> None:
    """Write `companies` demo companies to `out`, one JSON object a line."""
    with out.open("w", encoding="utf-8") as handle:
        for index, record in enumerate(generate_companies(companies), start=1):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            if index % 10_000 == 0:
                print(f"  {index:,} of {companies:,} written", file=sys.stderr)


def run(file: Path, flask: str, database_url: str | None = None) -> float:
    """Import `file` into a new database with `flask` (a new SQLite file, or the empty
    database at `database_url`); return the import's wall seconds."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "TRADEHUB_ENV": "development",
            "SECRET_KEY": "import-bench",
            "DATABASE_URL": database_url or f"sqlite:///{folder}/bench.db",
            "SEARCH_BACKEND": "embedded",
            "SEARCH_EMBEDDED_PATH": f"{folder}/search.sqlite3",
        }
        command = [flask, "--app", "tradehub"]
        # Run in the checkout that owns this flask (its .venv/bin/flask): `--app tradehub`
        # imports from the working directory first.
        checkout = Path(flask).absolute().parents[2]
        subprocess.run(
            [*command, "db", "upgrade"], env=env, cwd=checkout, check=True, capture_output=True
        )
        started = time.perf_counter()
        result = subprocess.run(
            [*command, "suppliers", "import", str(file.absolute())],
            env=env,
            cwd=checkout,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
        if result.returncode != 0:
            raise SystemExit(f"import failed ({result.returncode}): {result.stderr[-2000:]}")
    lines = sum(1 for _ in file.open(encoding="utf-8"))
    print(f"{flask}: {elapsed:.1f} s for {lines:,} companies ({lines / elapsed:,.0f}/s) - {last}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    writer = verbs.add_parser("write", help="write a demo JSON Lines file")
    writer.add_argument("--companies", type=int, default=100_000)
    writer.add_argument("--out", type=Path, required=True)
    runner = verbs.add_parser("run", help="time one import of the file")
    runner.add_argument("--file", type=Path, required=True)
    runner.add_argument("--flask", default=str(Path(sys.executable).with_name("flask")))
    runner.add_argument(
        "--database-url",
        help="an empty database to import into (e.g. a new PostgreSQL database) instead of a"
        " new SQLite file",
    )
    args = parser.parse_args()
    if args.verb == "write":
        write(args.companies, args.out)
    else:
        run(args.file, args.flask, args.database_url)


if __name__ == "__main__":
    main()
