"""Sessions that end on the server (issue 13, M1).

Flask's session is a signed cookie: without a check on the server, a copy of it would keep
working after sign-out. Three checks run on every request:

- the session id (`User.get_id`) carries the user's `session_version`; signing out, "sign out
  of all devices", a password change and deactivation bump it (`end_all_sessions`), so every
  cookie issued before stops naming a user;
- an idle timeout (SESSION_IDLE_TIMEOUT seconds since the last request, default 2 hours);
- an absolute lifetime (SESSION_LIFETIME seconds since sign-in, default 30 days).
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, session
from flask_login import logout_user, user_logged_in

from tradehub.accounts.models import User
from tradehub.extensions import db

SIGNED_IN_AT = "_th_signed_in_at"
SEEN_AT = "_th_seen_at"
# The last-seen time is written back at most this often, so a burst of requests does not
# rewrite the cookie each time; the idle timeout is accurate to this many seconds.
SEEN_RESOLUTION = 60


def now() -> float:
    """Seconds since the epoch (a function so tests can move the clock)."""
    return time.time()


def load_user(value: str) -> User | None:
    """The user a session id names, while its password fingerprint and version still match."""
    user_id = value.partition(".")[0]
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    # get_id() carries the password fingerprint and the session version: a cookie made before
    # a password change or a sign-out no longer matches.
    if user is None or user.get_id() != value:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """End every session of `user` on every device (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1


def _expired(stamp: float | None, limit: int, moment: float) -> bool:
    return not isinstance(stamp, int | float) or moment - stamp > limit


def _check_timeouts() -> None:
    if "_user_id" not in session:
        return
    moment = now()
    config = current_app.config
    if _expired(session.get(SIGNED_IN_AT), config["SESSION_LIFETIME"], moment) or _expired(
        session.get(SEEN_AT), config["SESSION_IDLE_TIMEOUT"], moment
    ):
        logout_user()
        session.pop(SIGNED_IN_AT, None)
        session.pop(SEEN_AT, None)
        flash("For your security, we signed you out. Sign in again to continue.", "info")
        return
    if moment - session[SEEN_AT] >= SEEN_RESOLUTION:
        session[SEEN_AT] = moment


def _stamp_new_session(_app, user, **_extra) -> None:
    moment = now()
    session[SIGNED_IN_AT] = moment
    session[SEEN_AT] = moment


def register_sessions(app: Flask) -> None:
    """Check the timeouts before every request and stamp each new sign-in."""
    app.before_request(_check_timeouts)
    user_logged_in.connect(_stamp_new_session, app, weak=False)
