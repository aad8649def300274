"""One rate limit across two gunicorn workers, kept in Redis (RATELIMIT_STORAGE_URI).

Runs when TEST_REDIS_URL is set (`make test` starts Redis with scripts/redis and sets it).
gunicorn serves the app with two sync workers from deploy/gunicorn.conf.py; failed sign-ins,
one at a time on fresh connections (a failed sign-in is counted once it has failed, so
concurrent attempts could overtake the count), are sent until each worker has answered more
than the limit, and together they let exactly the limit through: per-worker (memory://)
counting would have let each worker's share through up to the limit, twice as many.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
import requests

REDIS_URL = os.environ.get("TEST_REDIS_URL")
LIMIT = 5
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(app, app_config, tmp_path):
    """gunicorn with two workers on a free port, sharing limits through Redis."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "TRADEHUB_ENV": "testing",
        "SECRET_KEY": "two-workers-one-secret",
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_BACKEND": "embedded",
        "SEARCH_EMBEDDED_PATH": str(tmp_path / "search.sqlite3"),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    gunicorn_bin = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    process = subprocess.Popen(
        [gunicorn_bin, "-c", "deploy/gunicorn.conf.py", "-k", "sync", "tradehub:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                    break
            except requests.RequestException:  # bound, workers still booting
                pass
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield base, access_log
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def failed_sign_in(base: str, n: int) -> int:
    """One visitor's failed sign-in (own session and CSRF token), on a fresh connection."""
    with requests.Session() as session:
        session.headers["Connection"] = "close"
        page = session.get(f"{base}/account/sign-in", timeout=30).text
        token = TOKEN_RE.search(page).group(1)
        return session.post(
            f"{base}/account/sign-in",
            data={"csrf_token": token, "email": f"guess{n}@example.com", "password": "wrong!"},
            timeout=30,
        ).status_code


def sign_in_pids(access_log: Path) -> Counter:
    """How many sign-in POSTs each worker (pid) answered."""
    lines = access_log.read_text().splitlines() if access_log.exists() else []
    return Counter(line.split()[0] for line in lines if '"POST /account/sign-in' in line)


def test_two_gunicorn_workers_share_one_limit_through_redis(gunicorn):
    base, access_log = gunicorn
    statuses: list[int] = []
    for n in range(40 * LIMIT):
        statuses.append(failed_sign_in(base, n))
        if n % LIMIT == LIMIT - 1:
            per_worker = sign_in_pids(access_log)
            if len(per_worker) == 2 and min(per_worker.values()) > LIMIT:
                break

    per_worker = sign_in_pids(access_log)
    assert len(per_worker) == 2, f"one worker answered everything: {per_worker}"
    # Each worker saw more attempts than the limit, yet only LIMIT got through in all.
    assert min(per_worker.values()) > LIMIT, per_worker
    assert statuses.count(200) == LIMIT, Counter(statuses)
    assert statuses.count(429) == len(statuses) - LIMIT
    keys = redis.Redis.from_url(REDIS_URL).keys("*")
    assert keys, "the limiter wrote nothing to Redis"
