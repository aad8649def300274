"""Partner API keys: higher rate limits for named partners, issued and revoked by staff.

A key is `th_<prefix>_<secret>`: the prefix (public, unique) finds the row, the whole key is
checked against its SHA-256 hash. Only the hash is stored and the key is shown once, when it is
made. A fast hash is right here (unlike passwords): a key is 32 random bytes, so there is no
dictionary to try.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed
from tradehub.extensions import db

KEY_HEADER = "X-API-Key"
PREFIX_LENGTH = 8
MIN_PER_MINUTE = 1
MAX_PER_MINUTE = 100_000


class ApiKey(db.Model):
    """One partner's key: who it is for, its limit, and whether it still works."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    requests_per_minute: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    revoked_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        """A revoked key is refused."""
        return self.revoked_at is None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(
    *, partner_name: str, contact_email: str, requests_per_minute: int, created_by_id: int | None
) -> tuple[ApiKey, str]:
    """Make a key for a partner; returns the row and the key itself (shown once, never stored)."""
    if not MIN_PER_MINUTE <= requests_per_minute <= MAX_PER_MINUTE:
        raise NotAllowed(f"The limit must be from {MIN_PER_MINUTE} to {MAX_PER_MINUTE:,}")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"th_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        partner_name=partner_name.strip(),
        contact_email=contact_email.strip().lower(),
        prefix=prefix,
        key_hash=_hash(key),
        requests_per_minute=requests_per_minute,
        created_by_id=created_by_id,
    )
    db.session.add(row)
    db.session.flush()
    return row, key


def revoke_key(row: ApiKey) -> None:
    """Stop a key working from the next request on."""
    if row.revoked_at is not None:
        raise NotAllowed("This key is already revoked")
    row.revoked_at = utcnow()
    db.session.flush()


def find_key(key: str) -> ApiKey | None:
    """The active key row a presented key matches, or None."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "th" or len(parts[1]) != PREFIX_LENGTH:
        return None
    row = db.session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if row is None or not row.is_active:
        return None
    if not hmac.compare_digest(row.key_hash, _hash(key)):
        return None
    return row


def all_keys() -> list[ApiKey]:
    """Every key, newest first, for the staff page."""
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))
