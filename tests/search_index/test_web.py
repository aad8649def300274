"""The app-level answers: /healthz includes search; search errors become 503 or 400."""

from __future__ import annotations

from flask import Blueprint, jsonify

from search_index import service
from search_index.base import SearchQuery


def test_healthz_reports_search(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    check = response.get_json()["checks"]["search"]
    assert check["ok"] is True
    assert check["detail"].startswith("embedded: ")
    assert "outbox 0 pending" in check["detail"]


def test_healthz_is_503_when_search_is_down(client, engine):
    engine.down()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["search"]["ok"] is False


def test_invalid_search_query_is_a_400_naming_the_problem(app, client):
    probe = Blueprint("bad_query_probe", __name__)

    @probe.route("/api/bad-query-probe")
    def bad():
        return jsonify(service.search(SearchQuery(sort="cheapest")).to_dict())

    app.register_blueprint(probe)
    response = client.get("/api/bad-query-probe")
    assert response.status_code == 400
    assert "sort must be one of" in response.get_json()["error"]["detail"]


def test_backend_is_built_once_per_app(app):
    assert service.get_backend() is service.get_backend()
    first = service.get_backend()
    service.reset_backend()
    assert service.get_backend() is not first
