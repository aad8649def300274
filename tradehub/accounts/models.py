"""User accounts and roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradehub.accounts.tokens import fingerprint
from tradehub.db_types import utcnow
from tradehub.extensions import db


class Role(enum.StrEnum):
    """What a user is: decides which areas they may enter."""

    EXPORTER = "exporter"
    BUYER = "buyer"
    STAFF = "staff"
    PARTNER = "partner"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Human name for lists and forms."""
        return {
            Role.EXPORTER: "Exporter",
            Role.BUYER: "Overseas buyer",
            Role.STAFF: "Department staff",
            Role.PARTNER: "Marketplace partner",
            Role.ADMIN: "Administrator",
        }[self]


def normalise_email(email: str) -> str:
    """Email addresses are compared and stored case-insensitively, without surrounding spaces."""
    return email.strip().lower()


class User(UserMixin, db.Model):
    """A person who signs in. Email is stored lower-cased and is unique."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="user_role",
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        default=Role.EXPORTER,
    )
    email_confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped to end every session of this user at once (tradehub.accounts.sessions).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Administration (issue 16): invited by an admin, deactivated, or deleted by its owner
    # (a deleted account is kept, anonymised, so applications and audit rows still point at it).
    invited_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deactivated_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Second factor: a TOTP secret once enrolled, and the last time step used (no reuse).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before letting a session in
        return self.active

    @property
    def state(self) -> str:
        """What an administrator sees: deleted, deactivated, invited, unconfirmed or active."""
        if self.deleted_at is not None:
            return "deleted"
        if not self.active:
            return "deactivated"
        if self.email_confirmed_at is None:
            return "invited" if self.invited_at is not None else "unconfirmed"
        return "active"

    @property
    def has_second_factor(self) -> bool:
        """An authenticator app is enrolled."""
        return self.totp_secret is not None and self.totp_enabled_at is not None

    @property
    def second_factor_required(self) -> bool:
        """Staff, partners and admins must use a second factor; others may choose to."""
        return self.role in SECOND_FACTOR_ROLES

    def get_id(self) -> str:
        """Session id that changes with the password and the session version (sign-out)."""
        return f"{self.id}.{fingerprint(self.password_hash)}.{self.session_version or 0}"

    @property
    def is_staff(self) -> bool:
        """Staff and administrators manage the service."""
        return self.has_role(Role.STAFF)

    @property
    def email_confirmed(self) -> bool:
        """Whether the user has followed the emailed confirmation link."""
        return self.email_confirmed_at is not None

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds one of `roles`; admins hold every staff role too."""
        if self.role == Role.ADMIN and Role.STAFF in roles:
            return True
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


SECOND_FACTOR_ROLES = frozenset({Role.STAFF, Role.PARTNER, Role.ADMIN})


class RecoveryCode(db.Model):
    """One single-use recovery code, stored only as a SHA-256 digest."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class AccountAuditEntry(db.Model):
    """Who changed which account, what, when, and the values before and after."""

    __tablename__ = "account_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Addresses are copied so the entry still reads right after a user changes or is deleted.
    actor_email: Mapped[str] = mapped_column(String(320), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject_email: Mapped[str] = mapped_column(String(320), default="")
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
