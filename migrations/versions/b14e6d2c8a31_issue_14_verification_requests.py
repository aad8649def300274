"""Verification on request (#14): a business Companies House does not register asks staff to
verify it (companies.verification_requested_at, the staff queue) and the request is audited

Revision ID: b14e6d2c8a31
Revises: f15a7c3d9e21
Create Date: 2026-12-04 20:20:00.000000

"""

from alembic import op
import sqlalchemy as sa

import tradehub.db_types


# revision identifiers, used by Alembic.
revision = "b14e6d2c8a31"
down_revision = "f15a7c3d9e21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "verification_requested_at",
                tradehub.db_types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TYPE company_audit_action ADD VALUE IF NOT EXISTS 'verification_requested'"
        )


def downgrade():
    # PostgreSQL cannot drop a value from an enum type; rows using it are removed first.
    op.execute("DELETE FROM company_audit WHERE action = 'verification_requested'")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("verification_requested_at")
