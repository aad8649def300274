"""Email outbox: messages are rows written in the request's transaction and sent after commit.

The messages one transaction queues are sent together after it commits, over one SMTP
connection, once the response has gone. If sending fails (SMTP down), the row stays unsent and
`flask outbox send` retries it with back-off (`tradehub.outbox`). With no MAIL_SERVER configured
messages are written to the log: whole bodies only in development (they carry reset,
confirmation and invitation tokens), elsewhere only the address and subject. Production
refuses to start without MAIL_SERVER (tradehub.config).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from sqlalchemy import JSON, String, Text, and_, delete, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.after_commit import collect_after_commit
from tradehub.db_types import utcnow
from tradehub.extensions import db
from tradehub.outbox import OutboxMixin, claim, record_failure

log = logging.getLogger(__name__)


SUBJECT_MAX = 255  # the outbox column; subjects built from company names can be longer


class OutboxEmail(OutboxMixin, db.Model):
    """One email waiting to be sent, or the record that it was."""

    __tablename__ = "email_outbox"

    # Back-off 2, 4, 8 ... minutes, at most 1024 minutes; give up after 8 attempts.
    RETRY_BASE_SECONDS = 120
    RETRY_MAX_SECONDS = 1024 * 60
    MAX_ATTEMPTS = 8

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    body_text: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    # Extra headers, e.g. List-Unsubscribe on alert mails: {"Name": "value"}.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} to={self.to_address!r} sent={self.sent_at is not None}>"


def fit_subject(subject: str) -> str:
    """One line, at most SUBJECT_MAX characters (cut with an ellipsis)."""
    line = " ".join(subject.split())
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1].rstrip() + "…"


def queue_email(
    to: str,
    subject: str,
    template: str,
    reply_to: str | None = None,
    headers: Mapping[str, str] | None = None,
    **context,
) -> OutboxEmail:
    """Render `templates/email/<template>.txt` and add it to the outbox in this transaction."""
    body = render_template(f"email/{template}.txt", **context)
    message = OutboxEmail(
        to_address=to,
        subject=fit_subject(subject),
        body_text=body,
        reply_to=reply_to,
        headers=dict(headers) if headers else None,
    )
    db.session.add(message)
    db.session.flush()
    collect_after_commit("tradehub.mail", message.id, _send_committed)
    return message


def _send_committed(ids: list[int]) -> None:
    send_outbox(ids=ids)


class SmtpConnection:
    """One SMTP session for a batch: opened for the first message, reopened once if dropped.

    When the server cannot be reached, every later message of the batch fails with the same
    error at once instead of waiting for its own connection timeout.
    """

    def __init__(self, config: Mapping[str, Any]):
        self.config = config
        self._smtp: smtplib.SMTP | None = None
        self._down: Exception | None = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        try:
            smtp = smtplib.SMTP(
                config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
            )
            try:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            except BaseException:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as exc:
            self._down = exc
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message, reconnecting once if the server closed a reused connection."""
        if self._down is not None:
            raise self._down
        if self._smtp is None:
            self._smtp = self._connect()
            self._smtp.send_message(message)
            return
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
            # 421: the server is closing this (idle or used-up) connection; any other reply
            # is about the message itself.
            if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code != 421:
                raise
            self._smtp.close()
            self._smtp = self._connect()
            self._smtp.send_message(message)

    def close(self) -> None:
        """Say goodbye to the server, if a connection is open."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None


def _message(config: Mapping[str, Any], row: OutboxEmail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config["MAIL_DEFAULT_SENDER"]
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(domain="tradehub")
    if row.reply_to:
        msg["Reply-To"] = row.reply_to
    for name, value in (row.headers or {}).items():
        msg[name] = value
    msg.set_content(row.body_text)
    return msg


def send_outbox(ids: Sequence[int] | None = None, limit: int = 100) -> tuple[int, int]:
    """Send due unsent messages (at most `limit`), or just `ids`, over one SMTP connection.

    Each message is claimed, sent and committed on its own, so a crash never resends what was
    already recorded as sent and other workers skip what this one holds. Returns (sent, failed).
    """
    config = current_app.config
    sent = failed = 0
    last_id = 0
    with SmtpConnection(config) as smtp:
        while ids is not None or sent + failed < limit:
            rows = claim(
                OutboxEmail, OutboxEmail.sent_at.is_(None), limit=1, ids=ids, after_id=last_id
            )
            if not rows:
                db.session.commit()
                break
            row = rows[0]
            last_id = row.id
            try:
                if config["MAIL_SERVER"]:
                    smtp.send(_message(config, row))
                elif config.get("TRADEHUB_ENV") == "development":
                    # Only on a developer's machine: bodies hold live sign-in links.
                    log.info(
                        "Email (not sent, no MAIL_SERVER) to=%s subject=%s\n%s",
                        row.to_address,
                        row.subject,
                        row.body_text,
                    )
                else:
                    log.info(
                        "Email (not sent, no MAIL_SERVER) to=%s subject=%s; body not logged: "
                        "it may hold a live sign-in or reset link",
                        row.to_address,
                        row.subject,
                    )
            except (OSError, smtplib.SMTPException) as exc:
                record_failure([row], exc, utcnow())
                failed += 1
                log.warning("Sending email %s failed (attempt %s): %s", row.id, row.attempts, exc)
            else:
                row.attempts += 1
                row.sent_at = utcnow()
                row.last_error = None
                sent += 1
            db.session.commit()
    return sent, failed


def send_due_batch(limit: int = 100) -> int:
    """One batch of due emails (the `email-outbox` job of `flask worker`); messages tried."""
    sent, failed = send_outbox(limit=limit)
    return sent + failed


outbox_cli = AppGroup("outbox", help="Email outbox: send what is waiting.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to send in one run.")
def send_command(limit: int) -> None:
    """Send every due unsent email over one SMTP connection, retrying failures with back-off."""
    sent, failed = send_outbox(limit=limit)
    click.echo(f"Sent {sent} email(s); {failed} failed and will be retried.")


@outbox_cli.command("status")
def status_command() -> None:
    """Show how many emails are waiting and how many gave up."""
    waiting = db.session.scalar(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
    )
    dead = db.session.scalar(
        select(func.count())
        .select_from(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts >= OutboxEmail.MAX_ATTEMPTS)
    )
    click.echo(f"Waiting: {waiting}; given up after {OutboxEmail.MAX_ATTEMPTS} attempts: {dead}")


def prune_outbox(days: int, now: datetime | None = None) -> int:
    """Delete emails sent more than `days` ago, and ones that gave up that long ago (issue 16).

    The privacy notice promises this retention (OUTBOX_RETENTION_DAYS); run it daily.
    """
    cutoff = (now or utcnow()) - timedelta(days=days)
    gave_up = and_(
        OutboxEmail.sent_at.is_(None),
        OutboxEmail.attempts >= OutboxEmail.MAX_ATTEMPTS,
        OutboxEmail.created_at < cutoff,
    )
    result = db.session.execute(
        delete(OutboxEmail).where(or_(OutboxEmail.sent_at < cutoff, gave_up))
    )
    return result.rowcount or 0


@outbox_cli.command("prune")
def prune_command() -> None:
    """Delete emails older than OUTBOX_RETENTION_DAYS (sent, or given up); run daily."""
    days = current_app.config["OUTBOX_RETENTION_DAYS"]
    removed = prune_outbox(days)
    db.session.commit()
    click.echo(f"Deleted {removed} email(s) older than {days} days.")
