"""User administration rules: find and filter users, invite staff and partners, change roles,
deactivate and reactivate, send links again, reset a second factor.

Functions change state, write an audit row and flush; the caller commits. A feature package can
attach something to a role when an admin gives it (partners are linked to their marketplace)
with `register_role_link`, so the core never names a feature.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import Select, func, select

from tradehub.accounts import audit
from tradehub.accounts.models import RecoveryCode, Role, User, normalise_email
from tradehub.accounts.passwords import hash_password
from tradehub.accounts.services import find_user_by_email, resend_confirmation
from tradehub.accounts.sessions import end_all_sessions
from tradehub.accounts.tokens import InvalidToken, fingerprint, make_token, read_token
from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed, ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email

INVITABLE_ROLES = (Role.STAFF, Role.PARTNER)
STATES = ("active", "invited", "unconfirmed", "deactivated", "deleted")
LAST_SIGN_IN = {
    "7": "In the last 7 days",
    "30": "In the last 30 days",
    "over-90": "More than 90 days ago",
    "never": "Never",
}


# --- roles a feature links to something ------------------------------------------------------


@dataclass(frozen=True)
class RoleLink:
    """What a role needs besides itself: e.g. a partner's marketplace."""

    role: Role
    label: str
    choices: Callable[[], list[tuple[str, str]]]
    link: Callable[[User, str], None]
    describe: Callable[[User], str | None]


def register_role_link(app, role: Role, label: str, choices, link, describe) -> None:
    """Ask for `label` (one of `choices()`) whenever an admin gives `role`, and `link` it."""
    app.extensions.setdefault("tradehub.role_links", {})[role] = RoleLink(
        role, label, choices, link, describe
    )


def role_link(role: Role) -> RoleLink | None:
    """The registered link for `role`, if a feature registered one."""
    return current_app.extensions.get("tradehub.role_links", {}).get(role)


def role_links() -> dict[Role, RoleLink]:
    """Every registered role link."""
    return dict(current_app.extensions.get("tradehub.role_links", {}))


def _apply_role_link(user: User, role: Role, target: str | None) -> str | None:
    link = role_link(role)
    if link is None:
        return None
    valid = dict(link.choices())
    if not target or target not in valid:
        raise ValidationFailed(f"Select the {link.label.lower()}", "link")
    link.link(user, target)
    return valid[target]


# --- listing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserFilters:
    """What the user list is narrowed to (all optional)."""

    email: str = ""
    role: str = ""
    state: str = ""
    last_sign_in: str = ""


def user_query(filters: UserFilters) -> Select:
    """Users matching `filters`, by email address."""
    query = select(User).order_by(User.email)
    if filters.email:
        query = query.where(User.email.contains(normalise_email(filters.email)))
    if filters.role:
        query = query.where(User.role == Role(filters.role))
    state = filters.state
    if state == "deleted":
        query = query.where(User.deleted_at.is_not(None))
    elif state == "deactivated":
        query = query.where(User.active.is_(False), User.deleted_at.is_(None))
    elif state in ("invited", "unconfirmed"):
        invited = User.invited_at.is_not(None)
        query = query.where(
            User.active.is_(True),
            User.email_confirmed_at.is_(None),
            invited if state == "invited" else User.invited_at.is_(None),
        )
    elif state == "active":
        query = query.where(User.active.is_(True), User.email_confirmed_at.is_not(None))
    now = utcnow()
    if filters.last_sign_in == "never":
        query = query.where(User.last_login_at.is_(None))
    elif filters.last_sign_in == "over-90":
        query = query.where(User.last_login_at < now - timedelta(days=90))
    elif filters.last_sign_in in ("7", "30"):
        query = query.where(User.last_login_at >= now - timedelta(days=int(filters.last_sign_in)))
    return query


# --- the last admin --------------------------------------------------------------------------


def check_not_last_admin(user: User, doing: str) -> None:
    """Refuse to leave the service without an active administrator."""
    if user.role != Role.ADMIN or not user.active:
        return
    # Lock every active admin row (PostgreSQL), so two admins demoting each other at the same
    # moment cannot both succeed; SQLite serialises writers anyway.
    admins = db.session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).with_for_update()
    ).all()
    if [admin_id for admin_id in admins if admin_id != user.id]:
        return
    raise NotAllowed(f"You cannot {doing} the last active administrator. Make another admin first.")


def active_admin_count() -> int:
    """How many administrators can sign in."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    )


# --- invitations -----------------------------------------------------------------------------


def _invitation_link(user: User) -> str:
    token = make_token("invitation", {"uid": user.id, "pw": fingerprint(user.password_hash)})
    return url_for("accounts.accept_invitation", token=token, _external=True)


def _send_invitation(user: User, admin: User) -> None:
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    queue_email(
        user.email,
        "You have been invited to TradeHub",
        "invitation",
        user=user,
        admin=admin,
        link=_invitation_link(user),
        days=days,
    )


def invite_user(
    admin: User, email: str, full_name: str, role: Role, link_target: str | None = None
) -> User:
    """Create a staff or partner account that has no password yet, and email a signed link."""
    if role not in INVITABLE_ROLES:
        raise ValidationFailed("Select staff or marketplace partner", "role")
    if find_user_by_email(email):
        raise ValidationFailed(
            "An account with this email address already exists. Change its role instead.", "email"
        )
    user = User(
        email=normalise_email(email),
        full_name=full_name.strip(),
        # Nobody knows this password; the invitee chooses theirs through the link.
        password_hash=hash_password(secrets.token_urlsafe(32)),
        role=role,
        invited_at=utcnow(),
        invited_by_id=admin.id,
    )
    db.session.add(user)
    db.session.flush()
    linked = _apply_role_link(user, role, link_target)
    after = {"email": user.email, "role": role.value}
    if linked:
        after["link"] = linked
    audit.record(admin, "invited", user, after=after)
    _send_invitation(user, admin)
    return user


def user_for_invitation(token: str) -> User:
    """The invited user a link is for; raises InvalidToken once used, replaced or expired."""
    data = read_token("invitation", token, current_app.config["INVITATION_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or data.get("pw") != fingerprint(user.password_hash):
        raise InvalidToken("This invitation has already been used or replaced. Ask for a new one.")
    if not user.active:
        raise InvalidToken("This account has been deactivated. Contact the TradeHub team.")
    return user


def accept_invitation(token: str, full_name: str, password: str) -> User:
    """The invitee sets a password (and so proves the address); the link dies with it."""
    user = user_for_invitation(token)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    if full_name.strip():
        user.full_name = full_name.strip()
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    user.last_login_at = utcnow()
    audit.record(user, "invitation_accepted", user)
    return user


def resend_link(admin: User, user: User) -> str:
    """Send an unconfirmed user their confirmation link, or an invitee a fresh invitation.

    A fresh invitation replaces the old one: the placeholder password changes, so the earlier
    link stops working. Returns what was sent.
    """
    if user.deleted_at is not None or not user.active:
        raise NotAllowed("Reactivate the account before sending it a link.")
    if user.email_confirmed_at is not None:
        raise NotAllowed("This account is already confirmed.")
    if user.invited_at is not None:
        user.password_hash = hash_password(secrets.token_urlsafe(32))
        _send_invitation(user, admin)
        audit.record(admin, "invitation_resent", user)
        return "invitation"
    resend_confirmation(user)
    audit.record(admin, "confirmation_resent", user)
    return "confirmation"


# --- role, activity, second factor ------------------------------------------------------------


def change_role(admin: User, user: User, role: Role, link_target: str | None = None) -> None:
    """Give `user` another role (and, for a linked role, its link)."""
    if user.deleted_at is not None:
        raise NotAllowed("This account has been deleted.")
    before = {"role": user.role.value}
    old_link = role_link(user.role)
    if old_link is not None and old_link.describe(user):
        before["link"] = old_link.describe(user)
    if role == user.role and role_link(role) is None:
        raise ValidationFailed("Select a different role", "role")
    if role != Role.ADMIN:
        check_not_last_admin(user, "demote")
    user.role = role
    db.session.flush()
    after = {"role": role.value}
    linked = _apply_role_link(user, role, link_target)
    if linked:
        after["link"] = linked
    if after == before:
        raise ValidationFailed("Select a different role or link", "role")
    audit.record(admin, "role_changed", user, before=before, after=after)


def deactivate(admin: User, user: User) -> None:
    """Stop `user` signing in and end every session they have, at once; data stays."""
    if not user.active:
        raise NotAllowed("This account is already deactivated.")
    check_not_last_admin(user, "deactivate")
    user.active = False
    user.deactivated_at = utcnow()
    end_all_sessions(user)  # every open session ends on its next request
    audit.record(admin, "deactivated", user, before={"active": True}, after={"active": False})


def reactivate(admin: User, user: User) -> None:
    """Let a deactivated user sign in again."""
    if user.active:
        raise NotAllowed("This account is already active.")
    if user.deleted_at is not None:
        raise NotAllowed("A deleted account cannot be reactivated.")
    user.active = True
    user.deactivated_at = None
    audit.record(admin, "reactivated", user, before={"active": False}, after={"active": True})


def reset_second_factor(admin: User, user: User) -> None:
    """Remove the user's authenticator and recovery codes; they enrol again at next sign-in."""
    if not user.has_second_factor:
        raise NotAllowed("This user has no second factor to reset.")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_all_sessions(user)  # signed in again, they must enrol before anything else
    audit.record(admin, "two_factor_reset", user, before={"totp": "on"}, after={"totp": "off"})
