"""Behind a proxy and in several processes: TRUSTED_PROXIES, request ids, JSON logs, the
production refusal of per-process rate limits, /metrics, and `flask worker`.

The rate limit shared by two gunicorn workers through Redis is in tests/scale_out/.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from flask import request
from sqlalchemy import func, select

from tradehub.config import load_config
from tradehub.deployment import JsonFormatter, RequestIdFilter
from tradehub.errors import ConfigurationError
from tradehub.extensions import db
from tradehub.mail import OutboxEmail
from tradehub.worker import PeriodicJob, Worker, registered_jobs

LIMIT = 3


def failed_sign_in(client, n: int, **headers):
    return client.post_form(
        "/account/sign-in",
        {"email": f"guess{n}@example.com", "password": "wrong password!"},
        headers=headers,
    )


# --- TRUSTED_PROXIES ------------------------------------------------------------------------


@pytest.fixture
def limited(app_config):
    app_config["LOGIN_RATE_LIMIT"] = f"{LIMIT} per minute"
    return app_config


@pytest.fixture
def behind_one_proxy(limited):
    limited["TRUSTED_PROXIES"] = 1
    return limited


def test_without_trusted_proxies_forwarded_addresses_are_ignored(limited, app, client):
    statuses = [
        failed_sign_in(client, n, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(LIMIT + 1)
    ]
    # A visitor cannot dodge the limit by writing a new X-Forwarded-For each time.
    assert statuses == [200] * LIMIT + [429]


def test_with_a_trusted_proxy_each_visitor_has_their_own_limit(behind_one_proxy, app, client):
    statuses = [
        failed_sign_in(client, n, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(13)
    ]
    assert statuses == [200] * 13

    # The same visitor behind the proxy is still limited.
    same = [
        failed_sign_in(client, 100 + n, **{"X-Forwarded-For": "198.51.100.7"}).status_code
        for n in range(LIMIT + 1)
    ]
    assert same == [200] * LIMIT + [429]


def test_a_trusted_proxy_hop_count_takes_the_address_that_hop_saw(behind_one_proxy, app, client):
    # The visitor wrote 192.0.2.1 themselves; our one proxy appended the address it saw.
    spoofed = [
        failed_sign_in(client, n, **{"X-Forwarded-For": f"192.0.2.{n}, 198.51.100.9"}).status_code
        for n in range(LIMIT + 1)
    ]
    assert spoofed == [200] * LIMIT + [429]


def _echo_client(app):
    @app.route("/_test/whoami")
    def whoami():
        return {"addr": request.remote_addr, "scheme": request.scheme}

    return app.test_client()


def test_trusted_proxies_sets_address_and_scheme_from_the_proxy(behind_one_proxy, app):
    client = _echo_client(app)
    seen = client.get(
        "/_test/whoami",
        headers={"X-Forwarded-For": "192.0.2.1, 203.0.113.5", "X-Forwarded-Proto": "https"},
    ).get_json()
    assert seen == {"addr": "203.0.113.5", "scheme": "https"}


def test_no_trusted_proxies_keeps_the_socket_address_and_scheme(limited, app):
    client = _echo_client(app)
    seen = client.get(
        "/_test/whoami",
        headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"},
    ).get_json()
    assert seen == {"addr": "127.0.0.1", "scheme": "http"}


# --- request ids and JSON logs ---------------------------------------------------------------


def test_every_response_carries_a_fresh_request_id(app, client):
    first = client.get("/", headers={"X-Request-Id": "from-the-visitor"})
    second = client.get("/")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert "from-the-visitor" not in ids  # no trusted proxy: the header is not believed
    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids)


def test_a_trusted_proxys_request_id_is_kept(behind_one_proxy, app, client):
    response = client.get("/", headers={"X-Request-Id": "req-42.abc"})
    assert response.headers["X-Request-Id"] == "req-42.abc"
    odd = client.get("/", headers={"X-Request-Id": "has spaces <and> markup"})
    assert odd.headers["X-Request-Id"] != "has spaces <and> markup"


def test_json_log_lines_carry_the_request_id(app, client):
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tradehub.request")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        response = client.get("/", headers={"X-Request-Id": "ignored"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)

    (record,) = [r for r in records if r.name == "tradehub.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["level"] == "INFO" and line["logger"] == "tradehub.request"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert line["endpoint"] == "main.home" and line["duration_ms"] >= 0

    outside = logging.LogRecord("x", logging.WARNING, __file__, 1, "no request %s", (1,), None)
    RequestIdFilter().filter(outside)
    assert json.loads(JsonFormatter().format(outside))["request_id"] == "-"
    assert json.loads(JsonFormatter().format(outside))["message"] == "no request 1"


# --- settings ----------------------------------------------------------------------------------


PRODUCTION = {
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "sqlite:///:memory:",
    "BASE_URL": "https://tradehub.example.gov.uk",
    "MAIL_SERVER": "smtp.example.gov.uk",  # production refuses to start without it (#13 L5)
}


def test_production_refuses_memory_rate_limits_with_several_workers():
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI.*2 workers"):
        load_config("production", {**PRODUCTION, "WEB_CONCURRENCY": "2"})
    load_config("production", {**PRODUCTION, "WEB_CONCURRENCY": "1"})
    load_config(
        "production",
        {**PRODUCTION, "WEB_CONCURRENCY": "4", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"},
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TRUSTED_PROXIES", "-1", "TRUSTED_PROXIES must be a number of proxy hops"),
        ("TRUSTED_PROXIES", "one", "Expected a whole number"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be 'text' or 'json'"),
    ],
)
def test_bad_scale_out_settings_are_refused(name, value, message):
    with pytest.raises(ConfigurationError, match=message):
        load_config("development", {name: value})


def test_gunicorn_config_refuses_memory_storage_with_two_workers_in_production(tmp_path):
    env = {
        **os.environ,
        **PRODUCTION,
        "TRADEHUB_ENV": "production",
        "WEB_CONCURRENCY": "2",
        "RATELIMIT_STORAGE_URI": "memory://",
        "BIND": "127.0.0.1:0",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    result = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "tradehub:create_app()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "2 workers" in result.stderr


# --- /metrics ----------------------------------------------------------------------------------


def test_metrics_report_requests_searches_and_outboxes(app, client):
    client.get("/")
    assert client.get("/find-a-supplier?q=widgets").status_code == 200
    with app.app_context():
        db.session.add(OutboxEmail(to_address="a@example.com", subject="s", body_text="b"))
        db.session.commit()

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'tradehub_http_request_duration_seconds_bucket{endpoint="main.home"' in text
    assert 'method="GET",status="200"' in text
    assert 'tradehub_search_duration_seconds_count{backend="embedded",operation="search"}' in text
    assert 'tradehub_outbox_backlog{outbox="email"} 1.0' in text
    assert 'tradehub_outbox_backlog{outbox="search"}' in text
    assert 'tradehub_outbox_oldest_age_seconds{outbox="email"}' in text
    assert "tradehub_outbox_failed_attempts_total" in text


@pytest.fixture
def production_metrics(app_config):
    app_config.update(
        TRADEHUB_ENV="production", METRICS_TOKEN="s3cret-token", METRICS_ALLOW="10.0.0.9"
    )
    return app_config


def test_production_metrics_need_the_token_or_an_allowed_address(production_metrics, app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200 and b"tradehub_outbox_backlog" in ok.data
    allowed = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert allowed.status_code == 200


# --- flask worker ------------------------------------------------------------------------------


def queue(app, count: int) -> None:
    with app.app_context():
        db.session.add_all(
            OutboxEmail(to_address=f"w{n}@example.com", subject=f"n{n}", body_text="hello")
            for n in range(count)
        )
        db.session.commit()


def test_worker_runs_the_core_and_feature_jobs(app):
    names = [job.name for job in registered_jobs(app)]
    assert {"email-outbox", "search-outbox"} <= set(names)


def test_two_workers_at_once_send_each_email_exactly_once(app, mailbox):
    queue(app, 12)
    jobs = [job for job in registered_jobs(app) if job.name == "email-outbox"]
    handled: list[int] = []

    def drain():
        with app.app_context():
            handled.append(Worker(jobs, idle_seconds=0).run(until_idle=True))

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sum(handled) == 12
    mailbox.wait_for("w11@example.com")
    sent = [msg["To"] for msg in mailbox.messages]
    assert sorted(sent) == sorted(f"w{n}@example.com" for n in range(12))
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
            )
            == 0
        )


def test_a_failing_job_is_logged_and_the_others_keep_running(app, caplog):
    calls: list[str] = []

    def broken() -> int:
        calls.append("broken")
        raise RuntimeError("boom")

    def fine() -> int:
        calls.append("fine")
        return 0

    worker = Worker([PeriodicJob("broken", broken, ""), PeriodicJob("fine", fine, "")], 0)
    with app.app_context():
        assert worker.run(until_idle=True) == 0
    assert calls == ["broken", "fine"]
    assert "worker job broken failed" in caplog.text


def test_sigterm_finishes_the_batch_and_exits(app, app_config, tmp_path):
    queue(app, 3)
    env = {
        **os.environ,
        "TRADEHUB_ENV": "testing",
        "SECRET_KEY": "worker-test",
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_BACKEND": "embedded",
        "SEARCH_EMBEDDED_PATH": str(tmp_path / "search.sqlite3"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(app_config["MAIL_PORT"]),
        "WORKER_IDLE_SECONDS": "30",
    }
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    process = subprocess.Popen(
        [flask, "--app", "tradehub", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with app.app_context():
                waiting = db.session.scalar(
                    select(func.count())
                    .select_from(OutboxEmail)
                    .where(OutboxEmail.sent_at.is_(None))
                )
                db.session.rollback()
            if waiting == 0:
                break
            time.sleep(0.2)
        assert waiting == 0
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    # It was idle-sleeping for 30 s: SIGTERM ends the wait at once.
    assert time.monotonic() - started < 15
    assert process.returncode == 0, output
    assert "Worker running: " in output
    assert "email-outbox" in output and "search-outbox" in output
    assert "Worker stopped" in output and "3 item(s) handled" in output
