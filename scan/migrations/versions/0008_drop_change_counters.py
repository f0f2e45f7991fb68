"""drop the change counters and their triggers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:00:00

The counters keyed pages and the routing table kept per worker (migration 0006). Those caches
are gone (issue 15: one data path, no token-splicing page cache), so nothing reads the
counters, and every write to leads and werkplaatsen no longer pays for a trigger.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COUNTED = ("leads", "werkplaatsen")
EVENTS = ("insert", "update", "delete")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in COUNTED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS raise_change_counter()")
    else:
        for table in COUNTED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_after_{event}")
    op.drop_table("change_counters")


def downgrade() -> None:
    counters = op.create_table(
        "change_counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_counters")),
    )
    op.bulk_insert(counters, [{"name": table, "value": 0} for table in COUNTED])
    # The triggers are 0006's; downgrading past 0006 drops the table again without them.
