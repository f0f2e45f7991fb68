"""a re-scan's steps taken; reminders and invitations to scan again; List-Unsubscribe

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:30:00

Columns are added and dropped in place: batch mode would rebuild scans on SQLite, and
dropping the old table fires leads' ON DELETE CASCADE.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scans", sa.Column("steps_taken", sa.JSON(), nullable=True))
    op.add_column("outbox", sa.Column("unsubscribe_url", sa.String(300), nullable=True))
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("consent_version", sa.String(20), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_follow_ups_lead_id", "follow_ups", ["lead_id"])
    op.create_index("ix_follow_ups_due", "follow_ups", ["sent_at", "due_at"])


def downgrade() -> None:
    op.drop_table("follow_ups")
    op.execute(sa.text("ALTER TABLE outbox DROP COLUMN unsubscribe_url"))
    op.execute(sa.text("ALTER TABLE scans DROP COLUMN steps_taken"))
