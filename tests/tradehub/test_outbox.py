"""The outbox base and the email outbox: claiming, back-off, one SMTP connection per batch, and
mail sent only after the response."""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, free_port
from tradehub.db_types import utcnow
from tradehub.mail import OutboxEmail, send_outbox
from tradehub.outbox import claim, record_failure, retry_delay


@pytest.fixture
def smtp_connections(monkeypatch) -> list[smtplib.SMTP]:
    """Every SMTP connection the app opens during the test."""
    opened: list[smtplib.SMTP] = []

    class CountingSMTP(smtplib.SMTP):
        def __init__(self, *args, **kwargs):
            opened.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(smtplib, "SMTP", CountingSMTP)
    return opened


def _queue(db, *addresses: str) -> list[OutboxEmail]:
    rows = [OutboxEmail(to_address=a, subject="Hello", body_text="Hi") for a in addresses]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_retry_delay_doubles_up_to_the_cap():
    assert [retry_delay(n, 5, 600).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == [
        5,
        10,
        20,
        40,
        600,
        600,
    ]


def test_a_failure_counts_an_attempt_keeps_the_error_and_backs_off(db):
    [row] = _queue(db, "a@example.com")
    now = utcnow()
    record_failure([row], ConnectionRefusedError("refused"), now)
    assert row.attempts == 1
    assert row.last_error == "ConnectionRefusedError: refused"
    assert row.next_attempt_at == now + timedelta(seconds=OutboxEmail.RETRY_BASE_SECONDS)
    record_failure([row], ConnectionRefusedError("refused"), now)
    assert row.next_attempt_at == now + timedelta(seconds=2 * OutboxEmail.RETRY_BASE_SECONDS)


def test_claim_takes_due_rows_oldest_first_and_skips_given_up_or_waiting_ones(db):
    due, waiting, given_up, sent = _queue(db, "a@x.test", "b@x.test", "c@x.test", "d@x.test")
    waiting.next_attempt_at = utcnow() + timedelta(hours=1)
    given_up.attempts = OutboxEmail.MAX_ATTEMPTS
    sent.sent_at = utcnow()
    db.session.commit()

    unsent = OutboxEmail.sent_at.is_(None)
    assert claim(OutboxEmail, unsent, limit=10) == [due]
    db.session.commit()
    # Named rows are claimed whether due or not; after_id pages through a batch.
    assert claim(OutboxEmail, unsent, limit=None, ids=[waiting.id, due.id]) == [due, waiting]
    db.session.commit()
    assert claim(OutboxEmail, unsent, limit=1, after_id=due.id, due_only=False) == [waiting]
    db.session.commit()


def test_claim_skips_rows_another_worker_holds(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer, taken before claiming")
    held, free = _queue(db, "held@example.com", "free@example.com")
    with Session(db.engine) as other_worker:
        other_worker.scalars(
            select(OutboxEmail).where(OutboxEmail.id == held.id).with_for_update()
        ).all()
        assert claim(OutboxEmail, limit=10) == [free]
        db.session.rollback()
        other_worker.rollback()
    assert claim(OutboxEmail, limit=10) == [held, free]
    db.session.rollback()


def test_the_cli_sends_a_batch_over_one_smtp_connection(db, runner, mailbox, smtp_connections):
    _queue(db, "one@example.com", "two@example.com", "three@example.com")
    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 3 email(s); 0 failed" in result.output
    for address in ("one@example.com", "two@example.com", "three@example.com"):
        mailbox.wait_for(address)
    assert len(smtp_connections) == 1


def test_a_dropped_connection_is_reopened_once_and_the_batch_goes_on(
    db, app, mailbox, smtp_connections, monkeypatch
):
    _queue(db, "one@example.com", "two@example.com", "three@example.com")
    real_send = smtplib.SMTP.send_message
    dropped = []

    def send_then_drop(self, msg, *args, **kwargs):
        result = real_send(self, msg, *args, **kwargs)
        if not dropped:  # the server hangs up after the first message
            dropped.append(msg["To"])
            self.sock.shutdown(socket.SHUT_RDWR)
        return result

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_then_drop)
    assert send_outbox() == (3, 0)
    for address in ("one@example.com", "two@example.com", "three@example.com"):
        mailbox.wait_for(address)
    assert len(smtp_connections) == 2


def test_when_smtp_is_down_the_batch_fails_after_one_connection_attempt(
    db, app, mailbox, smtp_connections
):
    rows = _queue(db, "one@example.com", "two@example.com")
    app.config["MAIL_PORT"] = free_port()  # nothing listens here
    assert send_outbox() == (0, 2)
    assert len(smtp_connections) == 1
    for row in rows:
        db.session.refresh(row)
        assert row.sent_at is None and row.attempts == 1 and "Connection" in row.last_error


def test_mail_is_sent_after_the_response_not_before(client, db, mailbox):
    response = client.post_form(
        "/account/register",
        {
            "full_name": "Ada Lovelace",
            "email": "later@example.com",
            "role": "exporter",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
        buffered=False,  # the response is not closed yet: a server is still sending it
    )
    assert response.status_code == 302
    row = db.session.scalar(
        select(OutboxEmail).where(OutboxEmail.to_address == "later@example.com")
    )
    assert row.sent_at is None and row.attempts == 0
    assert mailbox.to("later@example.com") == []

    response.close()  # what the WSGI server does once the last byte has gone

    mailbox.wait_for("later@example.com")
    db.session.refresh(row)
    assert row.sent_at is not None


def test_status_counts_waiting_and_given_up_emails(db, runner):
    _, given_up = _queue(db, "waiting@example.com", "given-up@example.com")
    given_up.attempts = OutboxEmail.MAX_ATTEMPTS
    db.session.commit()
    result = runner.invoke(args=["outbox", "status"])
    assert "Waiting: 2; given up after 8 attempts: 1" in result.output
