"""`/metrics` in Prometheus' text format (prometheus-client), correct with several workers.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set by tradehub/gunicorn_conf.py and `flask worker`'s
deployment) makes every process write its samples to files there; a scrape of any worker
merges them all. Without it (development, tests) the process's own registry is served.

- `tradehub_http_request_duration_seconds{endpoint,method,status}`: histogram per request.
- `tradehub_search_duration_seconds{backend,operation}`: histogram per search or suggest call
  (search_index reports through `observe_search`), `tradehub_search_failures_total` likewise.
- `tradehub_outbox_backlog{outbox}`, `tradehub_outbox_oldest_age_seconds{outbox}`,
  `tradehub_outbox_failing{outbox}`: read from the database at scrape time for every outbox
  registered with `register_outbox` (email here, search by search_index).
- `tradehub_outbox_failed_attempts_total{outbox}`: counted by `tradehub.outbox.record_failure`.
- `tradehub_worker_jobs_total{job,result}`: rounds of `flask worker` jobs.

In production /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>` or to an
address listed in METRICS_ALLOW (default loopback); anything else gets 404.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from tradehub.db_types import utcnow
from tradehub.extensions import csrf, db

log = logging.getLogger(__name__)

_OUTBOXES = "tradehub.metrics_outboxes"

REQUEST_SECONDS = Histogram(
    "tradehub_http_request_duration_seconds",
    "Time to answer a request, by endpoint, method and status.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SEARCH_SECONDS = Histogram(
    "tradehub_search_duration_seconds",
    "Time a search engine call took, by backend and operation (search, suggest).",
    ["backend", "operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SEARCH_FAILURES = Counter(
    "tradehub_search_failures_total",
    "Search engine calls that raised, by backend and operation.",
    ["backend", "operation"],
)
OUTBOX_FAILED_ATTEMPTS = Counter(
    "tradehub_outbox_failed_attempts_total",
    "Outbox rows whose attempt failed (each retry counts), by outbox table.",
    ["outbox"],
)
WORKER_JOBS = Counter(
    "tradehub_worker_jobs_total",
    "Rounds of flask worker jobs, by job and result (work, idle, error).",
    ["job", "result"],
)


@dataclass(frozen=True)
class OutboxSpec:
    """An outbox /metrics reports: its model and what makes a row still pending."""

    name: str
    model: Any
    pending: tuple[Any, ...]


def register_outbox(app: Flask, name: str, model: Any, *pending: Any) -> None:
    """Report `model`'s backlog on /metrics as outbox `name`; `pending` filters unfinished rows."""
    app.extensions.setdefault(_OUTBOXES, {})[name] = OutboxSpec(name, model, pending)


def observe_search(backend: str, operation: str, call: Callable[[], Any]) -> Any:
    """Run a search engine call, timing it (and counting it when it raises)."""
    timer = SEARCH_SECONDS.labels(backend, operation).time()
    try:
        with timer:
            return call()
    except Exception:
        SEARCH_FAILURES.labels(backend, operation).inc()
        raise


class OutboxCollector:
    """Backlog, oldest age and failing rows of each registered outbox, read at scrape time."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        backlog = GaugeMetricFamily(
            "tradehub_outbox_backlog", "Rows waiting in the outbox.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "tradehub_outbox_oldest_age_seconds",
            "Age of the oldest waiting row (0 when none waits).",
            labels=["outbox"],
        )
        failing = GaugeMetricFamily(
            "tradehub_outbox_failing",
            "Waiting rows that failed at least once.",
            labels=["outbox"],
        )
        now = utcnow()
        for spec in self.app.extensions.get(_OUTBOXES, {}).values():
            model = spec.model
            count, first, failed = db.session.execute(
                select(
                    func.count(model.id),
                    func.min(model.created_at),
                    func.count(model.id).filter(model.attempts > 0),
                ).where(*spec.pending)
            ).one()
            backlog.add_metric([spec.name], count)
            oldest.add_metric([spec.name], (now - first).total_seconds() if first else 0.0)
            failing.add_metric([spec.name], failed)
        yield backlog
        yield oldest
        yield failing


def _allowed() -> bool:
    config = current_app.config
    if config["TRADEHUB_ENV"] != "production":
        return True
    token = config["METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    allowed = {part.strip() for part in config["METRICS_ALLOW"].split(",") if part.strip()}
    return request.remote_addr in allowed


def metrics_view() -> Response:
    if not _allowed():
        abort(404)
    registry = CollectorRegistry()
    if current_app.config["PROMETHEUS_MULTIPROC_DIR"]:
        MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    outboxes = CollectorRegistry()
    outboxes.register(OutboxCollector(current_app._get_current_object()))  # type: ignore[attr-defined]
    body += generate_latest(outboxes)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def register_metrics(app: Flask) -> None:
    """/metrics, and the request timer on every request."""
    app.add_url_rule("/metrics", "metrics", csrf.exempt(metrics_view))

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe_request(response):
        started = getattr(g, "metrics_started", None)
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            REQUEST_SECONDS.labels(endpoint, request.method, str(response.status_code)).observe(
                time.perf_counter() - started
            )
        return response
