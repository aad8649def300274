"""Second factor: TOTP authenticator apps (RFC 6238 via pyotp), single-use recovery codes, and
"remember this browser".

Staff, partners and admins must enrol (`User.second_factor_required`); exporters and buyers may.
A code is accepted for the current 30-second step or one step either side (clock drift), and
never twice: the last step used is stored, and a code for that step or an earlier one is
refused. Recovery codes are random (50 bits each) and kept only as SHA-256 digests; each works
once. Functions change state and flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from flask import current_app
from sqlalchemy import select

from tradehub.accounts import audit
from tradehub.accounts.models import RecoveryCode, User
from tradehub.accounts.passwords import verify_password
from tradehub.accounts.tokens import InvalidToken, fingerprint, make_token, read_token
from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed, ValidationFailed
from tradehub.extensions import db

ISSUER = "TradeHub"
RECOVERY_CODE_COUNT = 10
REMEMBER_COOKIE = "tradehub_2fa_remember"
WRONG_CODE = "The code is not correct or has expired. Enter the code your app shows now"
REUSED_CODE = "This code has already been used. Wait for your app to show a new code"
# Recovery codes: two groups of five from an alphabet without look-alikes (no 0/O, 1/I/L).
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


# --- enrolment -------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as inline SVG, drawn on the server (no script, no outside service)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass(frozen=True)
class CodeCheck:
    """The result of checking a TOTP code: the step it matched, or why it failed."""

    step: int | None
    reused: bool = False


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def check_totp(secret: str, code: str, last_step: int | None, now: float | None = None):
    """Match `code` against the steps around `now`; refuse a step at or before `last_step`."""
    code = _clean(code)
    if not (len(code) == 6 and code.isdigit()):
        return CodeCheck(None)
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // totp.interval)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_step is not None and step <= last_step:
                return CodeCheck(None, reused=True)
            return CodeCheck(step)
    return CodeCheck(None)


def _hash_code(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new single-use codes (the old ones stop working); returned once, stored hashed."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    db.session.flush()
    return codes


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn on the authenticator app once the user proves it shows the right code."""
    result = check_totp(secret, code, None)
    if result.step is None:
        raise ValidationFailed(WRONG_CODE, "code")
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = result.step
    codes = replace_recovery_codes(user)
    audit.record(user, "two_factor_enabled", user, before={"totp": "off"}, after={"totp": "on"})
    return codes


def disable(user: User, password: str) -> None:
    """Turn the second factor off; only for roles that do not require it."""
    if user.second_factor_required:
        raise NotAllowed("Your role needs a second factor: it cannot be turned off.")
    if not verify_password(user.password_hash, password):
        raise ValidationFailed("Your password is not correct.", "password")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(user, "two_factor_disabled", user, before={"totp": "on"}, after={"totp": "off"})


def new_recovery_codes(user: User, password: str) -> list[str]:
    """Replace the recovery codes after checking the password."""
    if not user.has_second_factor:
        raise NotAllowed("Set up an authenticator app first.")
    if not verify_password(user.password_hash, password):
        raise ValidationFailed("Your password is not correct.", "password")
    codes = replace_recovery_codes(user)
    audit.record(user, "recovery_codes_replaced", user)
    return codes


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return sum(1 for code in user.recovery_codes if code.used_at is None)


# --- signing in ------------------------------------------------------------------------------


def verify_second_factor(user: User, code: str) -> str:
    """Accept a code from the app or an unused recovery code; returns which was used."""
    if not user.has_second_factor:
        raise NotAllowed("This account has no second factor.")
    cleaned = _clean(code)
    if len(cleaned) == 10:  # a recovery code
        row = db.session.scalar(
            select(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == _hash_code(cleaned),
                RecoveryCode.used_at.is_(None),
            )
            .with_for_update()
        )
        if row is None:
            raise ValidationFailed("This recovery code is not correct or has been used", "code")
        row.used_at = utcnow()
        return "recovery code"
    result = check_totp(user.totp_secret, cleaned, user.totp_last_step)
    if result.reused:
        raise ValidationFailed(REUSED_CODE, "code")
    if result.step is None:
        raise ValidationFailed(WRONG_CODE, "code")
    user.totp_last_step = result.step
    return "authenticator app"


def _remember_payload(user: User) -> dict:
    return {
        "uid": user.id,
        "pw": fingerprint(user.password_hash),
        "tf": fingerprint(user.totp_secret or ""),
    }


def remember_token(user: User) -> str:
    """A cookie value that lets this browser skip the code for the configured days."""
    return make_token("remember-browser", _remember_payload(user))


def remember_max_age() -> int:
    """How long a remembered browser skips the code, in seconds."""
    return current_app.config["TWO_FACTOR_REMEMBER_DAYS"] * 86400


def is_remembered(user: User, token: str | None) -> bool:
    """The cookie was signed for this user, this password and this authenticator, and is fresh.

    Changing the password or the authenticator (or an admin reset) makes every such cookie
    useless.
    """
    if not token or not user.has_second_factor:
        return False
    try:
        data = read_token("remember-browser", token, remember_max_age())
    except InvalidToken:
        return False
    return data == _remember_payload(user)
