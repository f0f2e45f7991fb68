"""a growing sign-in delay per typed address and network replaces the account lock

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:30:00

The lock on the account (failed_logins, locked_until) could be triggered by anyone who knew
a staff address, lost counts under parallel attempts, and answered a locked account faster
than an unknown one. signin_delays counts attempts per HMAC of the typed address and the
client network; the columns of the lock go.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_delays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("account_key", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_delays")),
        sa.UniqueConstraint("key", name=op.f("uq_signin_delays_key")),
    )
    op.create_index("ix_signin_delays_account_key", "signin_delays", ["account_key"])
    # Not batch mode: rebuilding staff_users on SQLite drops the old table, and its ON DELETE
    # actions would empty staff_sessions and the audit log's actors. SQLite (3.35 and later)
    # and PostgreSQL both drop a plain column in place.
    for column in ("failed_logins", "locked_until"):
        op.execute(sa.text(f"ALTER TABLE staff_users DROP COLUMN {column}"))


def downgrade() -> None:
    op.add_column(
        "staff_users",
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("staff_users", sa.Column("locked_until", sa.DateTime(timezone=True)))
    op.drop_index("ix_signin_delays_account_key", table_name="signin_delays")
    op.drop_table("signin_delays")
