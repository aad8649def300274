"""Issue 3, item 2: with the engine unreachable, saves succeed, the outbox keeps every change,
search answers 503 (page and JSON), and `flask search sync` brings the index level afterwards.

Runs on the embedded backend (the index file replaced by one that is not a database) and, when
ELASTICSEARCH_URL is set, on Elasticsearch/OpenSearch (the app pointed at a closed port).
"""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify, request
from sqlalchemy import select

from search_index import service
from search_index.base import SearchQuery
from search_index.indexing import outbox_backlog
from search_index.models import SearchOutbox
from search_index.web import UNAVAILABLE_MESSAGE
from supplier_profiles.models import Company
from supplier_profiles.search_documents import count_publishable, mark_company_changed
from supplier_profiles.services.companies import create_company
from tests.factories import SearchCaseStudyFactory, SearchCompanyFactory
from tradehub.after_commit import process_after_commit
from tradehub.db_types import utcnow

pytestmark = pytest.mark.usefixtures("search_backend")


def add_probe_routes(app) -> None:
    """Routes that search without catching errors, as any new search page would: the
    app-level handler must answer for them."""
    probe = Blueprint("search_probe", __name__)

    @probe.route("/search-probe")
    def page():
        result = service.search(SearchQuery(text=request.args.get("q", "")))
        return ", ".join(hit.name for hit in result.hits)

    @probe.route("/api/search-probe")
    def api():
        return jsonify(service.suggest(request.args.get("q", "")))

    app.register_blueprint(probe)


def indexed(per_page: int = 100) -> dict[int, str]:
    """Every document the engine returns for an empty query: id -> name."""
    result = service.search(SearchQuery(per_page=per_page))
    assert result.total <= per_page
    return {hit.id: hit.name for hit in result.hits}


def expected_from_database(db) -> dict[int, str]:
    """What the index must hold: every publishable company, id -> name."""
    return {c.id: c.name for c in db.session.scalars(select(Company)) if c.is_publishable}


def save(db, company: Company) -> None:
    """A profile save as the services do it: flush, mark, commit, after-commit work."""
    db.session.flush()
    mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()


def test_no_change_is_lost_while_the_engine_is_down(app, db, client, runner, engine, make_user):
    add_probe_routes(app)
    renamed = SearchCompanyFactory(name="Amberline Foods")
    unpublished = SearchCompanyFactory(name="Bellhaven Brewing")
    deleted = SearchCompanyFactory(name="Corrigan Cutlery")
    storied = SearchCompanyFactory(name="Dunmore Kilns")
    untouched = SearchCompanyFactory(name="Elmstead Glass")
    for company in (renamed, unpublished, deleted, storied, untouched):
        mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()
    assert set(indexed().values()) == {
        "Amberline Foods",
        "Bellhaven Brewing",
        "Corrigan Cutlery",
        "Dunmore Kilns",
        "Elmstead Glass",
    }

    engine.down()

    # Every kind of change a profile goes through, each saved in its own transaction.
    renamed.name = "Amberline Fine Foods"
    renamed.summary = "Marmalades and chutneys."
    save(db, renamed)
    unpublished.published = False
    save(db, unpublished)
    deleted.deleted_at = utcnow()
    save(db, deleted)
    SearchCaseStudyFactory(company=storied, title="Terracotta for Lisbon")
    save(db, storied)
    owner = make_user()
    newcomer = create_company(owner, name="Foxglove Fabrics", company_type="COMPANIES_HOUSE")
    newcomer.published, newcomer.verified_at = True, utcnow()
    save(db, newcomer)
    renamed.name = "Amberline Preserves"  # a second change to one company while down
    save(db, renamed)

    # Every save committed, and the outbox holds one row per changed company.
    assert db.session.get(Company, renamed.id).name == "Amberline Preserves"
    rows = list(db.session.scalars(select(SearchOutbox)))
    assert sorted(r.document_id for r in rows) == sorted(
        [renamed.id, unpublished.id, deleted.id, storied.id, newcomer.id]
    )
    assert all(r.attempts >= 1 and "SearchUnavailable" in r.last_error for r in rows)
    assert {r.document_id: r.op for r in rows}[unpublished.id] == "delete"

    # Search answers 503 with a clear message: the app-wide handler, HTML and JSON.
    page = client.get("/search-probe?q=amberline")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "60"
    assert "Search is temporarily unavailable" in page.get_data(as_text=True)
    api = client.get("/api/search-probe?q=amb")
    assert api.status_code == 503
    assert api.get_json() == {
        "error": {
            "status": 503,
            "title": "Sorry, the service is unavailable",
            "detail": UNAVAILABLE_MESSAGE,
        }
    }
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["checks"]["search"]["ok"] is False
    assert "5 pending" in health.get_json()["checks"]["search"]["detail"]

    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 1
    assert "UNAVAILABLE" in status.output
    assert "Outbox backlog: 5 pending" in status.output

    still_down = runner.invoke(args=["search", "sync"])
    assert still_down.exit_code == 1
    assert "Applied 0 change(s); 5 failed" in still_down.output
    assert outbox_backlog().pending == 5

    engine.up()
    # Before the sync the index still shows the old state: the changes are only in the outbox.
    assert "Bellhaven Brewing" in indexed().values()

    synced = runner.invoke(args=["search", "sync"])
    assert synced.exit_code == 0, synced.output
    assert "Applied 5 change(s); 0 failed; 0 left in the outbox." in synced.output

    assert indexed() == expected_from_database(db)
    assert set(indexed().values()) == {
        "Amberline Preserves",
        "Dunmore Kilns",
        "Elmstead Glass",
        "Foxglove Fabrics",
    }
    assert [h.name for h in service.search(SearchQuery(text="terracotta")).hits] == [
        "Dunmore Kilns"
    ]
    assert service.search(SearchQuery(text="bellhaven")).total == 0
    assert service.search(SearchQuery(text="corrigan")).total == 0
    assert service.get_backend().count() == count_publishable() == 4

    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 0
    assert "Documents indexed: 4" in status.output
    assert "Publishable companies in the database: 4" in status.output
    assert "Outbox backlog: 0 pending" in status.output
    assert "The index is level with the database." in status.output
    assert client.get("/healthz").status_code == 200
    assert client.get("/search-probe?q=foxglove").get_data(as_text=True) == "Foxglove Fabrics"


def test_find_a_supplier_pages_answer_503_while_the_engine_is_down(app, client, engine):
    engine.down()
    page = client.get("/find-a-supplier?q=widgets")
    assert page.status_code == 503
    assert "Try again in a few minutes" in page.get_data(as_text=True)
    api = client.get("/api/v1/suppliers?q=widgets")
    assert api.status_code == 503
    assert api.get_json()["error"]["status"] == 503
    assert "Try again in a few minutes" in api.get_json()["error"]["detail"]


def test_profile_saved_through_the_exporter_pages_while_down_reaches_the_index(
    app, db, client, runner, engine, signed_in
):
    owner = signed_in("exporter")
    company = create_company(
        owner,
        name="Gorseway Orchards",
        company_type="COMPANIES_HOUSE",
        summary="Cider apples.",
        region="SOUTH_WEST",
    )
    company.published, company.verified_at = True, utcnow()
    save(db, company)
    assert indexed() == {company.id: "Gorseway Orchards"}

    engine.down()
    saved = client.post_form(
        "/profile/edit",
        {
            "name": "Gorseway Cider Orchards",
            "summary": "Cider apples and perry pears.",
            "region": "SOUTH_WEST",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    db.session.expire_all()
    assert db.session.get(Company, company.id).name == "Gorseway Cider Orchards"
    (row,) = db.session.scalars(select(SearchOutbox))
    assert row.document_id == company.id and row.attempts == 1

    engine.up()
    assert indexed() == {company.id: "Gorseway Orchards"}  # not yet applied
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert indexed() == {company.id: "Gorseway Cider Orchards"}
    assert [h.name for h in service.search(SearchQuery(text="perry")).hits] == [
        "Gorseway Cider Orchards"
    ]

    engine.down()
    assert client.post_form("/profile/unpublish", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Company, company.id).published is False
    engine.up()
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert indexed() == {}
