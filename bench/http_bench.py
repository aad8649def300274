"""HTTP benchmark: /find-a-supplier and /api/v1/suppliers at 100,000 companies on loopback.

Run from the repository root (OpenSearch node on 9260 for the elasticsearch leg, see
bench/search_bench.py):

    .venv/bin/python -m bench.http_bench --companies 100000 --backends embedded,elasticsearch \
        --es-url http://127.0.0.1:9260 --requests 300 --concurrency 1,4

A benchmark, not a test. Steps, every one through the app's own code:
1. a scratch SQLite database in --workdir, migrated with `flask db upgrade`, filled with the
   deterministic corpus (bench/corpus.py) by SQLAlchemy Core bulk inserts into the app's
   companies and case_studies tables (all published and verified);
2. per backend, `flask search reindex` (timed: the database-to-index path of the app);
3. per backend, `gunicorn -w 2 -b 127.0.0.1:PORT 'tradehub:create_app()'` (TRADEHUB_ENV=production,
   rate limits off), driven by a threaded `requests` client in this process: a fixed mix of
   queries and filters, a warm-up pass of the mix, then --requests requests per endpoint at each
   --concurrency level, in a deterministic order. Reports p50/p95/p99 and requests per second.

The figures and the machine go to bench/results/http-<timestamp>.json (gitignored). The
client shares the machine's cores with the server (as wrk would); say so when quoting figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from sqlalchemy import func, insert, select

from bench import corpus
from bench.search_bench import RESULTS_DIR, chunks, git_commit, load_average, machine, summary
from supplier_profiles.models import CaseStudy, Company
from tradehub import create_app
from tradehub.extensions import db

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
INDEX_PREFIX = "httpbench"

# The query mix both endpoints get: text, spelling, synonym, typo, filters, browse, sorts, pages.
QUERY_MIX: list[dict[str, Any]] = [
    {"q": "whisky"},
    {"q": "offshore wind", "region": ["SCOTLAND"]},
    {"q": "aluminum castings"},
    {"q": "freight", "country": ["US", "DE"]},
    {"q": "medical devices", "language": ["fr"]},
    {"q": "enginering"},
    {"industry": ["FOOD_AND_DRINK"], "sort": "name"},
    {"sort": "updated"},
    {"industry": ["AEROSPACE"], "employees": ["11-50", "51-200"], "page": 3},
    {"q": "cheese", "page": 2},
    {"q": "cyber security", "verified": "true"},
    {"q": "solar", "sort": "updated", "country": ["AU", "IE", "NL"]},
]
ENDPOINTS = ("/find-a-supplier", "/api/v1/suppliers")


def app_env(db_path: Path, backend: str, es_url: str, workdir: Path) -> dict[str, str]:
    """Environment for the flask CLI and gunicorn: production settings on the scratch data."""
    env = dict(os.environ)
    env.update(
        {
            "TRADEHUB_ENV": "production",
            "SECRET_KEY": "http-bench-only-" + "0" * 32,
            # Production requires both (#13); the bench sends no mail.
            "BASE_URL": "http://127.0.0.1",
            "MAIL_SERVER": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SEARCH_BACKEND": backend,
            "SEARCH_EMBEDDED_PATH": str(workdir / "search.sqlite3"),
            "ELASTICSEARCH_URL": es_url,
            "SEARCH_INDEX_PREFIX": INDEX_PREFIX,
            "SEARCH_TIMEOUT": "30",
            "RATELIMIT_ENABLED": "false",
        }
    )
    return env


def flask_cli(env: dict[str, str], *args: str) -> str:
    """Run `flask --app tradehub ...` and return its output (raises on failure)."""
    done = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "tradehub", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def load_database(db_path: Path, count: int, env: dict[str, str]) -> dict[str, Any]:
    """Migrate a fresh scratch database and bulk-insert `count` companies with case studies."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    flask_cli(env, "db", "upgrade")
    rows, studies = corpus.company_rows(corpus.companies(count))
    app = create_app(
        {
            "TRADEHUB_ENV": "production",
            "SECRET_KEY": env["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "BASE_URL": env["BASE_URL"],
            "MAIL_SERVER": env["MAIL_SERVER"],
        }
    )
    started = time.perf_counter()
    with app.app_context():
        for chunk in chunks(rows, 5000):
            db.session.execute(insert(Company.__table__), list(chunk))
        for chunk in chunks(studies, 5000):
            db.session.execute(insert(CaseStudy.__table__), list(chunk))
        db.session.commit()
        stored = db.session.scalar(select(func.count(Company.id)))
        stored_studies = db.session.scalar(select(func.count(CaseStudy.id)))
    seconds = time.perf_counter() - started
    if stored != count:
        raise SystemExit(f"expected {count} companies in the scratch database, found {stored}")
    return {
        "companies": stored,
        "case_studies": stored_studies,
        "insert_seconds": round(seconds, 2),
    }


def database_count(db_path: Path) -> int:
    """Companies already in a scratch database (0 when it does not exist)."""
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(db_path) as conn:
            return conn.execute("SELECT count(*) FROM companies").fetchone()[0]
    except sqlite3.Error:
        return 0


def request_paths(endpoint: str, count: int) -> list[str]:
    """`count` request paths cycling through the query mix in a fixed order."""
    paths = []
    for i in range(count):
        params = dict(QUERY_MIX[i % len(QUERY_MIX)])
        if endpoint.startswith("/api/"):
            params.setdefault("per_page", 20)
        paths.append(f"{endpoint}?{urlencode(params, doseq=True)}")
    return paths


def drive(base: str, paths: Sequence[str], concurrency: int) -> dict[str, Any]:
    """Send every path once with `concurrency` threads (one keep-alive session each)."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    next_index = 0

    def worker() -> None:
        nonlocal next_index
        session = requests.Session()
        while True:
            with lock:
                index = next_index
                next_index += 1
            if index >= len(paths):
                return
            start = time.perf_counter()
            try:
                response = session.get(base + paths[index], timeout=60)
                ok = response.status_code == 200
                detail = f"{response.status_code} {paths[index]}"
            except requests.RequestException as exc:
                ok, detail = False, f"{type(exc).__name__} {paths[index]}"
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures.append(detail)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(paths),
        "concurrency": concurrency,
        "errors": len(failures),
        "first_errors": failures[:3],
        "wall_seconds": round(wall, 3),
        "requests_per_s": round(len(paths) / wall, 1),
        "latency_ms": summary(latencies),
    }


class Server:
    """gunicorn serving the app on loopback, started and stopped by this process."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        workers: int,
        log_path: Path,
        checkout: Path = ROOT,
    ) -> None:
        """gunicorn from `checkout` (its own .venv; this one by default)."""
        self.base = f"http://127.0.0.1:{port}"
        self.log = log_path.open("w", encoding="utf-8")
        gunicorn = VENV_BIN / "gunicorn" if checkout == ROOT else checkout / ".venv/bin/gunicorn"
        self.process = subprocess.Popen(  # noqa: S603 (fixed argument list)
            [
                str(gunicorn),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "tradehub:create_app()",
            ],
            env=env,
            cwd=checkout,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until /healthz answers 200 (the search engine is reachable too)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise SystemExit(f"gunicorn exited with {code}; see {self.log.name}")
            try:
                if requests.get(self.base + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout}s")

    def stop(self) -> None:
        """SIGTERM the gunicorn master this process started and wait for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def query_kind(path: str) -> str:
    """ "text" for a request with search words, "browse" for filters/sorts/pages alone."""
    query = path.split("?", 1)[-1]
    return "text" if any(part.startswith("q=") for part in query.split("&")) else "browse"


def drive_pair(servers: dict[str, str], paths: Sequence[str]) -> dict[str, Any]:
    """Send every path to each server in turn (one client thread, keep-alive sessions), the
    order alternating from path to path so that load bursts hit both alike; latency per server
    and query kind."""
    sessions = {label: requests.Session() for label in servers}
    samples: dict[str, dict[str, list[float]]] = {
        label: {"browse": [], "text": [], "all": []} for label in servers
    }
    failures: list[str] = []
    labels = list(servers)
    for i, path in enumerate(paths):
        for label in labels if i % 2 == 0 else labels[::-1]:
            start = time.perf_counter()
            try:
                response = sessions[label].get(servers[label] + path, timeout=60)
                if response.status_code != 200:
                    failures.append(f"{label} {response.status_code} {path}")
            except requests.RequestException as exc:
                failures.append(f"{label} {type(exc).__name__} {path}")
            elapsed = (time.perf_counter() - start) * 1000
            samples[label][query_kind(path)].append(elapsed)
            samples[label]["all"].append(elapsed)
    return {
        "requests_per_server": len(paths),
        "errors": len(failures),
        "first_errors": failures[:3],
        "latency_ms": {
            label: {kind: summary(values) for kind, values in kinds.items() if values}
            for label, kinds in samples.items()
        },
    }


def compare_with_baseline(
    env: dict[str, str], args: argparse.Namespace, workdir: Path, backend: str
) -> dict[str, Any]:
    """This checkout and --baseline served side by side on the same database and index,
    measured in one interleaved run per endpoint."""
    baseline = Path(args.baseline).resolve()
    servers = {
        "current": Server(env, args.port, args.workers, workdir / f"gunicorn-{backend}.log"),
        "baseline": Server(
            env, args.port + 1, args.workers, workdir / f"gunicorn-{backend}-baseline.log", baseline
        ),
    }
    out: dict[str, Any] = {"baseline": str(baseline), "baseline_commit": git_commit(baseline)}
    try:
        for server in servers.values():
            server.wait_ready()
        bases = {label: server.base for label, server in servers.items()}
        out["check"] = {label: check_responses(base) for label, base in bases.items()}
        out["endpoints"] = []
        for endpoint in ENDPOINTS:
            drive_pair(bases, request_paths(endpoint, len(QUERY_MIX) * 2))  # warm-up
            load = load_average()
            figures = drive_pair(bases, request_paths(endpoint, args.requests))
            figures.update({"endpoint": endpoint, "load_before": load})
            out["endpoints"].append(figures)
            for kind in ("browse", "text"):
                cur = figures["latency_ms"]["current"][kind]
                base = figures["latency_ms"]["baseline"][kind]
                print(
                    f"  {endpoint:<20} {kind:<7} current p50 {cur['p50']:.1f} / p95 "
                    f"{cur['p95']:.1f} ms; baseline p50 {base['p50']:.1f} / p95 "
                    f"{base['p95']:.1f} ms (load {load})",
                    flush=True,
                )
    finally:
        for server in servers.values():
            server.stop()
    return out


def check_responses(base: str) -> dict[str, Any]:
    """One request per endpoint, to show the server answers real results (not errors)."""
    api = requests.get(f"{base}/api/v1/suppliers?q=whisky", timeout=60)
    page = requests.get(f"{base}/find-a-supplier?q=whisky", timeout=60)
    if api.status_code != 200 or page.status_code != 200:
        raise SystemExit(f"endpoints answered {api.status_code} / {page.status_code}")
    body = api.json()
    if not body["results"]:
        raise SystemExit("the API found nothing for 'whisky': is the index loaded?")
    return {"api_total_whisky": body["total"], "page_bytes": len(page.content)}


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the data, then serve and measure each backend in turn."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--backends", default="embedded,elasticsearch")
    parser.add_argument("--es-url", default="http://127.0.0.1:9260")
    parser.add_argument("--requests", type=int, default=300, help="per endpoint and level")
    parser.add_argument("--concurrency", default="1,4", help="client threads, one run per value")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workdir", default="/tmp/tradehub-http-bench")  # noqa: S108
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a scratch database that already holds --companies companies",
    )
    parser.add_argument(
        "--skip-reindex",
        action="store_true",
        help="serve the index an earlier run built in the same --workdir",
    )
    parser.add_argument(
        "--baseline",
        help="another checkout (with its own .venv) to serve beside this one on the same data;"
        " each request goes to both in turn (interleaved) and figures are split by query kind",
    )
    parser.add_argument(
        "--result-cache-size",
        type=int,
        default=None,
        help="SEARCH_RESULT_CACHE_SIZE for the servers (0: every search goes to the engine, as"
        " for queries that do not repeat); the app's default when not given",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="load the scratch database and stop (measure later with --reuse)",
    )
    args = parser.parse_args(argv)
    if args.result_cache_size is not None:
        # app_env copies this process's environment for the flask CLI and both servers.
        os.environ["SEARCH_RESULT_CACHE_SIZE"] = str(args.result_cache_size)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    levels = [int(c) for c in args.concurrency.split(",") if c]
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "tradehub.db"

    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.http_bench", *sys.argv[1:]]),
        "machine": machine(),
        "commit": git_commit(),
        "options": vars(args),
        "query_mix": QUERY_MIX,
        "runs": [],
    }
    env0 = app_env(db_path, backends[0], args.es_url, workdir)
    if args.reuse and database_count(db_path) == args.companies:
        report["database"] = {"companies": args.companies, "reused": True}
    else:
        print(f"loading {args.companies} companies into {db_path} ...", flush=True)
        report["database"] = load_database(db_path, args.companies, env0)
    print(json.dumps(report["database"]), flush=True)
    if args.prepare_only:
        return 0

    for backend in backends:
        env = app_env(db_path, backend, args.es_url, workdir)
        run: dict[str, Any] = {"backend": backend, "load_before_reindex": load_average()}
        if args.skip_reindex:
            run["reindex"] = {"skipped": True, "status": flask_cli(env, "search", "status")}
        else:
            print(f"{backend}: flask search reindex ...", flush=True)
            started = time.perf_counter()
            output = flask_cli(env, "search", "reindex")
            seconds = time.perf_counter() - started
            run["reindex"] = {
                "output": output,
                "seconds": round(seconds, 2),
                "companies_per_s": round(args.companies / seconds, 1),
            }
            print(f"  {output} ({seconds:.1f}s with process start)", flush=True)
        if args.baseline:
            run["comparison"] = compare_with_baseline(env, args, workdir, backend)
            run["load_after"] = load_average()
            report["runs"].append(run)
            continue
        server = Server(env, args.port, args.workers, workdir / f"gunicorn-{backend}.log")
        try:
            server.wait_ready()
            run["check"] = check_responses(server.base)
            run["endpoints"] = []
            for endpoint in ENDPOINTS:
                drive(server.base, request_paths(endpoint, len(QUERY_MIX) * 2), 1)  # warm-up
                for level in levels:
                    load = load_average()
                    figures = drive(server.base, request_paths(endpoint, args.requests), level)
                    figures.update({"endpoint": endpoint, "load_before": load})
                    run["endpoints"].append(figures)
                    lat = figures["latency_ms"]
                    print(
                        f"  {endpoint:<20} c={level}: p50 {lat['p50']:.1f} ms, p95 "
                        f"{lat['p95']:.1f} ms, {figures['requests_per_s']:.1f} req/s, "
                        f"{figures['errors']} errors (load {load})",
                        flush=True,
                    )
        finally:
            server.stop()
        run["load_after"] = load_average()
        report["runs"].append(run)

    report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    print()
    print(
        f"{'backend':<14}{'endpoint':<20}{'conc':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'req/s':>8}{'errors':>8}"
    )
    for run in report["runs"]:
        for fig in run.get("endpoints", []):
            lat = fig["latency_ms"]
            print(
                f"{run['backend']:<14}{fig['endpoint']:<20}{fig['concurrency']:>5}"
                f"{lat['p50']:>9.1f}{lat['p95']:>9.1f}{lat['p99']:>9.1f}"
                f"{fig['requests_per_s']:>8.1f}{fig['errors']:>8}"
            )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"http-{stamp}.json"
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
