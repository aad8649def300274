"""Running one workflow move from a view, with the same commit and refusal handling everywhere.

Exporter, staff and partner views all make moves the same way: call the workflow function,
commit once on success, roll back on any refusal, and tell the view which kind of refusal it
was so it can answer in its own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from marketplaces.applications.models import ApplicationEvent
from tradehub.errors import Conflict, NotAllowed, ValidationFailed
from tradehub.extensions import db


@dataclass(frozen=True)
class MoveOutcome:
    """What happened to one attempted move."""

    done: bool = False
    event: ApplicationEvent | None = None
    invalid: str | None = None  # the input broke a rule: show it next to the field
    not_allowed: str | None = None  # the move does not apply in this state: say so, go back
    conflict: str | None = None  # someone else moved the application first


def attempt_move(call: Callable[[], ApplicationEvent | None]) -> MoveOutcome:
    """Run `call` (a workflow transition); commit when it succeeds, roll back when refused."""
    try:
        event = call()
    except ValidationFailed as exc:
        db.session.rollback()
        return MoveOutcome(invalid=str(exc))
    except NotAllowed as exc:
        db.session.rollback()
        return MoveOutcome(not_allowed=str(exc))
    except Conflict as exc:
        db.session.rollback()
        return MoveOutcome(conflict=str(exc))
    db.session.commit()
    return MoveOutcome(done=True, event=event)
