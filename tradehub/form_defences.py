"""Defences of the public forms anyone may send (supplier contact, buying requests, feedback):
a honeypot field, a signed token saying when and for what the form was shown (refusing a form
we did not show, one filled in faster than a person could, or one too old), and rate limits
counted in Flask-Limiter's storage that say, in the reader's language, how long to wait.

Each form names what its token is for (`salt`) and what must match when it comes back
(`expect`: the company written to, the user, the kind of feedback); the rules and messages live
here once. Settings: CONTACT_MIN_FILL_SECONDS, CONTACT_MAX_FORM_AGE_SECONDS.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext, ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many

from tradehub.errors import ValidationFailed
from tradehub.extensions import limiter
from tradehub.i18n import N_

DEFAULT_MIN_FILL_SECONDS = 4
DEFAULT_MAX_FORM_AGE_SECONDS = 24 * 3600

# The refusals in English (marked for the catalogues); they are raised in the reader's language.
TOO_FAST_MESSAGE = N_(
    "You sent the form very quickly, so we could not tell you are not an automated "
    "program. Check your message, then send it again."
)
EXPIRED_MESSAGE = N_("This form has expired. Check your message, then send it again.")
HONEYPOT_MESSAGE = N_("Leave the ‘Leave this field blank’ field empty")
IP_LIMIT_MESSAGE = N_(
    "You have sent too many messages from this connection. Wait %(wait)s, then try again."
)


class RateLimited(ValidationFailed):
    """A form sent too often: views answer 429 with Retry-After (seconds) and the message beside
    the field, keeping what was typed."""

    def __init__(self, message: str, field: str, retry_after: int):
        super().__init__(message, field)
        self.retry_after = retry_after


def check_honeypot(value: str | None, field: str = "reference") -> None:
    """People leave the hidden field empty; anything in it means a program filled the form."""
    if value and value.strip():
        raise ValidationFailed(gettext(HONEYPOT_MESSAGE), field)


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def issue_form_token(salt: str, payload: Mapping[str, Any], issued_at: float | None = None) -> str:
    """A signed token carrying `payload` and the moment the form was shown."""
    moment = time.time() if issued_at is None else issued_at
    return _serializer(salt).dumps({**payload, "t": int(moment)})


def check_form_token(
    salt: str,
    token: str | None,
    field: str,
    expect: Mapping[str, Any] | None = None,
    now: float | None = None,
) -> dict:
    """The token's payload, or a refusal beside `field`: not ours, not for `expect`, or too old
    (EXPIRED_MESSAGE); filled in faster than CONTACT_MIN_FILL_SECONDS (TOO_FAST_MESSAGE)."""
    config = current_app.config
    min_seconds = config.get("CONTACT_MIN_FILL_SECONDS", DEFAULT_MIN_FILL_SECONDS)
    max_age = config.get("CONTACT_MAX_FORM_AGE_SECONDS", DEFAULT_MAX_FORM_AGE_SECONDS)
    try:
        payload = _serializer(salt).loads(token or "")
        elapsed = (time.time() if now is None else now) - int(payload["t"])
        matches = all(payload[key] == value for key, value in (expect or {}).items())
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(gettext(EXPIRED_MESSAGE), field) from exc
    if not matches or elapsed > max_age:
        raise ValidationFailed(gettext(EXPIRED_MESSAGE), field)
    if elapsed < min_seconds:
        raise ValidationFailed(gettext(TOO_FAST_MESSAGE), field)
    return payload


def limit_window(item) -> str:
    """A limit's window in words, in the reader's language: "10 minutes", "1 hour", "1 day"."""
    count = item.multiples
    unit = item.GRANULARITY.name
    if unit == "second":
        return ngettext("%(num)s second", "%(num)s seconds", count)
    if unit == "minute":
        return ngettext("%(num)s minute", "%(num)s minutes", count)
    if unit == "hour":
        return ngettext("%(num)s hour", "%(num)s hours", count)
    if unit == "day":
        return ngettext("%(num)s day", "%(num)s days", count)
    return ngettext("%(num)s month", "%(num)s months", count)


def hit_limits(limit_text: str, scope: str, key: str, message: str, field: str) -> None:
    """Count one attempt against every limit in `limit_text` (e.g. "5 per 10 minutes;20 per
    day"); raise RateLimited, naming the exhausted window and when to retry, when any limit is
    used up (nothing is counted then)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    strategy = limiter.limiter
    items = parse_many(limit_text)
    exhausted = [item for item in items if not strategy.test(item, scope, key)]
    if exhausted:
        resets = {
            item: strategy.get_window_stats(item, scope, key).reset_time for item in exhausted
        }
        longest = max(exhausted, key=lambda item: resets[item])
        retry_after = max(1, math.ceil(resets[longest] - time.time()))
        raise RateLimited(gettext(message, wait=limit_window(longest)), field, retry_after)
    for item in items:
        strategy.hit(item, scope, key)
