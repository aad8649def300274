"""People's own data (UK GDPR): "Download your data" and "Delete your account".

The core knows only the account itself. Each feature package registers what it holds about a
user with `register_personal_data` from its `init_app`: how to export it, what stops the
account being deleted (an owned company), and how to erase or anonymise it. So the core never
imports a feature, and a new feature's data is exported and erased by adding one registration.

Every exporter receives the signed-in user and must return only that user's data.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select, update

from tradehub.accounts import audit
from tradehub.accounts.administration import check_not_last_admin
from tradehub.accounts.models import AccountAuditEntry, RecoveryCode, User
from tradehub.accounts.passwords import hash_password, verify_password
from tradehub.accounts.sessions import end_all_sessions
from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed, ValidationFailed
from tradehub.extensions import db

_REGISTRY = "tradehub.personal_data"


@dataclass(frozen=True)
class DataSection:
    """One kind of data a feature holds about a person."""

    key: str
    title: str
    export: Callable[[User], list[dict]]
    erase: Callable[[User], None] | None = None
    blockers: Callable[[User], list[str]] | None = None
    on_deletion: str = ""  # what happens to it when the account is deleted, in plain words


def register_personal_data(
    app,
    key: str,
    title: str,
    export: Callable[[User], list[dict]],
    erase: Callable[[User], None] | None = None,
    blockers: Callable[[User], list[str]] | None = None,
    on_deletion: str = "",
) -> None:
    """Add a feature's data to the export and to account deletion."""
    sections = app.extensions.setdefault(_REGISTRY, [])
    if any(section.key == key for section in sections):
        raise ValueError(f"personal data section {key!r} registered twice")
    sections.append(DataSection(key, title, export, erase, blockers, on_deletion))


def sections() -> list[DataSection]:
    """Every registered section, in registration order."""
    return list(current_app.extensions.get(_REGISTRY, []))


def plain(value):
    """A value as JSON can hold it: dates as ISO 8601, enums as their value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value
    return value


def account_data(user: User) -> dict:
    """What the core holds: the account, its second factor, and changes made to it."""
    entries = db.session.scalars(
        select(AccountAuditEntry)
        .where(AccountAuditEntry.subject_id == user.id)
        .order_by(AccountAuditEntry.created_at, AccountAuditEntry.id)
    ).all()
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "created_at": user.created_at,
        "email_confirmed_at": user.email_confirmed_at,
        "last_sign_in_at": user.last_login_at,
        "password_changed_at": user.password_changed_at,
        "two_step_sign_in": user.has_second_factor,
        "two_step_sign_in_since": user.totp_enabled_at,
        "unused_recovery_codes": sum(1 for c in user.recovery_codes if c.used_at is None),
        # Who made a change is another person's data: only "you" or "an administrator".
        "account_changes": [
            {
                "at": entry.created_at,
                "what": audit.ACTIONS.get(entry.action, entry.action),
                "by": "you" if entry.actor_id == user.id else "an administrator",
            }
            for entry in entries
        ],
    }


def export_user_data(user: User) -> dict:
    """Everything the service holds about `user`, as plain JSON-ready data."""
    data = {"generated_at": utcnow(), "account": account_data(user)}
    for section in sections():
        data[section.key] = section.export(user)
    return plain(data)


def deletion_blockers(user: User) -> list[str]:
    """Why the account cannot be deleted yet (empty when it can)."""
    reasons = []
    for section in sections():
        if section.blockers is not None:
            reasons.extend(section.blockers(user))
    return reasons


def delete_account(user: User, password: str) -> None:
    """Erase the person: features erase or anonymise their data, the account is anonymised.

    The row stays (with no name, address or usable password) so applications and audit entries
    that point at it still hold together; the address is freed to register again.
    """
    if not verify_password(user.password_hash, password):
        raise ValidationFailed("Your password is not correct.", "password")
    reasons = deletion_blockers(user)
    if reasons:
        raise NotAllowed(reasons[0])
    check_not_last_admin(user, "delete")
    for section in sections():
        if section.erase is not None:
            section.erase(user)
    audit.record(user, "account_deleted", user)
    db.session.flush()
    placeholder = f"deleted user {user.id}"
    db.session.execute(
        update(AccountAuditEntry)
        .where(AccountAuditEntry.subject_id == user.id)
        .values(subject_email=placeholder)
    )
    db.session.execute(
        update(AccountAuditEntry)
        .where(AccountAuditEntry.actor_id == user.id)
        .values(actor_email=placeholder)
    )
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.full_name = ""
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.active = False
    user.deleted_at = utcnow()
    user.deactivated_at = user.deactivated_at or user.deleted_at
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    end_all_sessions(user)
