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


def test_a_live_server_runs_the_work_once_the_response_is_sent_not_when_the_client_hangs_up(
    app, live_server
):
    import socket
    import threading

    from tradehub.extensions import db

    more_sent = threading.Event()
    done = threading.Event()

    @app.get("/after-commit-probe")
    def probe():
        run_after_commit(done.set)
        db.session.commit()
        more_sent.wait(timeout=5)
        return "saved"

    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as client:
        client.sendall(b"GET /after-commit-probe HTTP/1.1\r\nHost: localhost\r\n\r\n")
        # Bytes after the request (a browser's next request on a kept-alive connection) make
        # Werkzeug's server drain the socket until the client hangs up before it closes the
        # response; the work must not wait for that.
        client.sendall(b"GET / HTTP/1.1\r\n")
        more_sent.set()
        received = b""
        while b"saved" not in received:
            chunk = client.recv(65536)
            assert chunk, received
            received += chunk
        assert done.wait(timeout=5)
