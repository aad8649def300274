"""Feedback (#14): "Report a problem with this page", "Report this profile" and contact-page
messages in one table, with a status staff move through new -> in progress -> resolved

Revision ID: 1c7d0a854e11
Revises: b14e6d2c8a31
Create Date: 2026-12-04 20:07:42.265594

"""

from alembic import op
import sqlalchemy as sa

import tradehub.db_types


# revision identifiers, used by Alembic.
revision = "1c7d0a854e11"
down_revision = "b14e6d2c8a31"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "problem", "profile", "contact", name="feedbackkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "in_progress",
                "resolved",
                name="feedbackstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("page", sa.String(length=500), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_label", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("what_doing", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind <> 'profile' OR (subject_type IS NOT NULL AND subject_id IS NOT NULL)",
            name=op.f("ck_feedback_items_profile_subject"),
        ),
        sa.CheckConstraint(
            "kind IN ('problem', 'profile', 'contact')", name=op.f("ck_feedback_items_kind")
        ),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'resolved')", name=op.f("ck_feedback_items_status")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_feedback_items_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_items")),
    )
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_items_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedback_items_email"), ["email"], unique=False)
        batch_op.create_index(
            "ix_feedback_items_kind_status_created", ["kind", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_items_subject", ["subject_type", "subject_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_items_subject")
        batch_op.drop_index("ix_feedback_items_kind_status_created")
        batch_op.drop_index(batch_op.f("ix_feedback_items_email"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_created_at"))

    op.drop_table("feedback_items")
