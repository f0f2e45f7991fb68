"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from scan.db import Base, database

#: Made by a migration for PostgreSQL only (a trigram index the models cannot describe).
POSTGRESQL_ONLY = {"ix_leads_search_trgm"}


def _include(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and name in POSTGRESQL_ONLY)


def test_migrated_database_matches_the_models(app):
    with database(app).engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _include}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_postgresql_gets_the_trigram_search_index(app):
    engine = database(app).engine
    if engine.dialect.name != "postgresql":
        return  # SQLite searches through the covering indexes instead
    with engine.connect() as connection:
        names = {i["name"] for i in inspect(connection).get_indexes("leads")}
    assert "ix_leads_search_trgm" in names


def test_the_partial_drafts_index_can_answer_the_drafts_purge(app):
    engine = database(app).engine
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner picks by table statistics; an empty table is scanned
    # INDEXED BY fails ("no query solution") unless the index's WHERE covers the query's.
    query = (
        "EXPLAIN QUERY PLAN SELECT count(*) FROM scans INDEXED BY ix_scans_draft_updated_at "
        "WHERE status = 'draft' AND updated_at < '2026-01-01'"
    )
    with engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(query))
    assert "ix_scans_draft_updated_at (updated_at<?)" in plan
