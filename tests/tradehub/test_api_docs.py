"""The OpenAPI document is built from what packages register; clashes are refused at start-up."""

from __future__ import annotations

import pytest
from flask import Flask

from tradehub import api_docs
from tradehub.api_docs import error_response, query_list_parameter, register_openapi


def _bare_app() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(api_docs.bp)
    return app


PING = {"get": {"operationId": "ping", "responses": {"404": error_response("Nothing here.")}}}


def test_registered_parts_are_served_with_the_site_error_schema():
    app = _bare_app()
    register_openapi(
        app,
        paths={"/api/v1/ping": PING},
        schemas={"Pong": {"type": "object"}},
        tags=[{"name": "Ping", "description": "Ping."}],
    )
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert set(document["paths"]) == {"/api/v1/ping"}
    assert set(document["components"]["schemas"]) == {"Error", "Pong"}
    assert document["tags"] == [{"name": "Ping", "description": "Ping."}]
    assert document["servers"] == [{"url": "http://localhost"}]


def test_a_path_or_schema_defined_twice_is_refused_when_registered():
    app = _bare_app()
    register_openapi(app, paths={"/api/v1/ping": PING}, schemas={"Pong": {"type": "object"}})
    with pytest.raises(ValueError, match="path /api/v1/ping"):
        register_openapi(app, paths={"/api/v1/ping": PING})
    with pytest.raises(ValueError, match="schemas/Pong"):
        register_openapi(app, schemas={"Pong": {"type": "string"}})
    with pytest.raises(ValueError, match="schemas/Error"):
        register_openapi(app, schemas={"Error": {"type": "string"}})
    # The same schema twice is harmless.
    register_openapi(app, schemas={"Pong": {"type": "object"}})


def test_query_list_parameter_is_repeatable():
    parameter = query_list_parameter("colour", "Colour. Repeatable.", ["red", "blue"])
    assert parameter["style"] == "form" and parameter["explode"] is True
    assert parameter["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["red", "blue"]},
    }
