"""What people tell the team: problems with a page, reports about a profile, contact messages."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.db_types import utcnow
from tradehub.extensions import db


class FeedbackKind(enum.StrEnum):
    """Which form it came from."""

    PROBLEM = "problem"  # "Report a problem with this page"
    PROFILE = "profile"  # "Report this profile"
    CONTACT = "contact"  # the contact page


class FeedbackStatus(enum.StrEnum):
    """Where staff are with it: one function per change (services.change_status)."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


KIND_LABELS = {
    FeedbackKind.PROBLEM: "Problem with a page",
    FeedbackKind.PROFILE: "Profile report",
    FeedbackKind.CONTACT: "Contact message",
}
STATUS_LABELS = {
    FeedbackStatus.NEW: "New",
    FeedbackStatus.IN_PROGRESS: "In progress",
    FeedbackStatus.RESOLVED: "Resolved",
}


def _enum(enum_cls: type[enum.Enum]) -> Enum:
    """Stored as its value in a plain string column (no database enum type to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class FeedbackItem(db.Model):
    """One piece of feedback. `page` is the site path it is about (always a local path);
    a profile report also names what it is about (`subject_type`, `subject_id`, `subject_label`:
    the core does not know the feature's tables). Only the contact form asks for a name and an
    email address; the other two forms ask for no personal data."""

    __tablename__ = "feedback_items"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'profile' OR (subject_type IS NOT NULL AND subject_id IS NOT NULL)",
            name="profile_subject",
        ),
        CheckConstraint("kind IN ('problem', 'profile', 'contact')", name="kind"),
        CheckConstraint("status IN ('new', 'in_progress', 'resolved')", name="status"),
        Index("ix_feedback_items_kind_status_created", "kind", "status", "created_at"),
        Index("ix_feedback_items_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeedbackKind] = mapped_column(_enum(FeedbackKind))
    status: Mapped[FeedbackStatus] = mapped_column(
        _enum(FeedbackStatus), default=FeedbackStatus.NEW
    )
    page: Mapped[str] = mapped_column(String(500), default="")
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    subject_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(40), default="")
    what_doing: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        """The kind in staff words."""
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        """The status in staff words."""
        return STATUS_LABELS[self.status]
