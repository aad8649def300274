"""Retention the privacy notice promises: the page reads the settings, and the daily commands
delete account audit entries and sent emails older than them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import UserFactory
from tradehub.accounts.models import AccountAuditEntry
from tradehub.db_types import utcnow
from tradehub.mail import OutboxEmail


def test_privacy_notice_states_the_retention_the_settings_hold(app, client):
    app.config.update(
        AUDIT_RETENTION_DAYS=400, OUTBOX_RETENTION_DAYS=45, TWO_FACTOR_REMEMBER_DAYS=30
    )
    page = client.get("/privacy").get_data(as_text=True)
    assert "400 days, then deleted" in page  # no thousands separator to format
    assert "45 days after they are sent" in page
    assert "skip the code for 30 days" in page
    hours = app.config["SESSION_IDLE_TIMEOUT"] // 3600
    assert f"after {hours} hours without using the site" in page


def test_prune_audit_deletes_entries_older_than_the_setting(app, db, runner):
    app.config["AUDIT_RETENTION_DAYS"] = 30
    user = UserFactory()
    now = utcnow()
    for age in (40, 31, 29, 1):
        db.session.add(
            AccountAuditEntry(
                action="role_changed", subject_id=user.id, subject_email=user.email,
                created_at=now - timedelta(days=age),
            )
        )  # fmt: skip
    db.session.commit()
    result = runner.invoke(args=["users", "prune-audit"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 audit entries older than 30 days" in result.output
    db.session.expire_all()
    ages = sorted((now - e.created_at).days for e in db.session.scalars(select(AccountAuditEntry)))
    assert ages == [1, 29]


def test_prune_outbox_deletes_old_sent_and_given_up_emails_only(app, db, runner):
    app.config["OUTBOX_RETENTION_DAYS"] = 10
    now = utcnow()
    old = now - timedelta(days=11)

    def email(subject, **kwargs):
        db.session.add(
            OutboxEmail(to_address="a@example.com", subject=subject, body_text="x", **kwargs)
        )

    email("old sent", sent_at=old, created_at=old)
    email("recent sent", sent_at=now - timedelta(days=2))
    email("old given up", created_at=old, attempts=OutboxEmail.MAX_ATTEMPTS)
    email("old still trying", created_at=old, attempts=1)
    db.session.commit()
    result = runner.invoke(args=["outbox", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 email(s) older than 10 days" in result.output
    db.session.expire_all()
    left = sorted(db.session.scalars(select(OutboxEmail.subject)))
    assert left == ["old still trying", "recent sent"]
