"""What "bedrijven zoals jij" costs (issue 18), on a database with many completed scans.

Builds an empty database at revision 0014, stores N completed scans (13 sectors, 4 sizes,
theme scores in the steps a question bank of about 25 points per theme gives), then times:
migration 0015 counting them in one statement; completing a scan in its own transaction with
the triggers counting it; and reading a firm's comparison (the one query of the result page
and the API, then the maths).

Usage, from the project root (the database must be empty; SQLite: a new file is made):

    .venv/bin/python bench/benchmark_counts.py --scans 50000
    .venv/bin/python bench/benchmark_counts.py --database-url postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import JSON, DateTime, Integer, String, column, insert, select, table  # noqa: E402

import scan  # noqa: E402
from scan.db import alembic_config, database  # noqa: E402
from scan.domain.benchmark import segments_for  # noqa: E402
from scan.models import Scan, utcnow  # noqa: E402
from scan.records.benchmark import benchmark_of, segment_counts  # noqa: E402

COLUMNS = [
    ("token", String),
    ("status", String),
    ("bank_version", String),
    ("profile", JSON),
    ("answers", JSON),
    ("steps_done", JSON),
    ("created_at", DateTime(timezone=True)),
    ("updated_at", DateTime(timezone=True)),
    ("completed_at", DateTime(timezone=True)),
    ("score_online_sales_marketing", Integer),
    ("score_data", Integer),
    ("score_automatisering", Integer),
]


def migrate(app, revision: str) -> None:
    with database(app).engine.begin() as connection:
        config = alembic_config(app)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def timed(label: str, repeat: int, call) -> None:
    call()
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    print(f"{label}: {(time.perf_counter() - start) / repeat * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--scans", type=int, default=50_000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = scan.create_app({"SCAN_ENV": "testing", "SECRET_KEY": "b" * 40, "DATABASE_URL": url})
    bank = app.extensions["scan.bank"]
    sectors = bank.sector_ids
    sizes = [o.id for o in bank.profile_by_id["size"].options]
    rnd = random.Random(18)

    def score() -> int:
        return round(100 * rnd.randint(0, 25) / 25)

    def profile() -> dict[str, str]:
        return {"sector": rnd.choice(sectors), "size": rnd.choice(sizes)}

    migrate(app, "0014")
    now = utcnow()
    scans = table("scans", *(column(name, kind) for name, kind in COLUMNS))
    rows = [
        {
            "token": f"bench{i:039d}",
            "status": "completed",
            "bank_version": bank.version,
            "profile": profile(),
            "answers": {},
            "steps_done": [],
            "created_at": now,
            "updated_at": now,
            "completed_at": now,
            "score_online_sales_marketing": score(),
            "score_data": score(),
            "score_automatisering": score(),
        }
        for i in range(args.scans)
    ]
    with database(app).engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(scans), rows[start : start + 5000])
    started = time.perf_counter()
    migrate(app, "0015")
    print(f"{database(app).engine.dialect.name}, {args.scans} completed scans")
    print(f"migration 0015, counting them: {time.perf_counter() - started:.2f} s")
    added = iter(range(10**6))

    def complete(counted: bool = True) -> None:
        with database(app).sessions() as session:
            session.add(
                Scan(
                    token=f"new{next(added):041d}",
                    status="completed",
                    bank_version=bank.version,
                    profile=profile(),
                    completed_at=utcnow(),
                    score_online_sales_marketing=score(),
                    score_data=score(),
                    score_automatisering=score(),
                    benchmarked=counted,
                )
            )
            session.commit()

    timed("a completion not counted (INSERT and COMMIT)", 300, lambda: complete(False))
    timed("a completion counted by the triggers (INSERT and COMMIT)", 300, complete)
    with database(app).sessions() as session:
        firm = session.scalars(select(Scan).limit(1)).one()
        segments = segments_for(firm.profile["sector"], firm.profile["size"])
        timed(
            "reading a firm's four segments (the one query)",
            500,
            lambda: segment_counts(session, segments),
        )
        timed(
            "the whole comparison (query and maths)", 500, lambda: benchmark_of(session, bank, firm)
        )


if __name__ == "__main__":
    main()
