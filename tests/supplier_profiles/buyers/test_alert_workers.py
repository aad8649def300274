"""`flask alerts send` from several workers at once: rows are claimed with SKIP LOCKED, so a
saved search one worker holds is skipped by the other, and running two together sends each
alert exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplier_profiles.buyers.jobs import run_jobs
from supplier_profiles.buyers.models import AlertFrequency, SavedSearch, SavedSearchSeen
from tests.factories import BuyerFactory
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.db_types import utcnow
from tradehub.extensions import db as _db
from tradehub.mail import OutboxEmail
from tradehub.outbox import claim


def due_searches(db, count: int) -> list[SavedSearch]:
    """`count` buyers, each with a due daily search for cheese that has seen nothing yet."""
    for n in range(3):
        make_company(name=f"Cheese Maker {n}", slug=f"cheese-maker-{n}", summary="Fine cheese.")
    searches = []
    for n in range(count):
        buyer = BuyerFactory(email=f"worker-buyer-{n}@importer.example")
        db.session.flush()
        saved = SavedSearch(
            user_id=buyer.id,
            name=f"Cheese {n}",
            query_text="cheese",
            filters={},
            frequency=AlertFrequency.DAILY,
            next_attempt_at=utcnow() - timedelta(minutes=1),
        )
        db.session.add(saved)
        searches.append(saved)
    db.session.commit()
    return searches


def test_two_workers_send_each_alert_exactly_once(app, db):
    searches = due_searches(db, 12)
    reports, errors = [], []
    start = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            try:
                start.wait(timeout=10)
                reports.append(run_jobs())
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(r.alerts_run for r in reports) == 12
    assert sum(r.alert_mails for r in reports) == 12
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 12
    recipients = sorted(db.session.scalars(select(OutboxEmail.to_address)))
    assert recipients == sorted(s.user.email for s in searches)
    # Every search recorded its three suppliers once.
    assert db.session.scalar(select(func.count()).select_from(SavedSearchSeen)) == 36


def test_a_search_held_by_one_worker_is_skipped_by_the_other(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) are PostgreSQL's; SQLite locks the whole file")
    searches = due_searches(db, 3)
    held_id = searches[0].id
    holding, release = threading.Event(), threading.Event()
    errors = []

    def holder() -> None:
        with app.app_context():
            try:
                [row] = claim(SavedSearch, SavedSearch.id == held_id, limit=1)
                assert row.id == held_id
                holding.set()
                release.wait(timeout=30)
                _db.session.rollback()
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
                holding.set()
            finally:
                _db.session.remove()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(timeout=10)
    try:
        report = run_jobs()
        other_session_mails = set(_db.session.scalars(select(OutboxEmail.to_address)))
    finally:
        release.set()
        thread.join(timeout=30)
    assert errors == []
    assert report.alerts_run == 2
    assert other_session_mails == {s.user.email for s in searches[1:]}
    # Released, the held search is done by the next run.
    assert run_jobs().alerts_run == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 3
