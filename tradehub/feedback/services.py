"""Storing feedback, the spam defences of its forms, and the staff workflow.

The public forms share the defences the supplier contact form uses, kept here in the core so
any feature's form can use them: a honeypot, and a signed timestamp of when the form was shown
(refused when sent faster than a person types, or a day later). The per-IP rate limit
(FEEDBACK_RATE_LIMIT, shared by every feedback form) is counted in Flask-Limiter's storage and
refused beside a field, so what was typed is kept. Nothing here commits: the view does.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import Select, delete, select
from sqlalchemy.orm.exc import StaleDataError

from tradehub import form_defences
from tradehub.db_types import utcnow
from tradehub.errors import Conflict
from tradehub.extensions import db
from tradehub.feedback.models import FeedbackItem, FeedbackKind, FeedbackStatus
from tradehub.mail import queue_email
from tradehub.security import is_safe_redirect

PAGE_MAX = 500
_TOKEN_SALT = "tradehub-feedback-form"  # noqa: S105 (a salt naming the purpose, not a secret)


def check_rate_limit(sender_ip: str, field: str) -> None:
    """Count one feedback form from this IP address against FEEDBACK_RATE_LIMIT (shared by every
    feedback form); refuse it, beside `field`, when the limit is used up, so the page keeps what
    was typed and says how long to wait (form_defences.RateLimited)."""
    form_defences.hit_limits(
        current_app.config["FEEDBACK_RATE_LIMIT"],
        "feedback",
        sender_ip or "unknown",
        form_defences.IP_LIMIT_MESSAGE,
        field,
    )


def issue_form_token(purpose: str, issued_at: float | None = None) -> str:
    """A signed token saying which form was shown, and when."""
    return form_defences.issue_form_token(_TOKEN_SALT, {"p": purpose}, issued_at)


def check_spam_defences(purpose: str, token: str | None, honeypot: str | None, field: str) -> None:
    """Refuse a filled honeypot, and a form not shown by us, sent too fast or too old; the
    message goes beside `field`."""
    form_defences.check_honeypot(honeypot)
    form_defences.check_form_token(_TOKEN_SALT, token, field, expect={"p": purpose})


def safe_page(path: str | None) -> str:
    """The page a report is about: a local path of this site, else "" (never another site)."""
    path = (path or "").strip()
    if len(path) > PAGE_MAX or not is_safe_redirect(path):
        return ""
    return path


def report_problem(*, page: str, what_doing: str, what_wrong: str) -> FeedbackItem:
    """Store a "Report a problem with this page" report. Flushes, never commits."""
    item = FeedbackItem(
        kind=FeedbackKind.PROBLEM,
        page=safe_page(page),
        what_doing=what_doing.strip(),
        details=what_wrong.strip(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def report_subject(
    *, subject_type: str, subject_id: int, label: str, page: str, reason: str, details: str
) -> FeedbackItem:
    """Store a report about something a feature shows (a supplier profile): the feature names
    it, so staff see what it was and where. Flushes, never commits."""
    item = FeedbackItem(
        kind=FeedbackKind.PROFILE,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=label[:200],
        page=safe_page(page),
        reason=reason,
        details=details.strip(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def contact_team(*, name: str, email: str, message: str) -> FeedbackItem:
    """Store a contact message and mail it to the team (SUPPORT_EMAIL, when set), reply-to the
    sender. Flushes, never commits; the email leaves through the outbox after the commit."""
    item = FeedbackItem(
        kind=FeedbackKind.CONTACT,
        name=name.strip(),
        email=email.strip().lower(),
        details=message.strip(),
    )
    db.session.add(item)
    db.session.flush()
    team = current_app.config.get("SUPPORT_EMAIL") or ""
    if team:
        with force_locale("en_GB"):  # the team reads English
            queue_email(
                team,
                f"Contact form: message from {item.name}",
                "feedback_contact",
                reply_to=item.email,
                item=item,
                staff_url=url_for("staff.feedback", kind="contact", _external=True),
            )
    return item


def feedback_query(kind: str = "", status: str = "") -> Select:
    """The staff list, newest first, filtered by kind and status (values of the enums)."""
    query = select(FeedbackItem).order_by(FeedbackItem.created_at.desc(), FeedbackItem.id.desc())
    if kind:
        query = query.where(FeedbackItem.kind == FeedbackKind(kind))
    if status:
        query = query.where(FeedbackItem.status == FeedbackStatus(status))
    return query


def change_status(item: FeedbackItem, status: str, version: int, actor) -> None:
    """Move an item to `status`; refused when someone changed it since the page was shown."""
    if item.version != version:
        raise Conflict(
            "Someone else changed this item while you were looking at it. "
            "Check its status below, then try again."
        )
    item.status = FeedbackStatus(status)
    item.updated_at = utcnow()
    item.updated_by_id = actor.id
    try:
        db.session.flush()
    except StaleDataError as exc:  # changed between our read and our write
        raise Conflict("Someone else changed this item at the same time. Try again.") from exc


# --- personal data (only the contact form holds any) -------------------------------------------


def export_contact_messages(user) -> list[dict]:
    """The contact messages sent from the user's email address."""
    items = db.session.scalars(
        select(FeedbackItem)
        .where(FeedbackItem.kind == FeedbackKind.CONTACT, FeedbackItem.email == user.email.lower())
        .order_by(FeedbackItem.created_at)
    ).all()
    return [
        {"sent_at": item.created_at, "name": item.name, "message": item.details} for item in items
    ]


def erase_contact_messages(user) -> None:
    """Delete the contact messages sent from the user's email address."""
    db.session.execute(
        delete(FeedbackItem).where(
            FeedbackItem.kind == FeedbackKind.CONTACT, FeedbackItem.email == user.email.lower()
        )
    )


def prune_contact_messages(days: int) -> int:
    """Delete contact messages older than `days` (their name and email address); returns how
    many. Reports about pages and profiles hold no personal data and are kept."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        delete(FeedbackItem).where(
            FeedbackItem.kind == FeedbackKind.CONTACT,
            FeedbackItem.created_at < cutoff,
        )
    )
    return result.rowcount or 0
