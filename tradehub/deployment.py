"""Running behind a reverse proxy and in several processes: ProxyFix, request ids, log format.

- TRUSTED_PROXIES (number of proxy hops, default 0): when above 0, Werkzeug's ProxyFix takes the
  client address and scheme from that many X-Forwarded-For/-Proto entries, so rate limits key
  on the real visitor; at 0 those headers are ignored (a visitor could write anything in them).
- Every request has an id (`g.request_id`, the `X-Request-Id` response header): the proxy's
  `X-Request-Id` when a trusted proxy sends one, otherwise a new random one.
- LOG_FORMAT=json writes one JSON object per line; every line carries the request id ("-"
  outside a request). Each request ends with one `tradehub.request` line (method, path,
  endpoint, status, milliseconds).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

REQUEST_ID_HEADER = "X-Request-Id"
# A proxy's id is kept only when it is short and plain (it goes into every log line).
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HANDLER_MARK = "_tradehub_handler"

request_log = logging.getLogger("tradehub.request")


def current_request_id() -> str:
    """The id of the request being served, or "-" outside a request."""
    if has_request_context():
        return getattr(g, "request_id", None) or "-"
    return "-"


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record, so any formatter can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and extras)."""

    # Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
        "message",
        "asctime",
        "request_id",
    }

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def configure_logging(log_format: str) -> None:
    """Install the one stderr handler on the root logger (once per process), text or JSON."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]
    if not ours and root.handlers:
        # Someone else (pytest, an embedding program) owns logging: only add the request id.
        for handler in root.handlers:
            if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
                handler.addFilter(RequestIdFilter())
        return
    handler = ours[0] if ours else logging.StreamHandler()
    setattr(handler, _HANDLER_MARK, True)
    if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
        handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    if not ours:
        root.addHandler(handler)
        root.setLevel(logging.INFO)


def register_deployment(app: Flask) -> None:
    """ProxyFix for TRUSTED_PROXIES hops, request ids and the per-request log line."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # Host is left alone: which host names are served is TRUSTED_HOSTS' business.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    @app.before_request
    def assign_request_id() -> None:
        g.request_started = time.perf_counter()
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        if hops and _REQUEST_ID_RE.match(sent):
            g.request_id = sent
        else:
            g.request_id = uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        request_id = current_request_id()
        if request_id != "-":
            response.headers[REQUEST_ID_HEADER] = request_id
        started = getattr(g, "request_started", None)
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "endpoint": request.endpoint or "-",
                "status": response.status_code,
                "duration_ms": elapsed_ms,
                "client": request.remote_addr,
            },
        )
        return response
