"""The application state machine: every allowed move works, every other one is refused.

The tables below are the specification, written out by hand rather than derived from the code's
own MOVES table, so a change to the workflow must change them too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from marketplaces.applications import workflow
from marketplaces.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    EventKind,
)
from tests.factories import (
    ApplicantCompanyFactory,
    ApplicationFactory,
    MarketplaceFactory,
    PartnerAccountFactory,
    UserFactory,
)
from tradehub.accounts.models import Role
from tradehub.after_commit import process_after_commit
from tradehub.errors import NotAllowed, PermissionDenied, ValidationFailed
from tradehub.mail import OutboxEmail

S = ApplicationStatus
ROLES = ("exporter", "other_exporter", "staff", "admin", "partner", "other_partner", "buyer")
MOVES = (
    "submit",
    "answer",
    "withdraw",
    "start_review",
    "request_information",
    "refer",
    "decline",
    "partner_accept",
    "partner_decline",
)

# (role, state) -> the moves that role may make in that state. Everything else is refused.
ALLOWED = {
    ("exporter", S.DRAFT): {"submit", "withdraw"},
    ("exporter", S.SUBMITTED): {"withdraw"},
    ("exporter", S.UNDER_REVIEW): {"withdraw"},
    ("exporter", S.INFO_REQUESTED): {"answer", "withdraw"},
    ("exporter", S.REFERRED): {"withdraw"},
    ("staff", S.SUBMITTED): {"start_review"},
    ("staff", S.UNDER_REVIEW): {"request_information", "refer", "decline"},
    ("admin", S.SUBMITTED): {"start_review"},
    ("admin", S.UNDER_REVIEW): {"request_information", "refer", "decline"},
    ("partner", S.REFERRED): {"partner_accept", "partner_decline"},
}

# (move, from) -> (to, who is emailed). "partner" means the marketplace's partner users.
TRANSITIONS = [
    ("submit", S.DRAFT, S.SUBMITTED, {"exporter", "staff"}),
    ("answer", S.INFO_REQUESTED, S.SUBMITTED, {"staff"}),
    ("withdraw", S.DRAFT, S.WITHDRAWN, set()),
    ("withdraw", S.SUBMITTED, S.WITHDRAWN, {"exporter", "staff"}),
    ("withdraw", S.UNDER_REVIEW, S.WITHDRAWN, {"exporter", "staff"}),
    ("withdraw", S.INFO_REQUESTED, S.WITHDRAWN, {"exporter", "staff"}),
    ("withdraw", S.REFERRED, S.WITHDRAWN, {"exporter", "staff", "partner"}),
    ("start_review", S.SUBMITTED, S.UNDER_REVIEW, {"exporter"}),
    ("request_information", S.UNDER_REVIEW, S.INFO_REQUESTED, {"exporter"}),
    ("refer", S.UNDER_REVIEW, S.REFERRED, {"exporter", "partner"}),
    ("decline", S.UNDER_REVIEW, S.DECLINED, {"exporter"}),
    ("partner_accept", S.REFERRED, S.ACCEPTED, {"exporter", "staff"}),
    ("partner_decline", S.REFERRED, S.DECLINED, {"exporter", "staff"}),
]
ACTOR_OF_MOVE = {
    "submit": "exporter",
    "answer": "exporter",
    "withdraw": "exporter",
    "start_review": "staff",
    "request_information": "staff",
    "refer": "staff",
    "decline": "staff",
    "partner_accept": "partner",
    "partner_decline": "partner",
}


@dataclass
class World:
    """Everyone who might touch one application."""

    marketplace: object
    company: object
    users: dict


@pytest.fixture
def world(app, db):
    marketplace = MarketplaceFactory(name="Fjord Market")
    other_marketplace = MarketplaceFactory(name="Elsewhere Bazaar")
    company = ApplicantCompanyFactory()
    other_company = ApplicantCompanyFactory()
    users = {
        "exporter": company.members[0].user,
        "other_exporter": other_company.members[0].user,
        "staff": UserFactory(role=Role.STAFF, full_name="Sam Staff"),
        "admin": UserFactory(role=Role.ADMIN, full_name="Ada Admin"),
        "partner": PartnerAccountFactory(marketplace=marketplace).user,
        "other_partner": PartnerAccountFactory(marketplace=other_marketplace).user,
        "buyer": UserFactory(role=Role.BUYER),
    }
    db.session.commit()
    with app.test_request_context():
        yield World(marketplace, company, users)


def make_application(world: World, status: ApplicationStatus, **kwargs) -> Application:
    application = ApplicationFactory(
        marketplace=world.marketplace, company=world.company, status=status, **kwargs
    )
    from tradehub.extensions import db

    db.session.commit()
    return application


def call_move(move: str, application: Application, user, **kwargs):
    """Call the move's service function with a message when it takes one."""
    function = workflow.MOVE_FUNCTIONS[move]
    if move in {"submit", "start_review"}:
        return function(application, user, **kwargs)
    return function(application, user, "Because we checked it carefully.", **kwargs)


def event_count(db, application) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id)
    )


@pytest.mark.parametrize(
    ("move", "source", "target", "told"),
    TRANSITIONS,
    ids=[f"{m}-from-{s.value}" for m, s, _t, _w in TRANSITIONS],
)
def test_allowed_move_changes_state_writes_audit_row_and_emails(
    world, db, mailbox, move, source, target, told
):
    application = make_application(world, source)
    actor = world.users[ACTOR_OF_MOVE[move]]
    before = event_count(db, application)

    event = call_move(move, application, actor)
    db.session.commit()
    process_after_commit()

    db.session.refresh(application)
    assert application.status == target
    assert event_count(db, application) == before + 1
    assert (event.actor_id, event.from_status, event.to_status) == (actor.id, source, target)
    assert event.kind == EventKind.STATUS and event.created_at is not None
    if move not in {"submit", "start_review"}:
        assert event.message == "Because we checked it carefully."

    expected = {
        "exporter": [world.users["exporter"].email],
        # Nobody is assigned, so every active member of staff hears (admins included).
        "staff": [world.users["staff"].email, world.users["admin"].email],
        "partner": [world.users["partner"].email],
    }
    for who in told:
        for address in expected[who]:
            assert mailbox.wait_for(address), f"{who} was not emailed after {move}"
    for who in {"exporter", "staff", "partner"} - told:
        for address in expected[who]:
            assert not mailbox.to(address), f"{who} should not be emailed after {move}"
    assert not mailbox.to(world.users["other_partner"].email)


@pytest.mark.parametrize("role", ROLES)
def test_every_other_role_state_and_move_is_refused(world, db, role):
    # One test per role (an app per test is slow to build); inside it, every state and move.
    user = world.users[role]
    for state in S:
        # Declined and withdrawn applications that once reached the marketplace are included:
        # the partner sees them, but can no longer move them.
        application = make_application(world, state, referred=state in {S.DECLINED, S.WITHDRAWN})
        version = application.version
        allowed = ALLOWED.get((role, state), set())
        for move in MOVES:
            if move in allowed:
                continue
            with pytest.raises((PermissionDenied, NotAllowed)):
                call_move(move, application, user)
            db.session.rollback()
            db.session.refresh(application)
            assert application.status == state, f"{role} made {move} from {state}"
            assert application.version == version, f"{role} changed the row with {move}"
        assert event_count(db, application) == 0, (role, state)
        # Close it (test set-up, not a move) so the next state's application may be open.
        application.status = S.WITHDRAWN
        db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0


def test_available_moves_match_the_table(world, db):
    # The buttons people are shown come from the same rules the services enforce.
    for state in S:
        application = make_application(world, state)
        for role in ROLES:
            names = {m.name for m in workflow.available_moves(application, world.users[role])}
            assert names == ALLOWED.get((role, state), set()), (role, state)
        application.status = S.WITHDRAWN  # close it so the next state's application may open
        db.session.commit()


def test_staff_cannot_decline_straight_from_submitted(world, db):
    application = make_application(world, S.SUBMITTED)
    with pytest.raises(NotAllowed, match="submitted"):
        workflow.decline_application(application, world.users["staff"], "Not a fit")


@pytest.mark.parametrize(
    ("move", "state", "role", "field_label"),
    [
        ("answer", S.INFO_REQUESTED, "exporter", "answer"),
        ("request_information", S.UNDER_REVIEW, "staff", "question"),
        ("decline", S.UNDER_REVIEW, "staff", "reason"),
        ("partner_decline", S.REFERRED, "partner", "reason"),
    ],
)
def test_moves_that_need_a_message_refuse_a_blank_one(world, db, move, state, role, field_label):
    application = make_application(world, state)
    with pytest.raises(ValidationFailed, match=field_label):
        workflow.MOVE_FUNCTIONS[move](application, world.users[role], "   ")
    db.session.rollback()
    db.session.refresh(application)
    assert application.status == state


def test_the_same_form_sent_twice_moves_once(world, db, mailbox):
    application = make_application(world, S.DRAFT)
    exporter = world.users["exporter"]
    first = workflow.submit_application(
        application, exporter, token="tok-1", expected_version=application.version
    )
    db.session.commit()
    again = workflow.submit_application(application, exporter, token="tok-1", expected_version=1)
    db.session.commit()
    process_after_commit()
    assert first is not None and again is None
    assert event_count(db, application) == 1
    assert len(mailbox.wait_for(exporter.email)) == 1
    # A different form (new token) is refused: the application is no longer a draft.
    with pytest.raises(NotAllowed):
        workflow.submit_application(application, exporter, token="tok-2")


def test_submitting_sets_the_response_deadline_and_staff_response_clears_it(world, db):
    application = make_application(world, S.DRAFT)
    workflow.submit_application(application, world.users["exporter"])
    db.session.commit()
    assert application.response_due_at is not None
    assert application.response_due_at > application.submitted_at
    workflow.start_review(application, world.users["staff"])
    db.session.commit()
    assert application.response_due_at is not None  # starting a review is not a response
    assert application.assigned_to_id == world.users["staff"].id
    workflow.request_information(application, world.users["staff"], "Which countries?")
    db.session.commit()
    assert application.response_due_at is None
    assert application.first_response_at is not None


def test_an_incomplete_draft_cannot_be_submitted(world, db):
    application = make_application(world, S.DRAFT, pitch="", steps_completed=3)
    with pytest.raises(ValidationFailed, match="Your export experience"):
        workflow.submit_application(application, world.users["exporter"])
