"""Two members of staff moving the same application at the same moment.

On PostgreSQL the move functions lock the row (`SELECT ... FOR UPDATE`): the second waits for
the first to commit, then sees the new version and gets a Conflict. On SQLite (no row locks)
the `version` column catches the race at UPDATE time. Either way exactly one move happens, the
loser is told clearly, and the audit trail holds exactly one row for it.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import select

from marketplaces.applications import workflow
from marketplaces.applications.models import Application, ApplicationEvent, ApplicationStatus
from tests.factories import ApplicationFactory, MarketplaceFactory, UserFactory
from tradehub.accounts.models import Role, User
from tradehub.errors import Conflict

S = ApplicationStatus
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def _in_own_session(app, fn):
    """Run fn() in a new app context, so it has its own session and database connection."""
    from tradehub.extensions import db

    with app.test_request_context():
        try:
            return fn(db)
        finally:
            db.session.remove()


def _setup(db, n: int = 1):
    marketplace = MarketplaceFactory()
    first = UserFactory(role=Role.STAFF, full_name="First Staff")
    second = UserFactory(role=Role.STAFF, full_name="Second Staff")
    applications = [
        ApplicationFactory(marketplace=marketplace, status=S.UNDER_REVIEW) for _ in range(n)
    ]
    db.session.commit()
    return [a.id for a in applications], first.id, second.id


def _status_events(db, application_id: int) -> list[ApplicationEvent]:
    db.session.expire_all()
    return db.session.scalars(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == application_id)
        .order_by(ApplicationEvent.id)
    ).all()


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="row locks need PostgreSQL (TEST_DATABASE_URL)")
def test_second_staff_waits_for_the_row_lock_then_gets_a_conflict(app, db):
    (application_id,), first_id, second_id = _setup(db)
    first_holds_lock = threading.Event()
    results: dict = {}

    def first(db):
        application = db.session.get(Application, application_id)
        user = db.session.get(User, first_id)
        workflow.refer_to_marketplace(application, user, "Strong brand.", expected_version=1)
        first_holds_lock.set()
        time.sleep(0.6)  # keep the row locked while the second tries
        db.session.commit()
        results["first"] = "moved"

    def second(db):
        assert first_holds_lock.wait(10)
        application = db.session.get(Application, application_id)  # still version 1 here
        user = db.session.get(User, second_id)
        started = time.monotonic()
        try:
            workflow.request_information(application, user, "Which countries?", expected_version=1)
            db.session.commit()
            results["second"] = "moved"
        except Conflict as exc:
            db.session.rollback()
            results["second"] = exc
        results["waited"] = time.monotonic() - started

    threads = [threading.Thread(target=_in_own_session, args=(app, fn)) for fn in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)

    assert results["first"] == "moved"
    assert isinstance(results["second"], Conflict)
    assert results["waited"] >= 0.4, "the second move did not wait for the row lock"
    message = str(results["second"])
    assert "Someone else changed this application first" in message
    assert "Referred to the marketplace" in message and "First Staff" in message
    events = _status_events(db, application_id)
    assert [(e.move, e.from_status, e.to_status, e.actor_id) for e in events] == [
        ("refer", S.UNDER_REVIEW, S.REFERRED, first_id)
    ]
    application = db.session.get(Application, application_id)
    assert (application.status, application.version) == (S.REFERRED, 2)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="row locks need PostgreSQL (TEST_DATABASE_URL)")
def test_simultaneous_moves_by_two_staff_exactly_one_wins(app, db):
    application_ids, first_id, second_id = _setup(db, n=4)
    for application_id in application_ids:
        barrier = threading.Barrier(2, timeout=10)
        outcomes: dict = {}

        def attempt(
            name,
            user_id,
            move,
            message,
            application_id=application_id,
            barrier=barrier,
            outcomes=outcomes,
        ):
            def run(db):
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                version = application.version
                barrier.wait()  # both have read version 1; now both move at once
                try:
                    workflow.MOVE_FUNCTIONS[move](
                        application, user, message, expected_version=version
                    )
                    db.session.commit()
                    outcomes[name] = "moved"
                except Conflict as exc:
                    db.session.rollback()
                    outcomes[name] = exc

            return lambda: _in_own_session(app, run)

        threads = [
            threading.Thread(target=attempt("first", first_id, "decline", "Not a fit.")),
            threading.Thread(target=attempt("second", second_id, "refer", "Good fit.")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)

        winners = [name for name, outcome in outcomes.items() if outcome == "moved"]
        losers = [o for o in outcomes.values() if isinstance(o, Conflict)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        events = _status_events(db, application_id)
        assert len(events) == 1 and events[0].from_status == S.UNDER_REVIEW
        winner_id = first_id if winners == ["first"] else second_id
        assert events[0].actor_id == winner_id
        assert db.session.get(Application, application_id).status == events[0].to_status


@pytest.mark.skipif(
    ON_POSTGRES,
    reason="on PostgreSQL the row lock serialises the moves "
    "(tests above); this is SQLite's optimistic path",
)
def test_without_row_locks_the_version_column_turns_a_lost_race_into_a_conflict(
    app, db, monkeypatch
):
    (application_id,), first_id, second_id = _setup(db)
    second_has_read = threading.Event()
    first_committed = threading.Event()
    real_check_move = workflow.check_move

    def check_move_pausing_the_second(application, move_name, user):
        # The second staff member has read version 1; the first now moves and commits.
        if threading.current_thread().name == "second":
            second_has_read.set()
            assert first_committed.wait(10)
        return real_check_move(application, move_name, user)

    monkeypatch.setattr(workflow, "check_move", check_move_pausing_the_second)
    results: dict = {}

    def first(db):
        assert second_has_read.wait(10)
        workflow.refer_to_marketplace(
            db.session.get(Application, application_id), db.session.get(User, first_id), "Good fit."
        )
        db.session.commit()
        first_committed.set()

    def second(db):
        try:
            workflow.decline_application(
                db.session.get(Application, application_id),
                db.session.get(User, second_id),
                "Not a fit.",
            )
            db.session.commit()
            results["second"] = "moved"
        except Conflict as exc:
            db.session.rollback()
            results["second"] = exc

    threads = [
        threading.Thread(target=_in_own_session, args=(app, fn), name=name)
        for name, fn in (("first", first), ("second", second))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)

    assert isinstance(results["second"], Conflict)
    assert "Someone else changed this application first" in str(results["second"])
    events = _status_events(db, application_id)
    assert [(e.move, e.actor_id) for e in events] == [("refer", first_id)]
    assert db.session.get(Application, application_id).status == S.REFERRED
