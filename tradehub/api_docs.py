"""The OpenAPI 3.1 document at /api/v1/openapi.json, generated, and the reference page /api/docs.

Nothing here is written by hand per endpoint: the document walks the app's URL map, takes every
view declared with `tradehub.api.operation` and turns its declaration (the pydantic models that
parse the request and serialise the answer) into paths, parameters, responses and component
schemas. Feature packages add only their tags' descriptions with `register_openapi(app, tags=)`.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template
from pydantic.json_schema import models_json_schema

from tradehub.api import (
    COMMON_ERRORS,
    Answer,
    Error,
    Operation,
    finish_get,
    shared_api_limit,
)

bp = Blueprint("api_docs", __name__)

OPENAPI_VERSION = "3.1.0"
API_VERSION = "2.0.0"

_TAGS = "tradehub.openapi_tags"
_CACHE = "tradehub.openapi_document"
_BUILT_AT = "tradehub.openapi_built_at"

_REF = "#/components/schemas/{model}"
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

# Response headers, described once and referred to from every operation.
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "Strong validator of the body; send it back in If-None-Match.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "When the data behind the answer last changed (HTTP date).",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "public, max-age=60 for lists and searches, 300 for one item.",
        "schema": {"type": "string"},
    },
    "RateLimit-Limit": {
        "description": "Requests allowed per window for this client (IP address or API key).",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in the current window.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Reset": {
        "description": "Seconds until the window resets.",
        "schema": {"type": "integer"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    },
    "Deprecation": {
        "description": "RFC 9745: when this endpoint was deprecated (@ Unix time).",
        "schema": {"type": "string"},
    },
    "Sunset": {
        "description": "RFC 8594: the date after which this endpoint may stop answering.",
        "schema": {"type": "string"},
    },
    "Link": {
        "description": 'The successor endpoint (rel="successor-version").',
        "schema": {"type": "string"},
    },
}

_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def register_openapi(app: Flask, *, tags: list[dict[str, str]]) -> None:
    """Describe a package's tags; a tag described twice differently is refused at start-up."""
    known = app.extensions.setdefault(_TAGS, {})
    for tag in tags:
        if tag["name"] in known and known[tag["name"]] != tag:
            raise ValueError(f"OpenAPI tag {tag['name']} is defined twice")
        known[tag["name"]] = dict(tag)


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: `/suppliers/<slug>` becomes `/suppliers/{slug}`."""
    return _RULE_ARGUMENT.sub(r"{\1}", rule)


def _headers(names) -> dict[str, dict[str, str]]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _error(description: str, headers=()) -> dict:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="Error")}}},
    }
    if headers:
        response["headers"] = _headers(headers)
    return response


def _parameters(op: Operation, schemas: dict[str, Any], path: str) -> list[dict]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": description,
            "schema": {"type": "string"},
        }
        for name, description in op.path_parameters.items()
    ]
    missing = set(re.findall(r"{([^}]+)}", path)) - set(op.path_parameters)
    if missing:
        raise ValueError(f"{path}: describe the path parameters {sorted(missing)}")
    if op.query is None:
        return parameters
    model = schemas[op.query.__name__]
    for name, info in op.query.model_fields.items():
        schema = copy.deepcopy(model["properties"][name])
        schema.pop("title", None)
        description = schema.pop("description", None) or info.description or ""
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": info.is_required(),
            "description": description,
            "schema": schema,
        }
        if schema.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _operation(op: Operation, schemas: dict[str, Any], path: str, endpoint: str) -> dict:
    ok_headers = ["ETag", "Last-Modified", "Cache-Control", *_LIMIT_HEADERS]
    if op.deprecation:
        ok_headers += ["Deprecation", "Sunset", "Link"]
    summary = (op.response.__doc__ or "").strip().splitlines()[0]
    responses: dict[str, Any] = {
        "200": {
            "description": summary,
            "headers": _headers(ok_headers),
            "content": {
                "application/json": {"schema": {"$ref": _REF.format(model=op.response.__name__)}}
            },
        },
        "304": {
            "description": "Not modified: the If-None-Match validator still matches.",
            "headers": _headers(["ETag", "Last-Modified", "Cache-Control"]),
        },
    }
    for status, description in op.redirects.items():
        responses[str(status)] = {
            "description": description,
            "headers": {
                "Location": {"description": "The canonical URL.", "schema": {"type": "string"}}
            },
        }
    errors = {**op.errors, **COMMON_ERRORS}
    if op.query is not None:
        errors.setdefault(400, "A parameter is invalid or unknown; error.parameter names it.")
    for status in sorted(errors):
        headers = ("Retry-After",) if status in (429, 503) else ()
        responses[str(status)] = _error(errors[status], headers)
    document_op = {
        "tags": [op.tag],
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": op.description,
        "parameters": _parameters(op, schemas, path),
        "responses": responses,
        "security": [{}, {"ApiKey": []}],
    }
    if op.deprecation:
        document_op["deprecated"] = True
        document_op["description"] = (
            f"{op.description}\n\nDeprecated on {op.deprecation.deprecated_on:%-d %B %Y}; "
            f"answers until {op.deprecation.sunset_on:%-d %B %Y}. "
            "Move to the v2 endpoint named in the Link header."
        ).strip()
    return document_op


def build_document(app: Flask, server_url: str) -> dict:
    """The OpenAPI 3.1 document of every declared endpoint of `app` (a fresh dict each call)."""
    found: list[tuple[str, str, Operation]] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = getattr(app.view_functions[rule.endpoint], "api", None)
        if op is not None:
            found.append((openapi_path(rule.rule), rule.endpoint, op))
    models: list[tuple[type, str]] = [(Error, "serialization")]
    for _, _, op in found:
        models.append((op.response, "serialization"))
        if op.query is not None:
            models.append((op.query, "validation"))
    _, top = models_json_schema(list(dict.fromkeys(models)), ref_template=_REF)
    schemas = top.get("$defs", {})
    paths: dict[str, Any] = {}
    used_ids: set[str] = set()
    for path, endpoint, op in found:
        if op.operation_id in used_ids:
            raise ValueError(f"OpenAPI operationId {op.operation_id} is used twice")
        used_ids.add(op.operation_id)
        paths.setdefault(path, {})["get"] = _operation(op, schemas, path, endpoint)
    for _, _, op in found:  # parameters are listed one by one, not as a schema
        if op.query is not None:
            schemas.pop(op.query.__name__, None)
    tags = app.extensions.get(_TAGS, {})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "TradeHub API",
            "version": API_VERSION,
            "description": (
                "Read-only public API of TradeHub: find UK suppliers and compare partner "
                "e-marketplaces. No authentication is needed; partners with an API key (header "
                "X-API-Key) get higher rate limits. Lists in v2 share one envelope "
                "(data, meta, links); v1 keeps its older shapes until its Sunset date. "
                "A getting-started guide is at /api/docs."
            ),
        },
        "servers": [{"url": server_url}],
        "tags": [tags[name] for name in sorted(tags)],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "headers": copy.deepcopy(HEADERS),
            "securitySchemes": {
                "ApiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": "Optional partner key (from TradeHub staff): higher limits.",
                }
            },
        },
    }


def document_for(app: Flask, server_url: str) -> dict:
    """The document for `server_url`, built once per app and server (the routes are fixed)."""
    cache = app.extensions.setdefault(_CACHE, {})
    if server_url not in cache:
        cache[server_url] = build_document(app, server_url)
        app.extensions.setdefault(_BUILT_AT, datetime.now(UTC))
    return cache[server_url]


@bp.get("/api/v1/openapi.json")
@shared_api_limit
def openapi_document():
    """The OpenAPI 3.1 document of /api/v1 and /api/v2 (CORS-enabled, cacheable)."""
    document = document_for(current_app, current_app.config["BASE_URL"])  # never the Host
    built_at = current_app.extensions[_BUILT_AT]
    answer = Answer(document, built_at)
    return finish_get(jsonify(answer.body), answer.last_modified, 3600)


openapi_document.public = True


@bp.get("/api/docs")
def reference():
    """The API reference: getting started, then the document rendered by Swagger UI."""
    return render_template("api_docs/reference.html")
