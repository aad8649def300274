"""How the app shows search failures and health: the SearchUnavailable handler and /healthz."""

from __future__ import annotations

import logging

from flask import Flask

from search_index import insights
from search_index.cli import search_cli
from search_index.errors import InvalidSearchQuery, SearchUnavailable
from search_index.indexing import apply_due_batch, outbox_backlog
from search_index.models import SearchOutbox
from search_index.service import health
from search_index.staff import staff_bp
from tradehub.extensions import db
from tradehub.handlers import error_response
from tradehub.metrics import register_outbox
from tradehub.staff import register_staff_section
from tradehub.worker import register_job

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "Search is temporarily unavailable. Try again in a few minutes. "
    "Company profiles can still be viewed and edited, and changes will appear in search "
    "once it is back."
)


def check_search() -> tuple[bool, str]:
    """Health check: the engine answers; the detail also shows the indexing backlog."""
    report = health()
    detail = f"{report['backend']}: {report['detail']}"
    try:
        backlog = outbox_backlog()
    except Exception as exc:  # the database check reports database trouble; keep this one going
        log.warning("Could not read the search outbox backlog: %s", exc)
    else:
        detail += f"; outbox {backlog.pending} pending"
    return bool(report["ok"]), detail


def register_search(app: Flask) -> None:
    """Register the CLI group, the health check, the error handlers, the staff screens
    (search insights, search synonyms) and the insights writer (importing this module loads
    the search models into the metadata)."""
    app.cli.add_command(search_cli)
    app.config.setdefault("SEARCH_INSIGHTS_RETENTION_DAYS", insights.DEFAULT_RETENTION_DAYS)
    app.register_blueprint(staff_bp)
    app.after_request(insights.flush_after_response)
    register_staff_section(
        app,
        "search_staff.search_insights",
        "Search insights",
        "What buyers search for, which searches find nothing and which results nobody clicks.",
    )
    register_staff_section(
        app,
        "search_staff.search_synonyms",
        "Search synonyms",
        "Words and phrases that find each other in every buyer search, effective at once.",
    )
    app.extensions.setdefault("tradehub.health_checks", {})["search"] = check_search
    register_job(app, "search-outbox", apply_due_batch, "apply due search index changes")
    register_outbox(app, "search", SearchOutbox)

    @app.errorhandler(SearchUnavailable)
    def search_unavailable(error: SearchUnavailable):
        db.session.rollback()
        log.warning("Search unavailable: %s", error)
        response, status = error_response(503, UNAVAILABLE_MESSAGE)
        response = app.make_response((response, status))
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(InvalidSearchQuery)
    def invalid_search_query(error: InvalidSearchQuery):
        return error_response(400, str(error))
