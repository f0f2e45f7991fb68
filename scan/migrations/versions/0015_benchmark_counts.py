"""counts per score per segment for the benchmark (issue 18)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:45:00

`scans.benchmarked` says a scan is counted; `benchmark_counts` holds, per segment (sector and
size, sector, size, all firms: "" is "every"), theme and score, how many counted scans have
that score; theme "" counts the scans themselves. Triggers on scans keep the counts in the
same transaction as the change, whichever code makes it: counted when `benchmarked` is set
(completion), uncounted when it is cleared (the purge, after 24 months) or the scan is deleted
(erasure, retention, ON DELETE of anything to come).

On PostgreSQL every change of the counts takes the row of all firms' scans ("", "", "", 0)
first: the rows of a scan are added in key order, and that row is the first key; taking a
scan out locks it explicitly before the rest. A transaction that holds any row of the counts
so holds that one, and two can never wait for each other in a circle (no deadlock), however
many scans one erases or purges at once.

The column is added and dropped in place: batch mode would rebuild scans on SQLite, fire
leads' ON DELETE CASCADE, and drop these triggers. Completed scans of the last 24 months are
counted on upgrade (the newest of a re-scan's chain only: a firm counts once), in one
statement before the triggers are made.
"""

import calendar
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: The theme score columns of scans as they are at this revision.
THEMES = {
    "online-sales-marketing": "score_online_sales_marketing",
    "data": "score_data",
    "automatisering": "score_automatisering",
}
KEY = "sector, size, theme, score"
TRIGGERS = ("benchmark_count_insert", "benchmark_count_update", "benchmark_count_delete")
#: The first lock of every change of the counts on PostgreSQL (see the docstring).
FIRST_LOCK = (
    "PERFORM 1 FROM benchmark_counts WHERE sector = '' AND size = '' AND theme = '' "
    "AND score = 0 FOR UPDATE"
)


def _profile(row: str, item: str, dialect: str) -> str:
    """A profile item of the row as text; an empty value is no value."""
    if dialect == "postgresql":
        return f"NULLIF({row}.profile ->> '{item}', '')"
    return f"NULLIF(json_extract({row}.profile, '$.{item}'), '')"


def _rows(row: str, dialect: str) -> str:
    """The counts' keys of one scan (NEW or OLD): 4 segments x (the scan and each theme)."""
    sector, size = _profile(row, "sector", dialect), _profile(row, "size", dialect)
    themes = " ".join(
        f"UNION ALL SELECT '{theme}', {row}.{column}" for theme, column in THEMES.items()
    )
    return (
        f"SELECT seg.sector, seg.size, t.theme, t.score FROM ("
        f"SELECT {sector} AS sector, {size} AS size UNION ALL SELECT {sector}, '' "
        f"UNION ALL SELECT '', {size} UNION ALL SELECT '', '') AS seg CROSS JOIN ("
        f"SELECT '' AS theme, 0 AS score {themes}) AS t "
        f"WHERE {row}.benchmarked AND seg.sector IS NOT NULL AND seg.size IS NOT NULL "
        f"AND t.score IS NOT NULL"
    )


def _count(dialect: str) -> str:
    # WHERE true: SQLite reads ON after a bare FROM as a join constraint.
    return (
        f"INSERT INTO benchmark_counts ({KEY}, scans) SELECT {KEY}, 1 FROM "
        f"({_rows('NEW', dialect)}) AS r WHERE true ORDER BY {KEY} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET scans = benchmark_counts.scans + 1"
    )


def _uncount(dialect: str) -> str:
    join = " AND ".join(f"benchmark_counts.{c} = r.{c}" for c in KEY.split(", "))
    return (
        f"UPDATE benchmark_counts SET scans = benchmark_counts.scans - 1 "
        f"FROM ({_rows('OLD', dialect)}) AS r WHERE {join}"
    )


def _changed(dialect: str) -> str:
    """An update that changes what a counted scan is counted as."""
    differ = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    pairs = [
        (_profile("OLD", item, dialect), _profile("NEW", item, dialect))
        for item in ("sector", "size")
    ]
    pairs += [(f"OLD.{c}", f"NEW.{c}") for c in THEMES.values()]
    moved = " OR ".join(f"{old} {differ} {new}" for old, new in pairs)
    return f"OLD.benchmarked {differ} NEW.benchmarked OR (NEW.benchmarked AND ({moved}))"


def _columns() -> str:
    return ", ".join(["benchmarked", "profile", *THEMES.values()])


def _create_sqlite_triggers() -> None:
    op.execute(
        f"CREATE TRIGGER benchmark_count_insert AFTER INSERT ON scans WHEN NEW.benchmarked "
        f"BEGIN {_count('sqlite')}; END"
    )
    op.execute(
        f"CREATE TRIGGER benchmark_count_update AFTER UPDATE OF {_columns()} ON scans "
        f"WHEN {_changed('sqlite')} BEGIN {_uncount('sqlite')}; {_count('sqlite')}; END"
    )
    op.execute(
        f"CREATE TRIGGER benchmark_count_delete AFTER DELETE ON scans WHEN OLD.benchmarked "
        f"BEGIN {_uncount('sqlite')}; END"
    )


def _create_postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION benchmark_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' AND OLD.benchmarked THEN {FIRST_LOCK}; "
        f"{_uncount('postgresql')}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_count('postgresql')}; END IF; "
        "RETURN NULL; END $$"
    )
    run = "FOR EACH ROW {} EXECUTE FUNCTION benchmark_count()"
    op.execute(
        "CREATE TRIGGER benchmark_count_insert AFTER INSERT ON scans "
        + run.format("WHEN (NEW.benchmarked)")
    )
    op.execute(
        f"CREATE TRIGGER benchmark_count_update AFTER UPDATE OF {_columns()} ON scans "
        + run.format(f"WHEN ({_changed('postgresql')})")
    )
    op.execute(
        "CREATE TRIGGER benchmark_count_delete AFTER DELETE ON scans "
        + run.format("WHEN (OLD.benchmarked)")
    )


def _backfill(dialect: str) -> str:
    """Count every benchmarked scan in one statement: 4 segments x (the scan, each theme).

    Set-based, before the triggers exist: a trigger per row in one transaction would update
    the rows of all firms once per scan, each time past every earlier version of them.
    """
    sector, size = _profile("scans", "sector", dialect), _profile("scans", "size", dialect)
    parts = []
    for seg_sector, seg_size in ((sector, size), (sector, "''"), ("''", size), ("''", "''")):
        for theme, score in (("", "0"), *((t, f"scans.{c}") for t, c in THEMES.items())):
            parts.append(
                f"SELECT {seg_sector} AS sector, {seg_size} AS size, '{theme}' AS theme, "
                f"{score} AS score FROM scans WHERE scans.benchmarked AND {seg_sector} IS NOT NULL "
                f"AND {seg_size} IS NOT NULL AND {score} IS NOT NULL"
            )
    return (
        f"INSERT INTO benchmark_counts ({KEY}, scans) SELECT {KEY}, count(*) FROM ("
        + " UNION ALL ".join(parts)
        + f") AS r GROUP BY {KEY}"
    )


def _two_years_ago(now: datetime) -> datetime:
    """24 calendar months before now, as domain.benchmark.window_start (copied: frozen)."""
    year, month = divmod(now.year * 12 + now.month - 1 - 24, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def upgrade() -> None:
    op.add_column(
        "scans",
        sa.Column("benchmarked", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "benchmark_counts",
        sa.Column("sector", sa.String(60), nullable=False),
        sa.Column("size", sa.String(60), nullable=False),
        sa.Column("theme", sa.String(40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sector", "size", "theme", "score", name="pk_benchmark_counts"),
    )
    columns = (
        sa.column("benchmarked", sa.Boolean()),
        sa.column("status", sa.String()),
        sa.column("completed_at", sa.DateTime(timezone=True)),
        sa.column("token", sa.String()),
        sa.column("previous_token", sa.String()),
    )
    scans = sa.table("scans", *columns)
    later = sa.table("scans", *(sa.column(c.name, c.type) for c in columns)).alias("later")
    # A firm counts once, with its newest scan: not a scan a completed re-scan was made of.
    redone = sa.exists().where(
        later.c.previous_token == scans.c.token, later.c.status == "completed"
    )
    op.execute(
        scans.update()
        .where(
            scans.c.status == "completed",
            scans.c.completed_at >= _two_years_ago(datetime.now(UTC)),
            ~redone,
        )
        .values(benchmarked=True)
    )
    dialect = op.get_bind().dialect.name
    op.execute(_backfill(dialect))
    if dialect == "postgresql":
        _create_postgresql_triggers()
    else:
        _create_sqlite_triggers()


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}" + (" ON scans" if _postgresql() else ""))
    if _postgresql():
        op.execute("DROP FUNCTION benchmark_count()")
    op.drop_table("benchmark_counts")
    op.execute(sa.text("ALTER TABLE scans DROP COLUMN benchmarked"))


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
