"""lead and audit event ids are never reused; the audit log forgets typed text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:00:00

SQLite gives a new row the largest id plus one, so erasing the newest lead handed its id to the
next lead, and with the id the erased lead's audit events (audit_events.lead_id is no foreign
key: the log outlives the lead): another werkplaats saw them in that lead's history. With
AUTOINCREMENT SQLite never hands out an id twice; PostgreSQL's serial columns never did, so
there only the audit log is cleaned.

The audit log as it stands is cleaned on both: the text staff typed about erased leads goes,
events of a lead that had the id before (they are older than the lead that has it now) are
detached from it, and exports keep that a search was used, not the search text.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: Rebuilt with AUTOINCREMENT on SQLite.
TABLES = ("leads", "audit_events")
#: Rows that name a lead with ON DELETE CASCADE. Dropping the old leads table would delete them:
#: SQLite empties a table it drops and the cascade fires, and foreign keys cannot be switched
#: off inside the transaction the migrations run in.
CHILDREN = ("lead_notes", "outbox")

# The app's rule as it was at this revision (scan/staff/audit.py); a migration never imports
# the app, which goes on changing.
CODED_DETAIL = ("old", "new")
REMOVED = "(verwijderd)"
SEARCH_USED = "(zoekterm)"

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("action", sa.String),
    sa.column("lead_id", sa.Integer),
    sa.column("detail", sa.JSON),
)
leads = sa.table(
    "leads", sa.column("id", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True))
)


def upgrade() -> None:
    _forget_typed_text_of_erased_leads()
    _forget_search_texts()
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(autoincrement=True)
        # Past the largest id the audit log names: the newest lead may be an erased one.
        _start_after("leads", max(_largest("leads", "id"), _largest("audit_events", "lead_id")))
        _start_after("audit_events", _largest("audit_events", "id"))


def downgrade() -> None:
    # The text removed from the audit log stays removed.
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(autoincrement=False)


def _set_detail(event_id: int, detail: dict) -> None:
    op.get_bind().execute(sa.update(events).where(events.c.id == event_id).values(detail=detail))


def _forget_typed_text_of_erased_leads() -> None:
    bind = op.get_bind()
    lead_back_then = sa.exists().where(
        leads.c.id == events.c.lead_id, leads.c.created_at <= events.c.at
    )
    erased = events.c.lead_id.is_not(None) & ~lead_back_then
    for event_id, detail in bind.execute(
        sa.select(events.c.id, events.c.detail).where(erased)
    ).all():
        cleaned = {k: v if k in CODED_DETAIL else REMOVED for k, v in detail.items()}
        if cleaned != detail:
            _set_detail(event_id, cleaned)
    # Older than the lead that has their id now: they belong to an erased lead before it.
    newer_lead = sa.exists().where(leads.c.id == events.c.lead_id, leads.c.created_at > events.c.at)
    bind.execute(sa.update(events).where(newer_lead).values(lead_id=None))


def _forget_search_texts() -> None:
    bind = op.get_bind()
    exports = sa.select(events.c.id, events.c.detail).where(events.c.action == "export")
    for event_id, detail in bind.execute(exports).all():
        filters = detail.get("filters") or {}
        if filters.get("q") not in (None, SEARCH_USED):
            _set_detail(event_id, {**detail, "filters": {**filters, "q": SEARCH_USED}})


def _rebuild(autoincrement: bool) -> None:
    """Copy TABLES into new tables, keeping the children of leads aside meanwhile."""
    for child in CHILDREN:
        op.execute(f"CREATE TEMP TABLE kept_{child} AS SELECT * FROM {child}")
        op.execute(f"DELETE FROM {child}")
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
    for child in CHILDREN:
        op.execute(f"INSERT INTO {child} SELECT * FROM kept_{child}")
        op.execute(f"DROP TABLE kept_{child}")


def _largest(table: str, column: str) -> int:
    query = f"SELECT coalesce(max({column}), 0) FROM {table}"
    return op.get_bind().exec_driver_sql(query).scalar_one()


def _start_after(table: str, highest: int) -> None:
    """Make SQLite's next id for the table larger than `highest` (and than any before)."""
    bind = op.get_bind()
    name = {"name": table}
    current = bind.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = :name"), name
    ).scalar()
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :name"), name)
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
        {**name, "seq": max(highest, current or 0)},
    )
