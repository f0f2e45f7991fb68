"""Reporting: the numbers a werkplaats and the network report on, from SQL aggregates.

The re-scan figures are the exception: they compare results, so `rescans_in` reads the
re-scans with their earlier scans (one query) and `impact` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased, raiseload

from ..content import Bank
from ..models import Lead, Scan
from ..records.chains import chain_roots
from ..records.rescans import compare_scans
from ..records.scans import score_column
from .impact import Rescan, RescanFigures, percentage, rescan_figures
from .inbox import NATIONAL, start_of
from .workflow import STATUSES

WEEKS = 12


@dataclass(frozen=True)
class Statistics:
    """The dashboard's numbers for one scope (a werkplaats, the national queue, or all)."""

    scans: int
    leads: int
    per_status: list[tuple[str, int]]
    theme_averages: list[tuple[str, int]]
    levels: list[tuple[str, list[int]]]
    partners: list[tuple[str, int, int]]
    weeks: list[tuple[str, int, int]]
    reached: int
    intakes: int
    trained: int
    trajecten: int

    @property
    def theme_rows(self) -> list[tuple[str, int, list[int]]]:
        """Per theme: title, average score and the counts at levels 1 to 4."""
        return [
            (title, average, counts)
            for (title, average), (_, counts) in zip(self.theme_averages, self.levels, strict=True)
        ]

    @property
    def conversion(self) -> str:
        """Leads per completed scan, as a Dutch percentage."""
        return percentage(self.leads, self.scans)


def _scoped(query, column, scope: str | None):
    """Limit a query to a werkplaats (its id), the national queue, or nothing (None: all)."""
    if scope == NATIONAL:
        return query.where(column.is_(None))
    if scope:
        return query.where(column == scope)
    return query


def _level_case(column):
    return case((column < 25, 1), (column < 50, 2), (column < 75, 3), else_=4)


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"week {week} ({year})"


def statistics(session: Session, bank: Bank, scope: str | None, now: datetime) -> Statistics:
    """Compute every dashboard figure for a scope."""
    completed = Scan.status == "completed"
    scans = (
        session.scalar(
            _scoped(
                select(func.count()).select_from(Scan).where(completed), Scan.werkplaats_id, scope
            )
        )
        or 0
    )
    leads = (
        session.scalar(_scoped(select(func.count()).select_from(Lead), Lead.werkplaats_id, scope))
        or 0
    )
    status_counts = dict(
        session.execute(
            _scoped(
                select(Lead.status, func.count()).group_by(Lead.status), Lead.werkplaats_id, scope
            )
        ).all()
    )
    per_status = [(label, status_counts.get(key, 0)) for key, label in STATUSES.items()]

    columns = [getattr(Scan, score_column(theme.id)) for theme in bank.themes]
    averages = session.execute(
        _scoped(select(*(func.avg(c) for c in columns)).where(completed), Scan.werkplaats_id, scope)
    ).one()
    theme_averages = [
        (theme.title, round(float(avg)) if avg is not None else 0)
        for theme, avg in zip(bank.themes, averages, strict=True)
    ]
    level_sums = []
    for column in columns:
        level = _level_case(column)
        level_sums += [func.sum(case((level == n, 1), else_=0)) for n in (1, 2, 3, 4)]
    level_row = session.execute(
        _scoped(select(*level_sums).where(completed), Scan.werkplaats_id, scope)
    ).one()
    levels = [
        (theme.title, [int(level_row[i * 4 + n] or 0) for n in range(4)])
        for i, theme in enumerate(bank.themes)
    ]

    partner_scans = dict(
        session.execute(
            _scoped(
                select(Scan.partner, func.count()).where(completed).group_by(Scan.partner),
                Scan.werkplaats_id,
                scope,
            )
        ).all()
    )
    partner_leads = dict(
        session.execute(
            _scoped(
                select(Lead.partner, func.count()).group_by(Lead.partner), Lead.werkplaats_id, scope
            )
        ).all()
    )
    partners = sorted(
        (
            (partner or "direct", partner_scans.get(partner, 0), partner_leads.get(partner, 0))
            for partner in set(partner_scans) | set(partner_leads)
        ),
        key=lambda row: (-row[1], row[0]),
    )

    since = now - timedelta(weeks=WEEKS)
    week_scans = session.scalars(
        _scoped(
            select(Scan.completed_at).where(completed, Scan.completed_at >= since),
            Scan.werkplaats_id,
            scope,
        )
    ).all()
    week_leads = session.scalars(
        _scoped(select(Lead.created_at).where(Lead.created_at >= since), Lead.werkplaats_id, scope)
    ).all()
    labels = [_week_label((now - timedelta(weeks=w)).date()) for w in range(WEEKS - 1, -1, -1)]
    scan_weeks = [_week_label(moment.date()) for moment in week_scans]
    lead_weeks = [_week_label(moment.date()) for moment in week_leads]
    weeks = [(label, scan_weeks.count(label), lead_weeks.count(label)) for label in labels]

    intakes = sum(count for key, count in status_counts.items() if key not in ("new", "declined"))

    def on_track(name: str) -> int:
        # The track is kept when a lead is done; a lead in that status counts as well.
        condition = or_(Lead.track == name, Lead.status == name)
        query = select(func.count()).select_from(Lead).where(condition)
        return session.scalar(_scoped(query, Lead.werkplaats_id, scope)) or 0

    return Statistics(
        scans=scans,
        leads=leads,
        per_status=per_status,
        theme_averages=theme_averages,
        levels=levels,
        partners=partners,
        weeks=weeks,
        reached=scans,
        intakes=intakes,
        trained=on_track("training"),
        trajecten=on_track("traject"),
    )


@dataclass(frozen=True)
class Period:
    """Whole days, both included; None: no limit on that side."""

    first: date | None = None
    last: date | None = None

    def conditions(self, column) -> list:
        """The conditions that keep a moment within the period."""
        found = []
        if self.first:
            found.append(column >= start_of(self.first))
        if self.last:
            found.append(column < start_of(self.last + timedelta(days=1)))
        return found


def rescans_in(
    session: Session, bank: Bank, scope: str | None, partner: str | None, period: Period
) -> list[Rescan]:
    """Read the completed re-scans of a scope, partner and period, each with its earlier scan.

    A re-scan belongs to the werkplaats it was routed to and the partner it came through,
    like every other figure here; the period is that of its completion. One query: the
    re-scans joined to the scans they were started from and to their chain's first scan.
    """
    conditions = [
        Scan.status == "completed",
        Scan.previous_token.is_not(None),
        *period.conditions(Scan.completed_at),
    ]
    if partner:
        conditions.append(Scan.partner == partner)
    chosen = _scoped(select(Scan.id).where(*conditions), Scan.werkplaats_id, scope)
    roots = chain_roots(chosen)
    earlier = aliased(Scan, name="earlier")
    rows = session.execute(
        select(Scan, earlier, roots.c.root)
        .join(earlier, earlier.token == Scan.previous_token)
        .join(roots, roots.c.seed == Scan.id)
        .where(earlier.status == "completed")
        # Neither werkplaats nor lead is read: a lazy load here would be a query per row.
        .options(*(raiseload(s.werkplaats) for s in (Scan, earlier)))
    ).all()
    found = []
    for scan, before, root in rows:
        change = compare_scans(bank, before, scan)
        found.append(
            Rescan(
                scan_id=scan.id,
                chain=root,
                completed_at=scan.completed_at,
                theme_deltas={t: c.delta for t, c in change.themes.items()} if change else {},
                resolved_safety=change.resolved_safety if change else (),
                offered=tuple(advice["id"] for advice in (before.result or {}).get("advice", [])),
                steps_answer=None if scan.steps_taken is None else tuple(scan.steps_taken),
            )
        )
    return found


def rescan_statistics(
    session: Session, bank: Bank, scope: str | None, partner: str | None, period: Period
) -> RescanFigures:
    """Compute the re-scan figures of a scope, partner and period (rules: staff.impact)."""
    rescans = rescans_in(session, bank, scope, partner, period)
    return rescan_figures(rescans, [theme.id for theme in bank.themes])
