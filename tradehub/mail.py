"""Email outbox: messages are rows written in the request's transaction and sent after commit.

If sending fails (SMTP down), the row stays unsent and `flask outbox send` retries it with
back-off. With no MAIL_SERVER configured (development) messages are written to the log.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.after_commit import run_after_commit
from tradehub.db_types import utcnow
from tradehub.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class OutboxEmail(db.Model):
    """One email waiting to be sent, or the record that it was."""

    __tablename__ = "email_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} to={self.to_address!r} sent={self.sent_at is not None}>"


def queue_email(
    to: str, subject: str, template: str, reply_to: str | None = None, **context
) -> OutboxEmail:
    """Render `templates/email/<template>.txt` and add it to the outbox in this transaction."""
    body = render_template(f"email/{template}.txt", **context)
    message = OutboxEmail(to_address=to, subject=subject, body_text=body, reply_to=reply_to)
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    run_after_commit(lambda: send_outbox(ids=[message_id]))
    return message


def _smtp_send(app_config, row: OutboxEmail) -> None:
    msg = EmailMessage()
    msg["From"] = app_config["MAIL_DEFAULT_SENDER"]
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(domain="tradehub")
    if row.reply_to:
        msg["Reply-To"] = row.reply_to
    msg.set_content(row.body_text)
    with smtplib.SMTP(
        app_config["MAIL_SERVER"], app_config["MAIL_PORT"], timeout=app_config["MAIL_TIMEOUT"]
    ) as smtp:
        if app_config["MAIL_USE_TLS"]:
            smtp.starttls()
        if app_config["MAIL_USERNAME"]:
            smtp.login(app_config["MAIL_USERNAME"], app_config["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)


def send_outbox(ids: list[int] | None = None, limit: int = 100) -> tuple[int, int]:
    """Send due unsent messages (or just `ids`); commit per message. Returns (sent, failed)."""
    config = current_app.config
    now = utcnow()
    stmt = select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
    if ids is not None:
        stmt = stmt.where(OutboxEmail.id.in_(ids))
    else:
        stmt = stmt.where(
            OutboxEmail.next_attempt_at <= now, OutboxEmail.attempts < MAX_ATTEMPTS
        ).limit(limit)
    # Several workers may drain at once: each claims rows the others have not locked.
    stmt = stmt.order_by(OutboxEmail.id).with_for_update(skip_locked=True)
    sent = failed = 0
    for row in db.session.scalars(stmt).all():
        row.attempts += 1
        try:
            if config["MAIL_SERVER"]:
                _smtp_send(config, row)
            else:
                log.info(
                    "Email (not sent, no MAIL_SERVER) to=%s subject=%s\n%s",
                    row.to_address,
                    row.subject,
                    row.body_text,
                )
        except (OSError, smtplib.SMTPException) as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"
            row.next_attempt_at = utcnow() + timedelta(minutes=2 ** min(row.attempts, 10))
            failed += 1
            log.warning("Sending email %s failed (attempt %s): %s", row.id, row.attempts, exc)
        else:
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


outbox_cli = AppGroup("outbox", help="Email outbox: send what is waiting.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to send in one run.")
def send_command(limit: int) -> None:
    """Send every due unsent email, retrying failures with back-off."""
    sent, failed = send_outbox(limit=limit)
    click.echo(f"Sent {sent} email(s); {failed} failed and will be retried.")


@outbox_cli.command("status")
def status_command() -> None:
    """Show how many emails are waiting and how many gave up."""
    waiting = db.session.scalar(
        select(db.func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
    )
    dead = db.session.scalar(
        select(db.func.count())
        .select_from(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts >= MAX_ATTEMPTS)
    )
    click.echo(f"Waiting: {waiting}; given up after {MAX_ATTEMPTS} attempts: {dead}")
