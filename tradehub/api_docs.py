"""The site-wide OpenAPI 3 document, served at /api/v1/openapi.json, built from registered parts.

Each feature package describes its own endpoints beside them and adds them from its init_app
with `register_openapi(app, paths=..., schemas=..., tags=...)` (in `<package>.openapi.register`).
The core gives the document its frame and the `Error` schema that every JSON error answer has
(`tradehub.handlers.error_response`); `error_response(description)` refers to it. A path,
schema or tag defined twice with different content is refused when it is registered.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request

bp = Blueprint("api_docs", __name__)

OPENAPI_VERSION = "3.0.3"

_PARTS = "tradehub.openapi_parts"

# The shape of every JSON error (tradehub.handlers.error_response); APIs add `parameter`.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "title", "detail"],
            "additionalProperties": False,
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "detail": {"type": "string"},
                "parameter": {
                    "type": "string",
                    "description": "The query parameter at fault (400 only).",
                },
            },
        }
    },
}


def error_response(description: str) -> dict:
    """An OpenAPI response whose body is the site-wide `Error` schema."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def query_list_parameter(name: str, description: str, enum: list[str] | None = None) -> dict:
    """A repeatable query parameter (`?name=a&name=b`), optionally limited to `enum` values."""
    items: dict[str, Any] = {"type": "string"}
    if enum:
        items["enum"] = enum
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": items},
    }


def register_openapi(
    app: Flask,
    *,
    paths: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    tags: list[dict[str, str]] | None = None,
) -> None:
    """Add a package's paths, component schemas and tags to the app's OpenAPI document."""
    part = {
        "paths": copy.deepcopy(paths or {}),
        "components": {"schemas": copy.deepcopy(schemas or {})},
        "tags": copy.deepcopy(tags or []),
    }
    parts = app.extensions.setdefault(_PARTS, [])
    # Refuse a clash now, at start-up, rather than on the first request for the document.
    merge_fragment(build_document(parts), part)
    parts.append(part)


def merge_fragment(document: dict, fragment: dict) -> dict:
    """Add a fragment's paths, components and tags; a name defined twice is an error."""
    for path, item in fragment.get("paths", {}).items():
        if path in document["paths"]:
            raise ValueError(f"OpenAPI path {path} is defined twice")
        document["paths"][path] = item
    for section, entries in fragment.get("components", {}).items():
        target = document["components"].setdefault(section, {})
        for name, value in entries.items():
            if name in target and target[name] != value:
                raise ValueError(f"OpenAPI component {section}/{name} is defined twice")
            target[name] = value
    known = {tag["name"]: tag for tag in document["tags"]}
    for tag in fragment.get("tags", []):
        if tag["name"] in known and known[tag["name"]] != tag:
            raise ValueError(f"OpenAPI tag {tag['name']} is defined twice")
        if tag["name"] not in known:
            document["tags"].append(tag)
            known[tag["name"]] = tag
    return document


def build_document(parts: list[dict], server_url: str | None = None) -> dict:
    """The whole OpenAPI document from the registered parts (a fresh copy each call)."""
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "TradeHub API",
            "version": "1.0.0",
            "description": "Read-only public API of TradeHub: find UK suppliers"
            " and compare partner e-marketplaces. No authentication.",
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [],
        "paths": {},
        "components": {"schemas": {"Error": copy.deepcopy(ERROR_SCHEMA)}},
    }
    for part in parts:
        merge_fragment(document, copy.deepcopy(part))
    return document


@bp.get("/api/v1/openapi.json")
def openapi_document():
    """The OpenAPI 3 document describing every /api/v1 endpoint."""
    parts = current_app.extensions.get(_PARTS, [])
    response = jsonify(build_document(parts, request.host_url.rstrip("/")))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
