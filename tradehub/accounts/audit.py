"""The account audit trail: every change an administrator (or a user to their own account's
security) makes is one row saying who, what, when, and the values before and after."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, delete, select

from tradehub.accounts.models import AccountAuditEntry, User
from tradehub.dates import UK
from tradehub.db_types import utcnow
from tradehub.extensions import db

ACTIONS = {
    "invited": "Invited",
    "invitation_resent": "Invitation sent again",
    "invitation_accepted": "Invitation accepted",
    "confirmation_resent": "Confirmation link sent again",
    "role_changed": "Role changed",
    "deactivated": "Deactivated",
    "reactivated": "Reactivated",
    "two_factor_enabled": "Second factor turned on",
    "two_factor_disabled": "Second factor turned off",
    "two_factor_reset": "Second factor reset",
    "recovery_codes_replaced": "Recovery codes replaced",
    "account_deleted": "Account deleted",
}


def record(actor: User | None, action: str, subject: User, before=None, after=None):
    """Add one audit row in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AccountAuditEntry(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        action=action,
        subject_id=subject.id,
        subject_email=subject.email,
        before=before or {},
        after=after or {},
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page is narrowed to (all optional)."""

    action: str = ""
    actor: str = ""
    subject: str = ""
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK)


def audit_query(filters: AuditFilters) -> Select:
    """Entries matching `filters`, newest first."""
    query = select(AccountAuditEntry).order_by(
        AccountAuditEntry.created_at.desc(), AccountAuditEntry.id.desc()
    )
    if filters.action:
        query = query.where(AccountAuditEntry.action == filters.action)
    if filters.actor:
        query = query.where(AccountAuditEntry.actor_email.contains(filters.actor.strip().lower()))
    if filters.subject:
        query = query.where(
            AccountAuditEntry.subject_email.contains(filters.subject.strip().lower())
        )
    if filters.since:
        query = query.where(AccountAuditEntry.created_at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AccountAuditEntry.created_at < _start_of(filters.until + timedelta(1)))
    return query


def describe(values: dict) -> str:
    """A short "key: value" reading of a before/after mapping."""
    return "; ".join(f"{key}: {value}" for key, value in sorted(values.items()))


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def export_csv(entries) -> str:
    """The entries as CSV (safe to open in a spreadsheet: no cell starts a formula)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["When (UTC)", "Who", "Action", "Account", "Before", "After"])
    for entry in entries:
        writer.writerow(
            _cell(value)
            for value in (
                entry.created_at.isoformat(timespec="seconds"),
                entry.actor_email,
                ACTIONS.get(entry.action, entry.action),
                entry.subject_email,
                json.dumps(entry.before, sort_keys=True) if entry.before else "",
                json.dumps(entry.after, sort_keys=True) if entry.after else "",
            )
        )
    return out.getvalue()


def prune(days: int, now: datetime | None = None) -> int:
    """Delete entries older than `days`; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(
        delete(AccountAuditEntry).where(AccountAuditEntry.created_at < cutoff)
    )
    return result.rowcount or 0
