"""The OpenAPI 3.1 document is generated from the declared endpoints; nothing is hand-written."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask
from openapi_spec_validator import validate
from pydantic import Field

from tradehub import api_docs
from tradehub.api import Answer, QueryParameters, ResponseBody, code_enum, operation
from tradehub.api_docs import build_document, openapi_path, register_openapi

Colour = code_enum("Colour", ["red", "blue"])


class PingParameters(QueryParameters):
    """Parameters of the ping."""

    colour: list[Colour] = Field(default=[], description="Colours. Repeatable.")
    times: int = Field(default=1, ge=1, le=5, description="How many pings.")


class Pong(ResponseBody):
    """The pong."""

    colours: list[str]
    times: int


def _app_with_ping() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(api_docs.bp)
    ping_bp = Blueprint("ping", __name__, url_prefix="/api/v2")

    @ping_bp.get("/pings/<name>")
    @operation(
        operation_id="ping",
        summary="Ping",
        tag="Ping",
        query=PingParameters,
        response=Pong,
        path_parameters={"name": "Who to ping."},
        errors={404: "Nobody by that name."},
    )
    def ping(params, name):
        raise AssertionError("the document never calls a view")

    app.register_blueprint(ping_bp)
    register_openapi(app, tags=[{"name": "Ping", "description": "Ping."}])
    return app


def test_paths_parameters_and_schemas_come_from_the_declaration():
    document = build_document(_app_with_ping(), "http://localhost")

    validate(document)  # a valid OpenAPI 3.1 document
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v2/pings/{name}"}
    ping = document["paths"]["/api/v2/pings/{name}"]["get"]
    assert ping["operationId"] == "ping" and ping["tags"] == ["Ping"]
    by_name = {p["name"]: p for p in ping["parameters"]}
    assert by_name["name"]["in"] == "path" and by_name["name"]["required"] is True
    assert by_name["colour"]["schema"]["items"] == {"$ref": "#/components/schemas/Colour"}
    assert by_name["colour"]["explode"] is True
    assert by_name["times"]["schema"]["maximum"] == 5
    schemas = document["components"]["schemas"]
    assert schemas["Colour"]["enum"] == ["red", "blue"]
    assert set(schemas["Pong"]["required"]) == {"colours", "times"}
    assert "PingParameters" not in schemas  # listed as parameters, not as a schema
    # Every error, declared or common to the API, has the one Error schema.
    for status in ("400", "401", "404", "414", "429"):
        content = ping["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in ping["responses"]["429"]["headers"]
    assert document["tags"] == [{"name": "Ping", "description": "Ping."}]


def test_an_undescribed_path_parameter_is_refused():
    app = Flask(__name__)

    @app.get("/api/v2/things/<slug>")
    @operation(operation_id="thing", summary="Thing", tag="Thing", response=Pong)
    def thing(slug):
        return Answer({}, None)

    with pytest.raises(ValueError, match="path parameters"):
        build_document(app, "http://localhost")


def test_a_tag_described_twice_differently_is_refused():
    app = Flask(__name__)
    register_openapi(app, tags=[{"name": "Ping", "description": "Ping."}])
    register_openapi(app, tags=[{"name": "Ping", "description": "Ping."}])  # same: harmless
    with pytest.raises(ValueError, match="tag Ping"):
        register_openapi(app, tags=[{"name": "Ping", "description": "Pong."}])


def test_rules_become_openapi_paths():
    assert openapi_path("/api/v2/suppliers/<slug>") == "/api/v2/suppliers/{slug}"
    assert openapi_path("/api/v2/things/<int:number>/x") == "/api/v2/things/{number}/x"


def test_the_served_document_is_valid_openapi_3_1_and_covers_every_declared_endpoint(app, client):
    document = client.get("/api/v1/openapi.json").get_json()

    validate(document)
    declared = {
        openapi_path(rule.rule)
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "api", None) is not None
    }
    assert set(document["paths"]) == declared
    assert {"/api/v2/suppliers", "/api/v2/marketplaces"} <= declared
    # Each path is served by a real route: nothing in the document is written by hand.
    api_routes = {openapi_path(r.rule) for r in app.url_map.iter_rules()}
    assert set(document["paths"]) <= api_routes


def test_the_reference_page_has_getting_started_and_the_sites_own_csp(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/api/docs"' in home  # linked from the footer of every page

    response = client.get("/api/docs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Getting started" in html and "curl 'http://localhost/api/v2/suppliers?q=salmon" in html
    assert 'src="/static/swagger-ui/swagger-ui-bundle.js"' in html  # our files, no CDN
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    # No exception to the Content Security Policy: no inline script or style, no other origin.
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "style-src 'self';" in csp
    assert "unsafe" not in csp
