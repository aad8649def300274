"""One refusal path for views: run a service call, commit once, or show why it was refused.

    form = ChangePasswordForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.change_password(current_user, form.current_password.data, ...)
        if call.ok:
            return redirect(...)
    return render_template(..., form=form)

On success the block's work is committed once (`call.ok` is True). A `ValidationFailed` is
rolled back and its message goes on `form[exc.field or field]`; a `NotAllowed` or `Conflict` is
rolled back and its message goes on `form[field]`. With no such form field the message is
flashed instead. `call.ok` is then False and `call.error` holds the exception. A
`PermissionDenied` is not caught here: the global handler (tradehub.handlers) rolls back and
answers 403, and a `NotAllowed` raised outside `service_call` is answered 409 the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from flask_wtf import FlaskForm

from tradehub.errors import Conflict, NotAllowed, TradeHubError, ValidationFailed
from tradehub.extensions import db

FLASH_CATEGORY = "error"


@dataclass
class ServiceCall:
    """The outcome of one `service_call` block."""

    ok: bool = False
    error: TradeHubError | None = None


def show_refusal(form: FlaskForm | None, field: str | None, message: str) -> None:
    """Put `message` on the form's field (shown beside it and in the error summary), or flash it."""
    target = getattr(form, field, None) if form is not None and field else None
    if target is None or not hasattr(target, "errors"):
        flash(message, FLASH_CATEGORY)
        return
    # A field that was never validated holds its errors in a tuple.
    target.errors = [*target.errors, message]


@contextmanager
def service_call(form: FlaskForm | None = None, field: str | None = None) -> Iterator[ServiceCall]:
    """Commit the block's work once, or roll it back and show the service's refusal."""
    call = ServiceCall()
    try:
        yield call
    except ValidationFailed as exc:
        db.session.rollback()
        call.error = exc
        show_refusal(form, exc.field or field, str(exc))
    except (NotAllowed, Conflict) as exc:
        db.session.rollback()
        call.error = exc
        show_refusal(form, field, str(exc))
    else:
        db.session.commit()
        call.ok = True
