"""Error pages: HTML for people, JSON for the API; handlers of refusals and 500 roll back."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from tradehub.api import ApiError, error_body
from tradehub.errors import Conflict, NotAllowed, PermissionDenied
from tradehub.extensions import db
from tradehub.i18n import N_

log = logging.getLogger(__name__)

MESSAGES = {
    400: (N_("There is a problem with your request"), N_("Check what you entered and try again.")),
    403: (
        N_("You do not have permission to see this page"),
        N_("If you think you should have access, contact the TradeHub team."),
    ),
    404: (
        N_("Page not found"),
        N_(
            "If you typed the web address, check it is correct. "
            "If you pasted the web address, check you copied the entire address."
        ),
    ),
    405: (N_("Method not allowed"), N_("This page cannot be used that way.")),
    409: (
        N_("Someone else changed this first"),
        N_("Reload the page to see the latest version, then try again."),
    ),
    413: (N_("The file is too large"), N_("Choose a smaller file and try again.")),
    414: (N_("The web address is too long"), N_("Shorten the web address and try again.")),
    429: (
        N_("Too many attempts"),
        N_("You have tried too many times. Wait a few minutes and try again."),
    ),
    401: (N_("Not recognised"), N_("Check the key you sent and try again.")),
    500: (N_("Sorry, there is a problem with the service"), N_("Try again later.")),
    503: (N_("Sorry, the service is unavailable"), N_("Try again later.")),
}

NOT_ALLOWED_TITLE = N_("You cannot do that now")


def wants_json() -> bool:
    """API routes answer errors as JSON."""
    return request.path.startswith("/api/")


def error_response(status: int, detail: str | None = None, title: str | None = None):
    """Render the error page (or JSON) for `status`; `title` replaces the status's own."""
    default_title, advice = MESSAGES.get(status, MESSAGES[500])
    title = title or default_title
    if wants_json():
        return jsonify(error_body(status, title, detail or advice)), status
    return render_template(
        "errors/error.html", status=status, title=title, advice=detail or advice
    ), status


def register_errorhandlers(app: Flask) -> None:
    """Attach the handlers for HTTP errors and domain errors."""

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        title = MESSAGES.get(error.status, MESSAGES[500])[0]
        response = jsonify(error_body(error.status, title, error.detail, error.parameter))
        response.status_code = error.status
        response.headers.update(error.headers)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(
            400,
            N_(
                "Your form has expired or was not sent from this site. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied):
        db.session.rollback()
        return error_response(403, str(error) or None)

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed):
        # Views that expect a refusal catch it with `tradehub.refusals.service_call`; one that
        # escapes means the object is not in a state that allows the action.
        db.session.rollback()
        return error_response(409, str(error) or None, title=NOT_ALLOWED_TITLE)

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        db.session.rollback()
        return error_response(409, str(error) or None)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        detail = error.description if wants_json() and error.code in (400, 404, 409, 422) else None
        if wants_json() and error.code == 429:
            detail = "Too many requests. Wait the seconds that Retry-After says, then try again."
        elif isinstance(error, RateLimitExceeded) and error.limit.error_message:
            detail = error.description  # the limit's own message, matching its window
        response = error_response(error.code or 500, detail)
        # Keep the headers the error carries (a 405's Allow, a 401's WWW-Authenticate).
        body, status = response
        extra = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, status, extra

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError.code)
