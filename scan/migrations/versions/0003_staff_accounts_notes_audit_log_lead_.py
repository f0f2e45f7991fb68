"""staff accounts, notes, audit log; lead filter columns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 00:52:30.723657
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("werkplaats_id", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["werkplaats_id"],
            ["werkplaatsen.id"],
            name=op.f("fk_staff_users_werkplaats_id_werkplaatsen"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_users_email")),
    )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_users_werkplaats_id"), ["werkplaats_id"], unique=False
        )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("werkplaats_id", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["staff_users.id"],
            name=op.f("fk_audit_events_actor_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_events_lead", ["lead_id"], unique=False)

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_sessions_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_staff_sessions_key_hash")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lead_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_email", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff_users.id"],
            name=op.f("fk_lead_notes_author_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_notes_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_notes")),
    )
    with op.batch_alter_table("lead_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_notes_lead_id"), ["lead_id"], unique=False)

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("weakest_theme", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("route", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("overall_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch_op.create_index("ix_leads_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index(
            "ix_leads_werkplaats_created", ["werkplaats_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_leads_werkplaats_status_created",
            ["werkplaats_id", "status", "created_at"],
            unique=False,
        )

    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overall_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score_online_sales_marketing", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score_data", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score_automatisering", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_scans_werkplaats_completed", ["werkplaats_id", "completed_at"], unique=False
        )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("track", sa.String(length=16), nullable=True))

    _backfill_leads()
    _backfill_scans()


def _backfill_leads() -> None:
    """Fill the new filter columns of leads stored before this revision."""
    connection = op.get_bind()
    leads = sa.table(
        "leads",
        sa.column("id"),
        sa.column("scan_id"),
        sa.column("name"),
        sa.column("company"),
        sa.column("email"),
        sa.column("kvk"),
        sa.column("weakest_theme"),
        sa.column("route"),
        sa.column("overall_score"),
        sa.column("search_text"),
    )
    scans = sa.table("scans", sa.column("id"), sa.column("result", sa.JSON()))
    rows = connection.execute(
        sa.select(
            leads.c.id, leads.c.name, leads.c.company, leads.c.email, leads.c.kvk, scans.c.result
        ).join(scans, scans.c.id == leads.c.scan_id)
    ).all()
    for row in rows:
        result = row.result or {}
        themes = result.get("themes", {})
        weakest = min(themes, key=lambda t: (themes[t]["score"], t)) if themes else None
        text = " ".join(v for v in (row.name, row.company, row.email, row.kvk) if v).lower()
        connection.execute(
            leads.update()
            .where(leads.c.id == row.id)
            .values(
                weakest_theme=weakest,
                route=result.get("route"),
                overall_score=result.get("overall"),
                search_text=text,
            )
        )


def _backfill_scans() -> None:
    """Copy the scores of completed scans out of their JSON result."""
    connection = op.get_bind()
    scans = sa.table(
        "scans",
        sa.column("id"),
        sa.column("result", sa.JSON()),
        sa.column("overall_score"),
        sa.column("score_online_sales_marketing"),
        sa.column("score_data"),
        sa.column("score_automatisering"),
    )
    for row in connection.execute(sa.select(scans.c.id, scans.c.result)).all():
        if not row.result:
            continue
        themes = row.result.get("themes", {})
        connection.execute(
            scans.update()
            .where(scans.c.id == row.id)
            .values(
                overall_score=row.result.get("overall"),
                **{
                    "score_" + theme.replace("-", "_"): values["score"]
                    for theme, values in themes.items()
                },
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("track")
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_index("ix_scans_werkplaats_completed")
        batch_op.drop_column("score_automatisering")
        batch_op.drop_column("score_data")
        batch_op.drop_column("score_online_sales_marketing")
        batch_op.drop_column("overall_score")

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_werkplaats_status_created")
        batch_op.drop_index("ix_leads_werkplaats_created")
        batch_op.drop_index("ix_leads_status_created")
        batch_op.drop_column("search_text")
        batch_op.drop_column("overall_score")
        batch_op.drop_column("route")
        batch_op.drop_column("weakest_theme")
        batch_op.drop_column("updated_at")

    with op.batch_alter_table("lead_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_notes_lead_id"))

    op.drop_table("lead_notes")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_user_id"))

    op.drop_table("staff_sessions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_lead")
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_users_werkplaats_id"))

    op.drop_table("staff_users")
