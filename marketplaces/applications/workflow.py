"""The application state machine: the allowed moves and one service function per move.

Every move function
1. locks the application row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite serialises writers)
   and reloads it, so it decides on the latest state;
2. checks the actor may make the move on *this* application (permissions module), then that
   the form they used showed the current version (else `Conflict`), then the state;
3. changes the state, writes an `ApplicationEvent`, flushes (the `version` column turns a lost
   race into `Conflict`), and queues the emails. The view commits.

A form carries a one-time token; a resent form (double click, browser retry) whose token
already made the move changes nothing and returns None, so a move happens once.

Decision: staff cannot decline straight from "submitted". A decline is a review outcome, so
staff start a review first (one click); the audit trail then always shows who reviewed it.

Decision: the 5-working-day clock stops at a substantive response (a question, a referral or
a decline), not when a review merely starts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from marketplaces.applications import permissions
from marketplaces.applications.deadlines import response_due_at
from marketplaces.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    EventKind,
    PartnerAccount,
)
from marketplaces.applications.services import check_complete
from tradehub.accounts.models import Role, User
from tradehub.db_types import utcnow
from tradehub.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email

S = ApplicationStatus
MESSAGE_MAX = 2000


class Actor(enum.StrEnum):
    """The part someone plays in a move."""

    EXPORTER = "exporter"
    STAFF = "staff"
    PARTNER = "partner"


class MessageRule(enum.Enum):
    """Whether a move takes a reason, question or answer."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class Move:
    """One allowed transition: who makes it, from which states, to which state."""

    name: str
    label: str  # the button people press
    actor: Actor
    sources: frozenset[ApplicationStatus]
    target: ApplicationStatus
    message: MessageRule = MessageRule.NONE
    message_label: str = ""  # what the message is called in forms and errors


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move("submit", "Submit application", Actor.EXPORTER, frozenset({S.DRAFT}), S.SUBMITTED),
        Move(
            "answer",
            "Send your answer",
            Actor.EXPORTER,
            frozenset({S.INFO_REQUESTED}),
            S.SUBMITTED,
            MessageRule.REQUIRED,
            "answer",
        ),
        Move(
            "withdraw",
            "Withdraw application",
            Actor.EXPORTER,
            OPEN_STATUSES,
            S.WITHDRAWN,
            MessageRule.OPTIONAL,
            "reason",
        ),
        Move("start_review", "Start review", Actor.STAFF, frozenset({S.SUBMITTED}), S.UNDER_REVIEW),
        Move(
            "request_information",
            "Request information",
            Actor.STAFF,
            frozenset({S.UNDER_REVIEW}),
            S.INFO_REQUESTED,
            MessageRule.REQUIRED,
            "question",
        ),
        Move(
            "refer",
            "Refer to the marketplace",
            Actor.STAFF,
            frozenset({S.UNDER_REVIEW}),
            S.REFERRED,
            MessageRule.OPTIONAL,
            "note for the marketplace",
        ),
        Move(
            "decline",
            "Decline application",
            Actor.STAFF,
            frozenset({S.UNDER_REVIEW}),
            S.DECLINED,
            MessageRule.REQUIRED,
            "reason",
        ),
        Move(
            "partner_accept",
            "Accept",
            Actor.PARTNER,
            frozenset({S.REFERRED}),
            S.ACCEPTED,
            MessageRule.OPTIONAL,
            "next steps for the applicant",
        ),
        Move(
            "partner_decline",
            "Decline",
            Actor.PARTNER,
            frozenset({S.REFERRED}),
            S.DECLINED,
            MessageRule.REQUIRED,
            "reason",
        ),
    )
}

# Staff moves that count as the response the exporter is waiting for.
_STAFF_RESPONSES = frozenset({"request_information", "refer", "decline"})


def may_act_as(user: User | None, actor: Actor, application: Application) -> bool:
    """Whether `user` may play `actor` on this application (role and ownership)."""
    if actor is Actor.EXPORTER:
        return permissions.is_application_member(user, application)
    if actor is Actor.STAFF:
        return permissions.can_review_applications(user)
    return permissions.can_handle_referral(user, application)


def available_moves(application: Application, user: User | None) -> list[Move]:
    """The moves `user` could make now (used to show the right buttons)."""
    return [
        move
        for move in MOVES.values()
        if application.status in move.sources and may_act_as(user, move.actor, application)
    ]


def check_move(application: Application, move_name: str, user: User | None) -> Move:
    """Raise PermissionDenied or NotAllowed unless `user` may make the move now."""
    move = MOVES[move_name]
    if not may_act_as(user, move.actor, application):
        raise PermissionDenied(f"You cannot {move.label.lower()} on this application.")
    if application.status not in move.sources:
        raise NotAllowed(
            f"This application is {application.status.label.lower()}, so you cannot "
            f"{move.label.lower()} now."
        )
    return move


def lock_application(application_id: int) -> Application:
    """Load the application with a row lock, discarding any stale copy in the session."""
    application = db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if application is None:
        raise NotAllowed("This application no longer exists.")
    return application


def _conflict_message(application: Application) -> str:
    last = next((e for e in reversed(application.events) if e.kind == EventKind.STATUS), None)
    who = ""
    if last is not None and last.actor is not None:
        who = f" by {last.actor.full_name or last.actor.email}"
    return (
        f"Someone else changed this application first: it is now "
        f"“{application.status.label}”{who}. Nothing you sent was saved. "
        "Check the latest details and try again if you still need to."
    )


def _apply(
    application: Application,
    move_name: str,
    user: User,
    message: str = "",
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Make the move (see the module docstring); None when `token` already made it."""
    application = lock_application(application.id)
    move = MOVES[move_name]
    if not may_act_as(user, move.actor, application):
        raise PermissionDenied(f"You cannot {move.label.lower()} on this application.")
    if token and application.last_action_token == token:
        return None  # the same form again: it already did its work
    if expected_version is not None and application.version != expected_version:
        raise Conflict(_conflict_message(application))
    check_move(application, move_name, user)

    message = (message or "").strip()
    if move.message is MessageRule.REQUIRED and not message:
        raise ValidationFailed(f"Enter the {move.message_label}", "message")
    if len(message) > MESSAGE_MAX:
        raise ValidationFailed(
            f"The {move.message_label} must be {MESSAGE_MAX} characters or fewer", "message"
        )
    if move.message is MessageRule.NONE:
        message = ""

    now = utcnow()
    from_status = application.status
    application.status = move.target
    application.last_action_token = token
    if move.target == S.SUBMITTED:
        application.submitted_at = application.submitted_at or now
        application.last_submitted_at = now
        application.response_due_at = response_due_at(now)
    if move.name in _STAFF_RESPONSES:
        application.first_response_at = application.first_response_at or now
        application.response_due_at = None
    if move.target == S.REFERRED:
        application.referred_at = now
    if move.target.is_closed:
        application.closed_at = now
        application.response_due_at = None

    event = ApplicationEvent(
        application=application,
        kind=EventKind.STATUS,
        move=move.name,
        actor_id=user.id,
        actor_role=move.actor.value,
        from_status=from_status,
        to_status=move.target,
        message=message,
        created_at=now,
    )
    db.session.add(event)
    try:
        db.session.flush()
    except StaleDataError as exc:
        # Another transaction moved it between our read and our write (no row lock on this
        # database). The caller rolls back, as after any failed flush.
        raise Conflict(
            "Someone else changed this application first. Nothing you sent was saved. "
            "Reload the page to see the latest details."
        ) from exc
    return event


# --- the moves ------------------------------------------------------------------------------


def submit_application(
    application: Application,
    user: User,
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Exporter sends a complete draft to the department (draft -> submitted)."""
    if not may_act_as(user, Actor.EXPORTER, application):
        raise PermissionDenied("You cannot submit this application.")
    check_complete(application)
    if not application.marketplace.is_published:
        raise NotAllowed(f"{application.marketplace.name} is not taking applications now.")
    event = _apply(application, "submit", user, token=token, expected_version=expected_version)
    if event is not None:
        _notify_exporter(
            application,
            "application_submitted",
            f"We have received your application to {application.marketplace.name}",
        )
        _notify_staff(
            application,
            "application_new_staff",
            f"New marketplace application {application.reference}",
        )
    return event


def answer_information_request(
    application: Application,
    user: User,
    answer: str,
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Exporter answers the department's question (info_requested -> submitted)."""
    event = _apply(
        application, "answer", user, answer, token=token, expected_version=expected_version
    )
    if event is not None:
        _notify_staff(
            application,
            "application_answered_staff",
            f"Applicant answered your question on {application.reference}",
            event=event,
        )
    return event


def withdraw_application(
    application: Application,
    user: User,
    reason: str = "",
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Exporter withdraws an open application (any open state -> withdrawn)."""
    event = _apply(
        application, "withdraw", user, reason, token=token, expected_version=expected_version
    )
    if event is None or event.from_status == S.DRAFT:
        return event  # a draft nobody else has seen: nobody else needs telling
    _notify_exporter(
        application,
        "application_withdrawn",
        f"You withdrew your application to {application.marketplace.name}",
        event=event,
    )
    subject = f"Application {application.reference} was withdrawn"
    _notify_staff(application, "application_withdrawn_notice", subject, event=event)
    if event.from_status == S.REFERRED:
        _notify_partners(application, "application_withdrawn_notice", subject, event=event)
    return event


def start_review(
    application: Application,
    user: User,
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Staff start reviewing a submitted application (submitted -> under_review)."""
    event = _apply(
        application, "start_review", user, token=token, expected_version=expected_version
    )
    if event is not None:
        if application.assigned_to_id is None:
            application.assigned_to_id = user.id  # whoever starts the review owns it
        _notify_exporter(
            application,
            "application_review_started",
            f"We are reviewing your application to {application.marketplace.name}",
        )
    return event


def request_information(
    application: Application,
    user: User,
    question: str,
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Staff ask the exporter a question (under_review -> info_requested)."""
    event = _apply(
        application,
        "request_information",
        user,
        question,
        token=token,
        expected_version=expected_version,
    )
    if event is not None:
        _notify_exporter(
            application,
            "application_info_requested",
            f"We need more information about your application to {application.marketplace.name}",
            event=event,
        )
    return event


def refer_to_marketplace(
    application: Application,
    user: User,
    note: str = "",
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Staff refer a reviewed application to the marketplace (under_review -> referred)."""
    event = _apply(application, "refer", user, note, token=token, expected_version=expected_version)
    if event is not None:
        _notify_exporter(
            application,
            "application_referred",
            f"Your application has been passed to {application.marketplace.name}",
        )
        _notify_partners(
            application,
            "application_referred_partner",
            f"New referral from TradeHub: {application.business_name}",
            event=event,
        )
    return event


def decline_application(
    application: Application,
    user: User,
    reason: str,
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """Staff decline after review, with a reason the exporter sees (under_review -> declined)."""
    event = _apply(
        application, "decline", user, reason, token=token, expected_version=expected_version
    )
    if event is not None:
        _notify_exporter(
            application,
            "application_declined",
            f"Your application to {application.marketplace.name} was not successful",
            event=event,
            decided_by="the TradeHub team",
        )
    return event


def accept_referral(
    application: Application,
    user: User,
    message: str = "",
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """The marketplace's partner accepts a referred application (referred -> accepted)."""
    event = _apply(
        application, "partner_accept", user, message, token=token, expected_version=expected_version
    )
    if event is not None:
        _notify_exporter(
            application,
            "application_accepted",
            f"{application.marketplace.name} accepted your application",
            event=event,
        )
        _notify_staff(
            application,
            "application_outcome_staff",
            f"{application.marketplace.name} accepted {application.reference}",
            event=event,
        )
    return event


def decline_referral(
    application: Application,
    user: User,
    reason: str,
    *,
    token: str | None = None,
    expected_version: int | None = None,
) -> ApplicationEvent | None:
    """The marketplace's partner declines a referred application (referred -> declined)."""
    event = _apply(
        application, "partner_decline", user, reason, token=token, expected_version=expected_version
    )
    if event is not None:
        _notify_exporter(
            application,
            "application_declined",
            f"Your application to {application.marketplace.name} was not successful",
            event=event,
            decided_by=application.marketplace.name,
        )
        _notify_staff(
            application,
            "application_outcome_staff",
            f"{application.marketplace.name} declined {application.reference}",
            event=event,
        )
    return event


# --- assignment -----------------------------------------------------------------------------
# Not a move (the status stays), but it locks the row and writes to the same audit trail.


def assign_application(
    application: Application, actor: User, assignee: User | None
) -> ApplicationEvent | None:
    """Staff give the application to a reviewer (or nobody); recorded in the audit trail."""
    if not permissions.can_review_applications(actor):
        raise PermissionDenied("Only staff can assign applications.")
    if assignee is not None and not assignee.has_role(Role.STAFF):
        raise ValidationFailed("Choose a member of staff", "assignee")
    application = lock_application(application.id)
    new_id = assignee.id if assignee is not None else None
    if application.assigned_to_id == new_id:
        return None
    application.assigned_to = assignee
    message = (
        f"Assigned to {assignee.full_name or assignee.email}"
        if assignee is not None
        else "Unassigned"
    )
    event = ApplicationEvent(
        application=application,
        kind=EventKind.ASSIGNMENT,
        move="assign",
        actor_id=actor.id,
        actor_role="staff",
        from_status=application.status,
        to_status=application.status,
        message=message,
    )
    db.session.add(event)
    db.session.flush()
    return event


# The service function for each move, for callers that pick the move at run time.
MOVE_FUNCTIONS = {
    "submit": submit_application,
    "answer": answer_information_request,
    "withdraw": withdraw_application,
    "start_review": start_review,
    "request_information": request_information,
    "refer": refer_to_marketplace,
    "decline": decline_application,
    "partner_accept": accept_referral,
    "partner_decline": decline_referral,
}


# --- who hears about it ---------------------------------------------------------------------


def _notify_exporter(application: Application, template: str, subject: str, **context) -> None:
    link = url_for(
        "marketplaces_applications.view_application", application_id=application.id, _external=True
    )
    queue_email(
        application.applicant.email,
        subject,
        template,
        application=application,
        link=link,
        **context,
    )


def staff_recipients(application: Application) -> list[str]:
    """The assigned reviewer, or every active staff member while nobody is assigned."""
    if application.assigned_to is not None and application.assigned_to.active:
        return [application.assigned_to.email]
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.role.in_([Role.STAFF, Role.ADMIN]), User.active.is_(True))
            .order_by(User.id)
        )
    )


def _notify_staff(application: Application, template: str, subject: str, **context) -> None:
    link = url_for(
        "marketplaces_applications_staff.view_application",
        application_id=application.id,
        _external=True,
    )
    for address in staff_recipients(application):
        queue_email(address, subject, template, application=application, link=link, **context)


def partner_recipients(application: Application) -> list[str]:
    """Every active partner user linked to the application's marketplace."""
    return list(
        db.session.scalars(
            select(User.email)
            .join(PartnerAccount, PartnerAccount.user_id == User.id)
            .where(
                PartnerAccount.marketplace_id == application.marketplace_id,
                User.role == Role.PARTNER,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def _notify_partners(application: Application, template: str, subject: str, **context) -> None:
    link = url_for(
        "marketplaces_applications_partner.view_application",
        application_id=application.id,
        _external=True,
    )
    for address in partner_recipients(application):
        queue_email(address, subject, template, application=application, link=link, **context)
