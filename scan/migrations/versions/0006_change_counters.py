"""change counters raised by triggers on leads and werkplaatsen

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 04:40:00

Pages and tables kept per worker (the staff inbox, the routing table) are keyed on these
counters, so they must move with every committed write, whatever code or person makes it:
triggers, not application code. On PostgreSQL one trigger per statement, so that a retention
run deleting thousands of leads raises the counter once; SQLite only has row triggers.

A later migration that rebuilds `leads` or `werkplaatsen` on SQLite (batch_alter_table copies
the table) drops these triggers and must create them again; tests/integration/test_changes.py
fails if a counter stops moving.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COUNTED = ("leads", "werkplaatsen")
EVENTS = ("insert", "update", "delete")


def upgrade() -> None:
    counters = op.create_table(
        "change_counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_counters")),
    )
    op.bulk_insert(counters, [{"name": table, "value": 0} for table in COUNTED])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION raise_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE change_counters SET value = value + 1 WHERE name = TG_ARGV[0];
                RETURN NULL;
            END
            $$
            """
        )
        for table in COUNTED:
            op.execute(
                f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION raise_change_counter('{table}')"
            )
        return
    for table in COUNTED:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_after_{event} AFTER {event.upper()} ON {table} BEGIN "
                f"UPDATE change_counters SET value = value + 1 WHERE name = '{table}'; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in COUNTED:
            op.execute(f"DROP TRIGGER {table}_changed ON {table}")
        op.execute("DROP FUNCTION raise_change_counter()")
    else:
        for table in COUNTED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_after_{event}")
    op.drop_table("change_counters")
