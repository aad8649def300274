"""External links from the configured BASE_URL, never from the request (issue 13, H1).

Flask builds `url_for(..., _external=True)` from the request's Host header, so a forged Host
would put an attacker's domain into password-reset, confirmation and invitation emails, API
`url` fields, canonical links and PDFs. `TradeHubFlask.url_for` builds every external URL
from `BASE_URL` instead, inside a request or outside one (CLI jobs, the outbox).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, has_request_context, url_for
from flask.globals import request_ctx

from tradehub.errors import ConfigurationError
from tradehub.filters import TemplateEnvironment

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def parse_base_url(value: str) -> str:
    """`scheme://host[:port]` without a trailing slash; raises ConfigurationError otherwise."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ConfigurationError(
            "BASE_URL must be the site's address, like https://tradehub.example.gov.uk "
            f"(http or https, no path), got {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


class TradeHubFlask(Flask):
    """Flask, with external URLs built from BASE_URL (templates use this url_for too)."""

    jinja_environment = TemplateEnvironment

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        """A path, or with `_external` (the default outside a request) a BASE_URL address."""
        external = _external if _external is not None else not has_request_context()
        base = urlsplit(self.config["BASE_URL"])
        scheme = _scheme or base.scheme
        if has_request_context() and request_ctx.url_adapter is not None:
            path = super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _external=False, **values
            )
            return f"{scheme}://{base.netloc}{path}" if external else path
        # Outside a request (CLI jobs, the outbox), or in the error page of a request whose Host
        # was refused (it has no URL adapter): bind the URL map to BASE_URL itself.
        self.inject_url_defaults(endpoint, values)
        adapter = self.url_map.bind(base.netloc, url_scheme=scheme)
        url = adapter.build(
            endpoint, values, method=_method, url_scheme=scheme, force_external=external
        )
        return url + (f"#{_anchor}" if _anchor else "")


# Characters every URL converter writes as they are; a value made only of them (a slug, an id)
# can be put into a built URL directly.
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")
_MARKER = "tradehub0url0value"


def url_for_each(endpoint: str, parameter: str, values: Iterable[str], **fixed) -> list[str]:
    """`url_for(endpoint, **{parameter: value}, **fixed)` for each value, the route built once.

    For lists of links (a page of search results, the sitemap's profiles): building one URL
    runs the URL map, the url_defaults and the BASE_URL rule, 20 to 50 microseconds a link.
    A value with characters a converter would quote is built by url_for itself."""
    pattern = url_for(endpoint, **{parameter: _MARKER}, **fixed)
    if pattern.count(_MARKER) != 1:
        return [url_for(endpoint, **{parameter: value}, **fixed) for value in values]
    head, tail = pattern.split(_MARKER)
    return [
        head + value + tail
        if _UNRESERVED.fullmatch(value)
        else url_for(endpoint, **{parameter: value}, **fixed)
        for value in values
    ]
