"""Staff search insights: every buyer search (results page and API) and each click from a
results page to a profile, recorded without personal data, and the reports staff read.

Recording must never slow or break a search: `record_search` only builds a small dict and
appends it to this process's buffer (a deque; no I/O, no lock held across I/O). The buffer is
written in one INSERT at most every SEARCH_INSIGHTS_FLUSH_SECONDS (default 5) by a timer
thread, at once when it holds FLUSH_ROWS events (after the response that filled it has been
sent), when the insights page is read, and when the process exits. A commit per search (a
SQLite fsync, 15-30 ms) held the worker after every response: a quarter of its time on a
search API request at 100,000 suppliers (#15). SEARCH_INSIGHTS_FLUSH_SECONDS = 0 writes after
every response (the test settings). A write that fails is logged and its events are dropped; the
search it describes has long been answered. A process killed outright loses at most the
events of the last interval.

What is kept: the query text normalised (folded words, markup dropped; e-mail addresses and
long digit runs such as phone numbers replaced), the filters, result count, backend, latency,
page number and where it came from (page or api); for a click, the search's id and position.
Nothing identifies the buyer: no user, session, IP address or user agent. Events older than
SEARCH_INSIGHTS_RETENTION_DAYS (default 90) are deleted by `flask search prune-insights`.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import threading
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Response, current_app
from sqlalchemy import Float, case, cast, delete, func, insert, select

from search_index import analysis
from search_index.base import SearchQuery, SearchResult
from search_index.models import SearchClick, SearchEvent
from tradehub.db_types import utcnow
from tradehub.extensions import db

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
MAX_TEXT = 200
# Events kept in memory at most; beyond that the oldest are dropped (a database outage).
MAX_BUFFERED = 10_000
# A buffer this full is written after the response that filled it, without waiting for the timer.
FLUSH_ROWS = 500
DEFAULT_FLUSH_SECONDS = 5.0
REPORT_ROWS = 20

_EMAIL_RE = re.compile(r"\S+@\S+")
_LONG_NUMBER_RE = re.compile(r"\+?\d[\d ()-]{8,}\d")

_events: deque[dict[str, Any]] = deque(maxlen=MAX_BUFFERED)
_clicks: deque[dict[str, Any]] = deque(maxlen=MAX_BUFFERED)
_flush_lock = threading.Lock()
_timer_lock = threading.Lock()
_timer: threading.Timer | None = None
# The process that registered the exit flush (a forked worker registers its own).
_exit_flush_pid: int | None = None


def normalise_text(text: str) -> str:
    """Query text as insights keep it: markup dropped, personal-looking parts replaced, folded
    words separated by single spaces ("<b>Gin</b> call 07700 900123" -> "gin call number")."""
    text = analysis.clean_query(text)
    text = _EMAIL_RE.sub(" email ", text)
    text = _LONG_NUMBER_RE.sub(" number ", text)
    return " ".join(analysis.tokenize(text))[:MAX_TEXT]


def record_search(
    query: SearchQuery, result: SearchResult, backend: str, latency_ms: float, source: str
) -> str | None:
    """Buffer one search; its id (for click links), or None if even that failed."""
    try:
        event_id = uuid.uuid4().hex
        _events.append(
            {
                "id": event_id,
                "at": utcnow(),
                "text": normalise_text(query.text),
                "filters": json.dumps(
                    {group: list(values) for group, values in query.filters.items()},
                    sort_keys=True,
                ),
                "results": int(result.total),
                "backend": backend[:20],
                "latency_ms": round(float(latency_ms), 3),
                "page": int(query.page),
                "source": source[:10],
            }
        )
        return event_id
    except Exception:  # recording must never make a search fail
        log.exception("could not record a search for the insights")
        return None


_SEARCH_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def record_click(search_id: str | None, position: str | int | None) -> bool:
    """Buffer a click from results to a profile; False for ids or positions that are not."""
    try:
        number = int(position or 0)
    except (TypeError, ValueError):
        return False
    if not search_id or not _SEARCH_ID_RE.match(search_id) or not 1 <= number <= 10_000:
        return False
    _clicks.append({"search_id": search_id, "position": number, "at": utcnow()})
    return True


def pending() -> int:
    """Events and clicks waiting to be written."""
    return len(_events) + len(_clicks)


def flush() -> int:
    """Write the buffered events and clicks (one INSERT each); how many rows were written.

    Runs in its own transaction on the engine, never in a request's session. On failure the
    rows are dropped and the failure logged."""
    with _flush_lock:
        events = [_events.popleft() for _ in range(len(_events))]
        clicks = [_clicks.popleft() for _ in range(len(_clicks))]
    if not events and not clicks:
        return 0
    try:
        with db.engine.begin() as conn:
            if events:
                conn.execute(insert(SearchEvent), events)
            if clicks:
                conn.execute(insert(SearchClick), clicks)
    except Exception:
        log.exception("could not write %d search insights rows; dropped", len(events) + len(clicks))
        return 0
    return len(events) + len(clicks)


def _flush_after(app: Flask):
    def job() -> None:
        try:
            with app.app_context():
                flush()
        except Exception:
            log.exception("search insights flush failed")

    return job


def flush_seconds(app: Flask) -> float:
    """How long buffered events may wait before they are written (0: after every response)."""
    return float(app.config.get("SEARCH_INSIGHTS_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))


def flush_after_response(response: Response) -> Response:
    """after_request hook: have this process's buffer written, soon but off the request path.

    A full buffer (or, with SEARCH_INSIGHTS_FLUSH_SECONDS = 0, any) is written once the response
    has been sent; otherwise a timer writes it within the interval."""
    if not (_events or _clicks):
        return response
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if flush_seconds(app) <= 0 or pending() >= FLUSH_ROWS:
        response.call_on_close(_flush_after(app))
    else:
        _schedule_flush(app)
    return response


def _schedule_flush(app: Flask) -> None:
    """Start the timer that writes the buffer, unless one is already waiting; and make sure
    what is still buffered when the process exits is written then."""
    global _timer, _exit_flush_pid
    with _timer_lock:
        if _exit_flush_pid != os.getpid():
            _exit_flush_pid = os.getpid()
            atexit.register(_flush_after(app))
        if _timer is not None and _timer.is_alive():
            return
        _timer = threading.Timer(flush_seconds(app), _flush_after(app))
        _timer.daemon = True
        _timer.name = "search-insights-flush"
        _timer.start()


def prune(now: datetime | None = None, days: int | None = None) -> int:
    """Delete events and clicks older than the retention period; how many rows went."""
    days = days if days is not None else retention_days()
    cutoff = (now or utcnow()) - timedelta(days=days)
    flush()
    gone = db.session.execute(delete(SearchClick).where(SearchClick.at < cutoff)).rowcount or 0
    gone += db.session.execute(delete(SearchEvent).where(SearchEvent.at < cutoff)).rowcount or 0
    db.session.commit()
    return gone


def retention_days() -> int:
    return int(current_app.config.get("SEARCH_INSIGHTS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


# -- reports ----------------------------------------------------------------------------------


@dataclass
class QueryRow:
    text: str
    searches: int
    results: float
    clicks: int


@dataclass
class Report:
    days: int
    searches: int
    zero_result_searches: int
    clicks: int
    average_click_position: float | None
    median_latency_ms: float | None
    top: list[QueryRow]
    zero_results: list[QueryRow]
    unclicked: list[QueryRow]


def _since(days: int, now: datetime | None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


def report(days: int, now: datetime | None = None) -> Report:
    """Top queries, zero-result queries, queries whose results nobody clicked, average click
    position and totals, for the last `days` days."""
    flush()
    since = _since(days, now)
    clicks_per_search = (
        select(SearchClick.search_id, func.count().label("n"))
        .where(SearchClick.at >= since)
        .group_by(SearchClick.search_id)
        .subquery()
    )
    base = (
        select(
            SearchEvent.text,
            func.count().label("searches"),
            func.avg(cast(SearchEvent.results, Float)).label("results"),
            func.coalesce(func.sum(clicks_per_search.c.n), 0).label("clicks"),
        )
        .outerjoin(clicks_per_search, clicks_per_search.c.search_id == SearchEvent.id)
        .where(SearchEvent.at >= since, SearchEvent.text != "")
        .group_by(SearchEvent.text)
    )

    def rows(statement) -> list[QueryRow]:
        return [
            QueryRow(text, int(searches), float(results or 0), int(clicks))
            for text, searches, results, clicks in db.session.execute(statement)
        ]

    ordered = (func.count().desc(), SearchEvent.text)
    top = rows(base.order_by(*ordered).limit(REPORT_ROWS))
    zero = rows(
        base.having(func.max(SearchEvent.results) == 0).order_by(*ordered).limit(REPORT_ROWS)
    )
    unclicked = rows(
        base.having(
            func.max(SearchEvent.results) > 0,
            func.coalesce(func.sum(clicks_per_search.c.n), 0) == 0,
        )
        .order_by(*ordered)
        .limit(REPORT_ROWS)
    )
    totals = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((SearchEvent.results == 0, 1), else_=0)), 0),
        ).where(SearchEvent.at >= since)
    ).one()
    click_totals = db.session.execute(
        select(func.count(), func.avg(cast(SearchClick.position, Float))).where(
            SearchClick.at >= since
        )
    ).one()
    latencies = sorted(
        db.session.scalars(select(SearchEvent.latency_ms).where(SearchEvent.at >= since))
    )
    return Report(
        days=days,
        searches=int(totals[0]),
        zero_result_searches=int(totals[1]),
        clicks=int(click_totals[0]),
        average_click_position=None if click_totals[1] is None else float(click_totals[1]),
        median_latency_ms=latencies[len(latencies) // 2] if latencies else None,
        top=top,
        zero_results=zero,
        unclicked=unclicked,
    )


CSV_COLUMNS = ("at", "text", "filters", "results", "clicks", "first_click_position", "backend",
               "latency_ms", "page", "source")  # fmt: skip


def export_rows(days: int, now: datetime | None = None):
    """Every search of the last `days` days with its clicks, oldest first, for CSV export."""
    flush()
    since = _since(days, now)
    clicks = (
        select(
            SearchClick.search_id,
            func.count().label("n"),
            func.min(SearchClick.position).label("first"),
        )
        .group_by(SearchClick.search_id)
        .subquery()
    )
    statement = (
        select(SearchEvent, clicks.c.n, clicks.c.first)
        .outerjoin(clicks, clicks.c.search_id == SearchEvent.id)
        .where(SearchEvent.at >= since)
        .order_by(SearchEvent.at, SearchEvent.id)
        .execution_options(yield_per=1000)
    )
    for event, count, first in db.session.execute(statement):
        yield {
            "at": event.at.isoformat(),
            "text": event.text,
            "filters": event.filters,
            "results": event.results,
            "clicks": count or 0,
            "first_click_position": first or "",
            "backend": event.backend,
            "latency_ms": event.latency_ms,
            "page": event.page,
            "source": event.source,
        }


def filters_label(filters_json: str) -> str:
    """Filters as a short readable text ("region: SCOTLAND; verified: true")."""
    try:
        filters: Mapping[str, list[str]] = json.loads(filters_json or "{}")
    except ValueError:
        return ""
    return "; ".join(f"{group}: {', '.join(values)}" for group, values in sorted(filters.items()))
