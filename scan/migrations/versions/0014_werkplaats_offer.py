"""each werkplaats's own offer: training sessions, registrations (issue 20)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:45:00

New tables, and one column added in place to the outbox (an .ics attachment): no table is
rebuilt, so no ON DELETE CASCADE fires on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("ics", sa.Text(), nullable=True))
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "werkplaats_id",
            sa.String(40),
            sa.ForeignKey("werkplaatsen.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_training_sessions_werkplaats_starts",
        "training_sessions",
        ["werkplaats_id", "starts_at"],
    )
    op.create_table(
        "training_session_advice",
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("advice_id", sa.String(80), primary_key=True),
    )
    op.create_index(
        "ix_training_session_advice_advice",
        "training_session_advice",
        ["advice_id", "session_id"],
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "training_id",
            sa.Integer(),
            sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "lead_id", sa.Integer(), sa.ForeignKey("leads.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("company", sa.String(160), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("consent_version", sa.String(20), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_registrations_lead_id", "registrations", ["lead_id"])
    op.create_index("ix_registrations_training_status", "registrations", ["training_id", "status"])


def downgrade() -> None:
    op.drop_table("registrations")
    op.drop_table("training_session_advice")
    op.drop_table("training_sessions")
    op.execute(sa.text("ALTER TABLE outbox DROP COLUMN ics"))
