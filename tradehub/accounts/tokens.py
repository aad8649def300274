"""Signed, expiring tokens for email links (confirmation, password reset, invitations)."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tradehub.errors import TradeHubError


class InvalidToken(TradeHubError):
    """The link is broken, expired or already used."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"tradehub.{purpose}")


def fingerprint(value: str) -> str:
    """Short digest of a secret so a token dies when the secret changes (single use)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(purpose: str, payload: dict) -> str:
    """Sign `payload` for one `purpose`; a token for one purpose never opens another."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict:
    """Return the payload, or raise InvalidToken saying whether it expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken("This link has expired. Ask for a new one.") from exc
    except BadSignature as exc:
        raise InvalidToken("This link is not valid. Check you copied all of it.") from exc
