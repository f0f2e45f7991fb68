"""Seed completed scans with known theme scores, for the comparison with similar firms."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from scan.db import database
from scan.models import BenchmarkCount, Scan, utcnow

THEMES = ("online-sales-marketing", "data", "automatisering")


def seed_scans(
    app,
    sector: str | None,
    size: str | None,
    scores: Iterable[tuple[int | None, int | None, int | None]],
    completed_at: datetime | None = None,
    werkplaats_id: str | None = None,
) -> list[str]:
    """Store completed, benchmarked scans of a segment with these theme scores; their tokens.

    Stored as completion stores them: the database's triggers count them.
    """
    tokens = []
    with database(app).sessions() as session:
        for osm, data, auto in scores:
            token = secrets.token_urlsafe(32)
            session.add(
                Scan(
                    token=token,
                    status="completed",
                    bank_version="seed",
                    profile={"sector": sector, "size": size},
                    result={"themes": {}},
                    completed_at=completed_at or utcnow(),
                    werkplaats_id=werkplaats_id,
                    score_online_sales_marketing=osm,
                    score_data=data,
                    score_automatisering=auto,
                    benchmarked=True,
                )
            )
            tokens.append(token)
        session.commit()
    return tokens


def counted(app, sector: str = "", size: str = "", theme: str = "") -> dict[int, int]:
    """The counts of one segment and theme ("" for every / the scans), score -> scans."""
    with database(app).sessions() as session:
        rows = session.execute(
            select(BenchmarkCount.score, BenchmarkCount.scans).where(
                BenchmarkCount.sector == sector,
                BenchmarkCount.size == size,
                BenchmarkCount.theme == theme,
                BenchmarkCount.scans > 0,
            )
        )
        return {score: scans for score, scans in rows}


#: Fifteen scans with known quartiles (inclusive method, 15 scores: data[3..4], [7], [10..11]).
#: osm: 0..90 by 10, then 100 five times -> 35.0, 70.0, 100.0; a 100 is above 10, equal to 5.
#: data: 50 each -> 50.0 three times. automatisering: 0..70 by 5 -> 17.5, 35.0, 52.5.
FIFTEEN = [(10 * i if i < 10 else 100, 50, 5 * i) for i in range(15)]
