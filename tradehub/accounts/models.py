"""User accounts and roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

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

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before letting a session in
        return self.active

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
