"""The one move view staff and partners share: a move's form, the workflow, the answer.

Both sides show an application with a form per move they may make. Posting one validates the
form, runs the move's workflow function in `service_call` (one commit, or a rollback with the
refusal shown), and answers the same way on both sides: the page again with the message by its
field (400), back to the application with the refusal flashed (a move that no longer applies),
or the latest state with 409 (someone else moved it first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from marketplaces.applications.forms import MessageMoveForm
from marketplaces.applications.models import Application
from marketplaces.applications.workflow import (
    MOVE_FUNCTIONS,
    MOVES,
    Actor,
    MessageRule,
    Move,
    available_moves,
)
from tradehub.errors import Conflict, NotAllowed
from tradehub.refusals import service_call


@dataclass(frozen=True)
class MoveDesk:
    """One side's part in a move: whose moves, how it finds and shows an application."""

    actor: Actor
    # The application by id if this user may see it on this side; aborts 404 otherwise.
    load: Callable[[int], Application]
    # The application page: render(application, move_forms=None, status=200).
    render: Callable[..., ResponseReturnValue]
    # Said after the new status when a move is made ("The applicant has been told.").
    done_note: str = ""


def moves_with_forms(
    application: Application, actor: Actor, submitted: dict[str, MessageMoveForm] | None = None
) -> tuple[list[Move], dict[str, MessageMoveForm]]:
    """The moves the signed-in user may make now on `actor`'s side, each with its form (a blank
    one showing the current version, or the one just submitted)."""
    moves = [m for m in available_moves(application, current_user) if m.actor is actor]
    forms = {
        m.name: MessageMoveForm(prefix=m.name, data={"version": application.version}, formdata=None)
        for m in moves
    }
    forms.update(submitted or {})
    return moves, forms


def move_view(desk: MoveDesk, application_id: int, move_name: str) -> ResponseReturnValue:
    """Make the move `move_name` on the application for the signed-in user of `desk`'s side."""
    move = MOVES.get(move_name)
    if move is None or move.actor is not desk.actor:
        abort(404)
    application = desk.load(application_id)
    form = MessageMoveForm(prefix=move_name)
    if form.validate_on_submit():
        message = (form.message.data,) if move.message is not MessageRule.NONE else ()
        with service_call(form) as call:
            event = MOVE_FUNCTIONS[move_name](
                application,
                current_user,
                *message,
                token=form.token.data,
                expected_version=form.expected_version,
            )
        back = redirect(url_for(".view_application", application_id=application_id))
        if call.ok:
            if event is not None:  # None: the same form again, already done
                note = f" {desk.done_note}" if desk.done_note else ""
                flash(f"{application.reference}: {event.to_status.label}.{note}", "success")
            return back
        if isinstance(call.error, Conflict):
            return desk.render(desk.load(application_id), status=409)
        if isinstance(call.error, NotAllowed):
            return back
    return desk.render(application, move_forms={move_name: form}, status=400)
