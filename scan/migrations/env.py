"""Alembic environment: uses the connection scan.db.upgrade_to_head hands over, if any."""

from alembic import context
from sqlalchemy import create_engine

from scan import models  # noqa: F401  (registers the tables on Base.metadata)
from scan.db import Base
from scan.records import offer_models  # noqa: F401  (issue 20: sessions, registrations)
from scan.staff import models as staff_models  # noqa: F401

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "alembic needs sqlalchemy.url or a connection"
    engine = create_engine(url)
    with engine.begin() as new_connection:
        _run(new_connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
