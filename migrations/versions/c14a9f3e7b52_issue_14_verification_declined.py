"""Staff decline a verification request with a reason (#14): the audit action
verification_declined (an enum value on PostgreSQL; SQLite stores the text)

Revision ID: c14a9f3e7b52
Revises: b14c8e2a5d31
Create Date: 2026-12-04 21:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c14a9f3e7b52"
down_revision = "b14c8e2a5d31"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TYPE company_audit_action ADD VALUE IF NOT EXISTS 'verification_declined'"
        )


def downgrade():
    # PostgreSQL cannot drop a value from an enum type; rows using it are removed instead.
    op.execute("DELETE FROM company_audit WHERE action = 'verification_declined'")
