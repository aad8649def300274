"""The public JSON API's one way to declare an endpoint: pydantic models in, pydantic models out.

A feature declares each endpoint with `@operation(...)`: the query-parameter model (pydantic,
unknown parameters forbidden), the response model, the documented error statuses. The same
declaration parses and validates `request.args` (a bad parameter is a 400 whose `error.parameter`
names it), validates and serialises the view's answer, sets the HTTP caching headers (strong
ETag, Last-Modified, 304) and the version headers, and is what `tradehub.api_docs` turns into
the OpenAPI 3.1 document: nothing about an endpoint is written twice.

pydantic emits JSON Schema 2020-12, which is the schema dialect of OpenAPI 3.1, so the models'
schemas go into the document as they are.
"""

from __future__ import annotations

import enum
import hashlib
import math
import time
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, request, url_for
from flask.sessions import SecureCookieSessionInterface
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.http import http_date

from tradehub.api_keys import KEY_HEADER, ApiKey, find_key
from tradehub.extensions import limiter

# How long a client or shared cache may reuse an answer without asking again (documented in
# docs/api.md); after that it revalidates with If-None-Match and usually gets a 304.
LIST_MAX_AGE = 60
ITEM_MAX_AGE = 300


class ApiError(Exception):
    """An answer in the one Error shape: `status`, `detail`, and the `parameter` at fault."""

    def __init__(
        self,
        status: int,
        detail: str,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.parameter = parameter
        self.headers = headers or {}


def _string_when_present(schema: dict) -> None:
    """An optional field that is left out rather than null: document it as a plain string."""
    schema.pop("anyOf", None)
    schema.pop("default", None)
    schema["type"] = "string"


class ErrorDetail(BaseModel):
    """What went wrong, for a person and for a program."""

    model_config = ConfigDict(extra="forbid", title="ErrorDetail")

    status: int = Field(description="The HTTP status code, repeated.")
    title: str = Field(description="A short, human-readable summary of the status.")
    detail: str = Field(description="What went wrong and what to do about it.")
    parameter: str | None = Field(
        default=None,
        description="The query parameter at fault (400 only); absent otherwise.",
        json_schema_extra=_string_when_present,
    )


class Error(BaseModel):
    """The body of every JSON error the site sends: the API's and the core's alike."""

    model_config = ConfigDict(extra="forbid", title="Error")

    error: ErrorDetail


def error_body(status: int, title: str, detail: str, parameter: str | None = None) -> dict:
    """The Error schema's body (tradehub.handlers uses it for every JSON error too)."""
    values: dict[str, Any] = {"status": status, "title": title, "detail": detail}
    if parameter is not None:
        values["parameter"] = parameter
    return Error(error=ErrorDetail(**values)).model_dump(mode="json", exclude_unset=True)


def code_enum(name: str, codes: Iterable[str]) -> type[enum.Enum]:
    """A string enum of codes, named for the OpenAPI document (e.g. IndustryCode)."""
    return enum.Enum(name, {code: code for code in codes}, type=str)


class QueryParameters(BaseModel):
    """Base of every query-parameter model: unknown parameters refused, enums as plain values."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, frozen=True)


class ResponseBody(BaseModel):
    """Base of every response model: exactly the declared fields, in the declared order."""

    model_config = ConfigDict(extra="forbid")


# --- the list envelope (API v2) -------------------------------------------------------------


class PageLinks(ResponseBody):
    """Absolute URLs of this page and its neighbours, filters kept."""

    self: str = Field(description="This page.", json_schema_extra={"format": "uri"})
    next: str | None = Field(description="The next page, or null on the last.")
    prev: str | None = Field(description="The previous page, or null on the first.")
    first: str = Field(description="The first page.", json_schema_extra={"format": "uri"})
    last: str = Field(
        description="The last page (the first when nothing matches).",
        json_schema_extra={"format": "uri"},
    )


class PageMeta(ResponseBody):
    """Counts of a list; endpoints add their own extras (facets, suggestion)."""

    total: int = Field(ge=0, description="Items that match.")
    page: int = Field(ge=1, description="This page's number.")
    per_page: int = Field(ge=1, description="Items per page.")
    pages: int = Field(ge=0, description="Pages there are (0 when nothing matches).")


def page_count(total: int, per_page: int, max_page: int | None = None) -> int:
    """How many pages `total` items fill, at most `max_page`."""
    pages = math.ceil(total / per_page) if total else 0
    return min(pages, max_page) if max_page else pages


def page_links(page: int, pages: int) -> dict[str, str | None]:
    """The envelope's links for this request's endpoint, query string kept, page changed."""
    args = request.args.to_dict(flat=False)

    def link(number: int) -> str:
        args["page"] = [str(number)]
        return url_for(request.endpoint, _external=True, **request.view_args, **args)

    last = max(pages, 1)
    return {
        "self": link(page),
        "next": link(page + 1) if page < pages else None,
        "prev": link(min(page - 1, last)) if page > 1 else None,
        "first": link(1),
        "last": link(last),
    }


# --- declaring an endpoint ------------------------------------------------------------------


@dataclass(frozen=True)
class Deprecation:
    """A deprecated endpoint: when it was deprecated, when it goes, and what replaces it."""

    deprecated_on: date
    sunset_on: date
    successor: str  # endpoint name of the replacement


# v1's shapes stay for six months after v2 shipped (docs/api.md, CHANGELOG.md); one date for
# every v1 endpoint of every feature.
V1_DEPRECATED_ON = date(2026, 12, 4)
V1_SUNSET_ON = date(2027, 6, 4)


def v1_deprecation(successor: str) -> Deprecation:
    """A v1 endpoint, deprecated on V1_DEPRECATED_ON and gone on V1_SUNSET_ON; `successor` is
    the v2 endpoint's name (blueprint.view)."""
    return Deprecation(V1_DEPRECATED_ON, V1_SUNSET_ON, successor)


@dataclass(frozen=True)
class Operation:
    """Everything the document says about one endpoint; kept on the view as `view.api`."""

    operation_id: str
    summary: str
    description: str
    tag: str
    response: type[BaseModel]
    query: type[QueryParameters] | None = None
    path_parameters: dict[str, str] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    redirects: dict[int, str] = field(default_factory=dict)
    max_age: int = ITEM_MAX_AGE
    deprecation: Deprecation | None = None


@dataclass
class Answer:
    """A view's answer: the body (validated against the response model) and its change time."""

    body: Any
    last_modified: datetime


# Statuses every API endpoint may answer, whatever it does (documented on every operation).
COMMON_ERRORS = {
    401: "The X-API-Key header holds no valid key (leave it out to use the anonymous limits).",
    414: "The URL is too long (at most API_MAX_URL_LENGTH characters, 2,048 by default).",
    429: "Too many requests from this client; Retry-After says how many seconds to wait.",
}


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def parse_query(model: type[QueryParameters]) -> QueryParameters:
    """`request.args` as the model: lists for list fields, one value for the rest, or ApiError."""
    names = sorted(model.model_fields)
    values: dict[str, Any] = {}
    for name in request.args:
        if name not in model.model_fields:
            raise ApiError(
                400, f"Unknown parameter {name!r}. Use one of: {', '.join(names)}.", name
            )
        given = request.args.getlist(name)
        if _is_list(model.model_fields[name].annotation):
            values[name] = given
        elif len(given) > 1:
            raise ApiError(400, f"{name}: give this parameter once.", name)
        else:
            values[name] = given[0]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0])
        raise ApiError(400, f"{name}: {_explain(first)}", name) from None


def _explain(error: dict) -> str:
    """pydantic's message, shortened for enums too long to list (countries, languages)."""
    expected = (error.get("ctx") or {}).get("expected", "")
    if error["type"] == "enum" and expected.count(",") >= 12:
        return (
            f"{error['input']!r} is not a valid code; the OpenAPI document"
            " (/api/v1/openapi.json) lists the codes"
        )
    if error["type"] == "missing":
        return "this parameter is required"
    return f"{error['input']!r} is not valid: {error['msg']}"


def json_response(model: type[BaseModel], body: Any) -> Response:
    """`body` checked against the declared response model and written as JSON by pydantic
    (one pass in its compiled core: at 100,000 suppliers the search API spent a tenth of its
    time validating into Python objects, dumping them and encoding the result again, #15)."""
    return current_app.response_class(
        model.model_validate(body).model_dump_json() + "\n", mimetype="application/json"
    )


def _etag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:40]


def finish_get(response: Response, last_modified: datetime, max_age: int) -> Response:
    """Cache headers of a public GET: strong ETag of the body, Last-Modified, and 304s."""
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.set_etag(_etag(response.get_data()))
    response.last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
    return response.make_conditional(request)


def _deprecation_headers(response: Response, deprecation: Deprecation) -> None:
    deprecated_at = datetime(*deprecation.deprecated_on.timetuple()[:3], tzinfo=UTC)
    response.headers["Deprecation"] = f"@{int(deprecated_at.timestamp())}"
    response.headers["Sunset"] = http_date(deprecation.sunset_on)
    args = request.args.to_dict(flat=False)
    successor = url_for(deprecation.successor, _external=True, **request.view_args, **args)
    response.headers.add("Link", f'<{successor}>; rel="successor-version"')


def api_client() -> ApiKey | None:
    """The partner key this request presents (looked up once per request), or None.

    A key that matches nothing counts as no key here (the limit falls back to the IP address);
    the endpoint then answers 401 so the partner notices.
    """
    if "api_client" not in g:
        presented = request.headers.get(KEY_HEADER, "").strip()
        g.api_client = find_key(presented) if presented else None
        g.api_key_refused = bool(presented) and g.api_client is None
    return g.api_client


def api_rate_limit() -> str:
    """The limit for this request's client: its partner key's, else the anonymous one."""
    client = api_client()
    if client is not None:
        return f"{client.requests_per_minute} per minute"
    return current_app.config["API_RATE_LIMIT"]


def api_client_key() -> str:
    """Who the limit counts against: a partner key by its id, anyone else by IP address."""
    client = api_client()
    if client is not None:
        return f"api-key:{client.id}"
    return f"ip:{request.remote_addr or 'unknown'}"


def _is_preflight() -> bool:
    return request.method == "OPTIONS"


# One bucket per client for every API endpoint together. CORS preflights are free: a browser
# sends one before some GETs, and counting both would halve a web page's allowance.
shared_api_limit = limiter.shared_limit(
    api_rate_limit, scope="api", key_func=api_client_key, exempt_when=_is_preflight
)


def operation(
    *,
    operation_id: str,
    summary: str,
    tag: str,
    response: type[BaseModel],
    description: str = "",
    query: type[QueryParameters] | None = None,
    path_parameters: dict[str, str] | None = None,
    errors: dict[int, str] | None = None,
    redirects: dict[int, str] | None = None,
    max_age: int = ITEM_MAX_AGE,
    deprecation: Deprecation | None = None,
) -> Callable:
    """Declare a public GET endpoint; the view gets the parsed parameters and returns an Answer.

    A view with a `query` model is called as `view(params, **path_args)`, otherwise as
    `view(**path_args)`. It returns an `Answer` (body + change time), a ready `Response` (a
    redirect), or raises `ApiError`.
    """
    declared = Operation(
        operation_id=operation_id,
        summary=summary,
        description=description,
        tag=tag,
        response=response,
        query=query,
        path_parameters=path_parameters or {},
        errors=errors or {},
        redirects=redirects or {},
        max_age=max_age,
        deprecation=deprecation,
    )

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def endpoint(**path_args):
            api_client()
            if g.api_key_refused:
                raise ApiError(401, f"The {KEY_HEADER} header holds no valid key.")
            if query is not None:
                answer = view(parse_query(query), **path_args)
            else:
                answer = view(**path_args)
            if isinstance(answer, Response):
                result = answer
            else:
                result = finish_get(
                    json_response(response, answer.body), answer.last_modified, max_age
                )
            if deprecation is not None:
                _deprecation_headers(result, deprecation)
            return result

        limited = shared_api_limit(endpoint)
        limited.api = declared
        return limited

    return decorate


def operation_of(endpoint: str | None) -> Operation | None:
    """The declaration of a registered endpoint, or None for anything that is not the API."""
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "api", None)


def newest(*moments: datetime | None) -> datetime:
    """The latest of some change times (aware, UTC); the epoch when there is none."""
    known = [m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments if m is not None]
    return max(known, default=datetime(1970, 1, 1, tzinfo=UTC))


# --- what every public API response carries ----------------------------------------------------

CORS_EXPOSED = (
    "ETag, Last-Modified, Cache-Control, Link, Deprecation, Sunset, Retry-After, "
    "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
)
CORS_REQUEST_HEADERS = "Accept-Language, If-None-Match, If-Modified-Since, X-API-Key"


def is_public_endpoint(endpoint: str | None) -> bool:
    """A read-only, session-free endpoint: a declared API operation or the OpenAPI document."""
    if endpoint is None:
        return False
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "api", None) is not None or getattr(view, "public", False)


def _refuse_long_urls() -> None:
    if not request.path.startswith("/api/"):
        return
    limit = current_app.config["API_MAX_URL_LENGTH"]
    if len(request.full_path) > limit:
        raise ApiError(414, f"The URL is longer than {limit:,} characters; shorten the query.")


def _public_api_headers(response: Response) -> Response:
    if not is_public_endpoint(request.endpoint):
        return response
    headers = response.headers
    # CORS: any origin may read these answers; no credentials (the API uses no session).
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        headers["Access-Control-Max-Age"] = "86400"
    # Labels follow the reader's language (issue #10), so caches keep one copy per language.
    response.vary.add("Accept-Language")
    current = limiter.current_limit if limiter.enabled else None
    if current is not None:
        headers["RateLimit-Limit"] = str(current.limit.amount)
        headers["RateLimit-Remaining"] = str(max(current.remaining, 0))
        headers["RateLimit-Reset"] = str(max(int(current.reset_at - time.time()), 0))
    return response


class PublicApiSessionInterface(SecureCookieSessionInterface):
    """The cookie session, except that public API answers never say `Vary: Cookie`.

    Flask adds `Vary: Cookie` whenever anything read the session; Flask-Login's remember-me
    hook reads it on every response. Public API answers never depend on the session (they use
    none, which is also why they may be CORS-enabled), so shared caches may keep one copy.
    """

    def save_session(self, app: Flask, session, response: Response) -> None:
        """Save as usual, except a public API answer: no Vary: Cookie, and no Set-Cookie that
        a shared cache could keep (it changed nothing in the session)."""
        if is_public_endpoint(request.endpoint) and not session.modified:
            return
        super().save_session(app, session, response)


def register_api(app: Flask) -> None:
    """Refuse over-long API URLs and add CORS, Vary and RateLimit headers to public answers."""
    app.session_interface = PublicApiSessionInterface()
    app.before_request(_refuse_long_urls)
    app.after_request(_public_api_headers)
