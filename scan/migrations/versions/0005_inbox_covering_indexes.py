"""inbox covering indexes and a trigram index for search

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 01:25:00

bench/inbox_100k.py showed filtered counts reading the whole leads table and the search
scanning every row. The werkplaats index now covers the filter columns, and on PostgreSQL a
trigram index (pg_trgm) serves LIKE '%term%' on search_text.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WIDE = [
    "werkplaats_id",
    "created_at",
    "id",
    "status",
    "weakest_theme",
    "route",
    "partner",
    "search_text",
]


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_werkplaats_created")
        batch_op.create_index("ix_leads_werkplaats_created", WIDE, unique=False)
        batch_op.drop_index("ix_leads_created_at")
        batch_op.create_index(
            "ix_leads_created_at", ["created_at", "id", "search_text"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_leads_search_trgm",
            "leads",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_leads_search_trgm", table_name="leads")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_created_at")
        batch_op.create_index("ix_leads_created_at", ["created_at"], unique=False)
        batch_op.drop_index("ix_leads_werkplaats_created")
        batch_op.create_index(
            "ix_leads_werkplaats_created", ["werkplaats_id", "created_at", "id"], unique=False
        )
