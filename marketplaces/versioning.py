"""Optimistic locking for staff edits: the version a form showed, and a lost race as Conflict.

Marketplaces, offers and exchange rates carry a `version` column. A form sends the version it
showed; `stale_guard` refuses a change made from an out-of-date page, and `versioned_write`
turns a race lost at flush time (another request committed first) into the same `Conflict`.
"""

from __future__ import annotations

from functools import wraps

from sqlalchemy.orm.exc import StaleDataError

from tradehub.errors import Conflict
from tradehub.extensions import db


def stale_guard(obj, expected_version: int | None, what: str) -> None:
    """Raise Conflict when the page the change came from showed an older version of `obj`."""
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(
            f"Someone else changed this {what} while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        )


def flush_or_conflict(what: str) -> None:
    """Flush; turn a lost optimistic-lock race (another process committed first) into Conflict.

    The caller (the view's `service_call`) rolls the transaction back, as after any refusal.
    """
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise Conflict(
            f"Someone else changed this {what} at the same time. "
            "Reload the page to see their changes, then make yours again."
        ) from exc


def versioned_write(what: str):
    """Run a service without autoflush, then flush once, turning a lost race into Conflict.

    Without this, a lazy load in the middle of a change could flush early and raise SQLAlchemy's
    StaleDataError instead of our Conflict.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            with db.session.no_autoflush:
                result = func(*args, **kwargs)
            flush_or_conflict(what)
            return result

        return wrapper

    return decorator
