"""Account rules: registration, confirmation, sign-in, password reset and change.

Functions change state and flush; the caller commits. Replies never reveal whether an email
address has an account (no user enumeration): the same page and timing either way, and the
account holder is told by email instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import func, select

from tradehub.accounts.models import Role, User, normalise_email
from tradehub.accounts.passwords import hash_password, needs_rehash, verify_password
from tradehub.accounts.sessions import end_all_sessions
from tradehub.accounts.tokens import InvalidToken, fingerprint, make_token, read_token
from tradehub.after_commit import run_after_commit
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email
from tradehub.security import is_safe_redirect

SELF_SERVICE_ROLES = (Role.EXPORTER, Role.BUYER)


def find_user_by_email(email: str) -> User | None:
    """Return the user with this address, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    email: str, password: str, role: Role, full_name: str = "", confirmed: bool = False
) -> User:
    """Create a user (CLI and staff use); refuses a taken address."""
    if find_user_by_email(email):
        raise ValidationFailed("An account with this email address already exists.", "email")
    return _add_user(email, password, role, full_name, confirmed)


def _add_user(email: str, password: str, role: Role, full_name: str, confirmed: bool) -> User:
    """Insert a user whose address the caller has just looked up and found free."""
    user = User(
        email=normalise_email(email),
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
    )
    if confirmed:
        user.email_confirmed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def _confirmation_link(user: User, next_path: str = "") -> str:
    payload = {"uid": user.id, "email": user.email}
    if is_safe_redirect(next_path):
        payload["next"] = next_path  # where the new user was going (an invitation, say)
    token = make_token("confirm-email", payload)
    return url_for("accounts.confirm_email", token=token, _external=True)


@dataclass(frozen=True)
class Confirmation:
    """A followed confirmation link: whose, whether it confirmed the address just now (the
    link's single use that may sign the person in), and the page they were going to."""

    user: User
    first_use: bool
    next_path: str


def register_user(
    email: str, password: str, full_name: str, role: Role, next_path: str = ""
) -> User | None:
    """Register a self-service account and email a confirmation link.

    If the address is taken, the owner is emailed a notice instead and None is returned; the
    visitor sees the same "check your email" page in both cases.
    """
    if role not in SELF_SERVICE_ROLES:
        raise ValidationFailed("Choose whether you are an exporter or a buyer.", "role")
    existing = find_user_by_email(email)
    if existing:
        # Hash the typed password anyway: a new account's hash is the slow part of
        # registering, and the reply must take as long either way (issue #13, M2).
        hash_password(password)
        queue_email(
            existing.email,
            "Someone tried to register with your email address",
            "account_exists",
            user=existing,
            signin_url=url_for("accounts.sign_in", _external=True),
            reset_url=url_for("accounts.forgot_password", _external=True),
        )
        return None
    # The address was looked up above: no second lookup, so this path makes no more round
    # trips to the database than the taken one beyond the insert itself.
    user = _add_user(email, password, role, full_name, confirmed=False)
    queue_email(
        user.email,
        "Confirm your email address",
        "confirm_email",
        user=user,
        link=_confirmation_link(user, next_path),
    )
    return user


def resend_confirmation(user: User) -> None:
    """Email a fresh confirmation link to a signed-in, unconfirmed user."""
    if not user.email_confirmed:
        queue_email(
            user.email,
            "Confirm your email address",
            "confirm_email",
            user=user,
            link=_confirmation_link(user),
        )


def confirm_email(token: str) -> Confirmation:
    """Mark the address in `token` as confirmed; raises InvalidToken when it cannot.

    `first_use` is true only when this link confirmed the address now: a second click on the
    same link confirms nothing and must not sign anyone in."""
    data = read_token("confirm-email", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise InvalidToken("This link is not valid. Check you copied all of it.")
    first_use = user.email_confirmed_at is None
    if first_use:
        user.email_confirmed_at = utcnow()
    next_path = data.get("next", "")
    return Confirmation(user, first_use, next_path if is_safe_redirect(next_path) else "")


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the address and password match an active account."""
    user = find_user_by_email(email)
    # verify_password spends the same time with no user, so timing reveals nothing.
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def _reset_payload(user: User) -> dict:
    # The hash fingerprint makes the link single-use: it dies when the password changes.
    return {"uid": user.id, "pw": fingerprint(user.password_hash)}


def request_password_reset(email: str) -> None:
    """Email a reset link when the address has an account; do nothing visible otherwise.

    The link is made and queued after the response has been sent, so the reply takes as long
    for an unknown address as for a known one (issue #13, M2).
    """
    user = find_user_by_email(email)
    user_id = user.id if user is not None and user.is_active else None
    run_after_commit(lambda: _send_reset_link(user_id))


def _send_reset_link(user_id: int | None) -> None:
    """After the response: queue the reset email for `user_id` (None: nothing) and commit."""
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        return
    token = make_token("reset-password", _reset_payload(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    queue_email(
        user.email,
        "Reset your password",
        "reset_password",
        user=user,
        link=url_for("accounts.reset_password", token=token, _external=True),
        minutes=minutes,
    )
    db.session.commit()  # after-response work: its own transaction; the outbox sends it


def user_for_reset_token(token: str) -> User:
    """Return the user a reset link is for; raises InvalidToken when expired or used."""
    data = read_token("reset-password", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or data.get("pw") != fingerprint(user.password_hash):
        raise InvalidToken("This link has already been used. Ask for a new one.")
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password; following a reset link also proves the address."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    queue_email(
        user.email,
        "Your password was changed",
        "password_changed",
        user=user,
        reset_url=url_for("accounts.forgot_password", _external=True),
    )


def reset_password(token: str, password: str) -> User:
    """Set a new password through an emailed link."""
    user = user_for_reset_token(token)
    set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in user's password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed("Your current password is not correct.", "current_password")
    set_password(user, new_password)


def sign_out(user: User) -> None:
    """End the user's sessions on the server, so a copied session cookie stops working.

    Sessions are signed cookies with no server-side list, so this ends every session of the
    account (the same as "sign out of all devices").
    """
    end_all_sessions(user)
