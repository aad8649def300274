"""Side effects run once, after the real commit: not on a savepoint, never on rollback."""

from tradehub.after_commit import process_after_commit, run_after_commit


def test_callbacks_wait_for_the_outer_commit_not_a_savepoint(db):
    from tests.factories import UserFactory

    ran = []
    with db.session.begin_nested():
        UserFactory()
        run_after_commit(lambda: ran.append("saved"))
    process_after_commit()
    assert ran == []  # only a savepoint was released
    db.session.commit()
    process_after_commit()
    assert ran == ["saved"]


def test_callbacks_of_a_rolled_back_transaction_never_run(db):
    from tests.factories import UserFactory

    ran = []
    UserFactory()  # the work the callback belongs to, flushed in this transaction
    run_after_commit(lambda: ran.append("lost"))
    db.session.rollback()
    db.session.commit()
    process_after_commit()
    assert ran == []


def test_rolling_back_a_savepoint_keeps_work_queued_before_it(db):
    from tests.factories import UserFactory

    ran = []
    UserFactory()
    run_after_commit(lambda: ran.append("kept"))
    savepoint = db.session.begin_nested()
    UserFactory()
    savepoint.rollback()
    db.session.commit()
    process_after_commit()
    assert ran == ["kept"]
