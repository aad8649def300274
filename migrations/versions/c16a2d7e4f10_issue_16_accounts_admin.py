"""Accounts administration (issue 16): invitations, deactivation, deletion, TOTP, recovery codes, account audit

Revision ID: c16a2d7e4f10
Revises: b11e5a7c0d11
Create Date: 2026-12-04 16:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

import tradehub.db_types

# revision identifiers, used by Alembic.
revision = "c16a2d7e4f10"
down_revision = "b11e5a7c0d11"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", tradehub.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("deactivated_at", tradehub.db_types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("deleted_at", tradehub.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enabled_at", tradehub.db_types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_invited_by_id_users"),
            "users",
            ["invited_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", tradehub.db_types.UTCDateTime(), nullable=False),
        sa.Column("used_at", tradehub.db_types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "account_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", tradehub.db_types.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_email", sa.String(length=320), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_account_audit_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["users.id"],
            name=op.f("fk_account_audit_subject_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_audit")),
    )
    with op.batch_alter_table("account_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_audit_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_account_audit_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_audit_subject_id"), ["subject_id"], unique=False
        )


def downgrade():
    op.drop_table("account_audit")
    op.drop_table("recovery_codes")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_invited_by_id_users"), type_="foreignkey")
        for column in (
            "totp_last_step",
            "totp_enabled_at",
            "totp_secret",
            "deleted_at",
            "deactivated_at",
            "invited_by_id",
            "invited_at",
        ):
            batch_op.drop_column(column)
