"""Staff search insights (#9): buyer searches and clicks recorded without personal data,
reports for 7/30 days, CSV export, retention, and recording that never breaks a search."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from search_index import insights
from search_index.models import SearchClick, SearchEvent
from tradehub.db_types import utcnow


def events() -> list[SearchEvent]:
    insights.flush()
    return list(SearchEvent.query.order_by(SearchEvent.at, SearchEvent.id))


def test_a_buyer_search_is_recorded_without_personal_data(client, suppliers):
    client.get("/find-a-supplier?q=<b>GIN</b>&region=LONDON")
    client.get("/api/v1/suppliers?q=gin")

    page, api = events()
    assert page.text == "gin"
    assert page.filters == '{"region": ["LONDON"]}'
    assert page.results == 2
    assert page.backend == "embedded"
    assert page.source == "page" and api.source == "api"
    assert page.page == 1
    assert 0 < page.latency_ms < 10_000


def test_text_is_kept_without_addresses_or_phone_numbers():
    text = "Call <b>Jo</b> on +44 7700 900123 or jo@example.com about GIN"
    assert insights.normalise_text(text) == "call jo on number or email about gin"
    assert insights.normalise_text("company 01234567") == "company 01234567"  # CH numbers stay


def test_clicks_reports_and_average_position(client, signed_in, suppliers):
    html = client.get("/find-a-supplier?q=gin").get_data(as_text=True)
    links = re.findall(r'href="(/suppliers/[^"?]+\?sid=[0-9a-f]{32}&amp;pos=\d)"', html)
    assert len(links) == 2
    client.get(links[1].replace("&amp;", "&"))  # the second result
    client.get("/find-a-supplier?q=gin")  # searched again, nothing clicked
    client.get("/find-a-supplier?q=hooch")  # finds nothing
    client.get("/suppliers/copper-still?sid=not-an-id&pos=1")  # not a click

    report = insights.report(7)
    assert report.searches == 3
    assert report.zero_result_searches == 1
    assert report.clicks == 1
    assert report.average_click_position == 2.0
    assert [(r.text, r.searches, r.clicks) for r in report.top] == [("gin", 2, 1), ("hooch", 1, 0)]
    assert [r.text for r in report.zero_results] == ["hooch"]
    assert report.unclicked == []

    signed_in("staff")
    page = client.get("/staff/search-insights?days=30").get_data(as_text=True)
    assert "Searches that found nothing" in page and "hooch" in page
    assert "Average position clicked" in page
    assert client.get("/staff/search-insights?days=12").status_code == 404


def test_queries_nobody_clicked(client, suppliers):
    client.get("/find-a-supplier?q=copper")
    assert [r.text for r in insights.report(30).unclicked] == ["copper"]


def test_csv_export(client, signed_in, suppliers):
    client.get("/find-a-supplier?q=gin")
    client.get("/find-a-supplier?q=%3Dcmd")  # would be a spreadsheet formula

    signed_in("staff")
    response = client.get("/staff/search-insights.csv?days=7")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["text"] for r in rows] == ["gin", "cmd"]
    assert rows[0]["results"] == "2" and rows[0]["source"] == "page"


def test_only_staff_see_insights(client, signed_in):
    signed_in("buyer")
    assert client.get("/staff/search-insights").status_code == 403
    assert client.get("/staff/search-insights.csv").status_code == 403


def test_prune_keeps_the_retention_period(app, db, client, suppliers):
    client.get("/find-a-supplier?q=gin")
    insights.flush()
    old = utcnow() - timedelta(days=91)
    db.session.add(SearchEvent(id="a" * 32, at=old, text="old", results=0, backend="embedded"))
    db.session.add(SearchClick(search_id="a" * 32, position=1, at=old))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["search", "prune-insights"])

    assert result.exit_code == 0, result.output
    assert "Deleted 2 search insights row(s) older than 90 days." in result.output
    assert [e.text for e in events()] == ["gin"]
    assert db.session.scalar(select(func.count()).select_from(SearchClick)) == 0


def test_recording_failures_never_fail_a_search(client, suppliers, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("insights broke")

    monkeypatch.setattr(insights, "normalise_text", broken)
    response = client.get("/find-a-supplier?q=gin")
    assert response.status_code == 200
    assert "Juniper Hill Distillery" in response.get_data(as_text=True)
    assert events() == []  # that search went unrecorded, and nothing else went wrong
    monkeypatch.undo()

    client.get("/find-a-supplier?q=gin")
    monkeypatch.setattr(insights, "insert", broken)  # the database refuses the write
    assert insights.flush() == 0
    assert insights.pending() == 0  # dropped, not kept to grow without end


def _written(db) -> list[str]:
    """Texts already in the table (read without flushing this process's buffer)."""
    db.session.rollback()
    return list(db.session.scalars(select(SearchEvent.text).order_by(SearchEvent.at)))


def _wait_for(check, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_searches_are_written_in_batches_off_the_request_path(app, db, client, suppliers):
    # Production writes the buffer every few seconds, not once per search (#15): a commit per
    # search held the worker after every response.
    app.config["SEARCH_INSIGHTS_FLUSH_SECONDS"] = 0.3
    client.get("/find-a-supplier?q=gin").close()
    client.get("/api/v1/suppliers?q=copper").close()

    assert _written(db) == []  # both answered, neither written yet
    assert insights.pending() == 2
    assert _wait_for(lambda: _written(db) == ["gin", "copper"])  # one timer wrote both
    assert insights.pending() == 0


def test_a_full_buffer_is_written_after_the_response(app, db, client, suppliers, monkeypatch):
    app.config["SEARCH_INSIGHTS_FLUSH_SECONDS"] = 60
    monkeypatch.setattr(insights, "FLUSH_ROWS", 2)
    client.get("/find-a-supplier?q=gin").close()
    assert _written(db) == []
    client.get("/find-a-supplier?q=copper").close()  # the second fills the buffer
    assert _written(db) == ["gin", "copper"]


def test_what_is_buffered_is_written_when_the_process_exits(app, db, tmp_path):
    # A worker stopped between two timer runs (a deploy, a restart) keeps its last searches.
    script = (
        "import sys\n"
        "from tradehub import create_app\n"
        "app = create_app({'TRADEHUB_ENV': 'testing', 'SECRET_KEY': 'x' * 32,\n"
        "    'SQLALCHEMY_DATABASE_URI': sys.argv[1], 'SEARCH_EMBEDDED_PATH': sys.argv[2],\n"
        "    'BASE_URL': 'http://localhost', 'SEARCH_INSIGHTS_FLUSH_SECONDS': 600})\n"
        "app.test_client().get('/find-a-supplier?q=exit+check').close()\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            app.config["SQLALCHEMY_DATABASE_URI"],
            str(tmp_path / "exit-search.sqlite3"),
        ],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _written(db) == ["exit check"]
