"""The dashboard's spread per theme (issue 18): a werkplaats against the network, per sector and
per size, with the guard the result page has: a group of fewer than 15 scans is not shown.

The same numbers an ondernemer is compared with: completed scans of the last 24 months
(`scans.benchmarked`). The network, its sectors and its sizes come from `benchmark_counts` in
one query; a werkplaats's own scans (or the national queue's) from one aggregate on scans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..content import Bank
from ..domain.benchmark import MIN_OTHERS, Segment, SegmentCounts, Spread, spread
from ..journey.strips import StripChart, strip_chart
from ..models import BenchmarkCount, Scan, Werkplaats
from ..records.benchmark import counts_by_segment, number_nl
from ..records.scans import score_column
from .inbox import NATIONAL

NETWORK = "Hele netwerk"


@dataclass(frozen=True)
class SpreadRow:
    """One group: its scans, and per theme its spread (None: fewer than 15 scores)."""

    label: str
    scans: int
    themes: dict[str, Spread | None]

    @property
    def shown(self) -> bool:
        """Tell whether the group is large enough to show anything of it."""
        return self.scans >= MIN_OTHERS

    def cell(self, theme_id: str) -> str:
        """A theme's spread as a table cell: "35 tot 70 (midden 50)", or why it is not there."""
        found = self.themes.get(theme_id)
        if not self.shown:
            return "te weinig scans"
        if found is None:
            return "te weinig scores"
        low, middle, high = (number_nl(v) for v in (found.p25, found.p50, found.p75))
        return f"{low} tot {high} (midden {middle})" if low != high else f"{low} (midden {middle})"


def _row(label: str, counts: SegmentCounts, theme_ids: Sequence[str]) -> SpreadRow:
    shown = counts.scans >= MIN_OTHERS
    return SpreadRow(
        label,
        counts.scans,
        {t: spread(counts.themes.get(t, {})) if shown else None for t in theme_ids},
    )


def _network(session: Session) -> dict[Segment, SegmentCounts]:
    """The counts of all firms, of each sector and of each size, in one query."""
    rows = session.execute(
        select(
            BenchmarkCount.sector,
            BenchmarkCount.size,
            BenchmarkCount.theme,
            BenchmarkCount.score,
            BenchmarkCount.scans,
        ).where(
            or_(BenchmarkCount.sector == "", BenchmarkCount.size == ""), BenchmarkCount.scans > 0
        )
    )
    return counts_by_segment(rows)


def _scope_counts(session: Session, bank: Bank, scope: str) -> SegmentCounts:
    """The counted scans routed to a werkplaats (or in the national queue), per theme score."""
    columns = [getattr(Scan, score_column(theme.id)) for theme in bank.themes]
    where = Scan.werkplaats_id.is_(None) if scope == NATIONAL else Scan.werkplaats_id == scope
    rows = session.execute(
        select(*columns, func.count()).where(Scan.benchmarked.is_(True), where).group_by(*columns)
    )
    themes: dict[str, dict[int, int]] = {theme.id: {} for theme in bank.themes}
    scans = 0
    for *scores, count in rows:
        scans += count
        for theme, score in zip(bank.themes, scores, strict=True):
            if score is not None:
                themes[theme.id][score] = themes[theme.id].get(score, 0) + count
    return SegmentCounts(scans, themes)


@dataclass(frozen=True)
class Spreads:
    """The dashboard's spreads: the scope against the network, then per sector and size."""

    theme_titles: dict[str, str]
    #: The scope's own row first when a werkplaats (or the national queue) is chosen.
    groups: list[SpreadRow]
    sectors: list[SpreadRow]
    sizes: list[SpreadRow]
    #: Per theme the strips of the groups shown (a theme with none shown has no chart).
    charts: dict[str, StripChart]


def spread_figures(session: Session, bank: Bank, scope: str | None) -> Spreads:
    """Compute the spreads of the dashboard for a scope (None: the whole network)."""
    theme_ids: list[str] = [theme.id for theme in bank.themes]
    network = _network(session)
    groups = [_row(NETWORK, network.get(Segment(None, None), SegmentCounts()), theme_ids)]
    if scope:
        werkplaats = session.get(Werkplaats, scope) if scope != NATIONAL else None
        label = werkplaats.name if werkplaats else "Landelijke wachtrij"
        groups.insert(0, _row(label, _scope_counts(session, bank, scope), theme_ids))
    sectors = [
        _row(o.label, network.get(Segment(o.id, None), SegmentCounts()), theme_ids)
        for o in bank.profile_by_id["sector"].options
    ]
    sizes = [
        _row(o.label, network.get(Segment(None, o.id), SegmentCounts()), theme_ids)
        for o in bank.profile_by_id["size"].options
    ]
    charts: dict[str, StripChart] = {}
    for theme_id in theme_ids:
        strips: list[tuple[str, float, float, float, int | None]] = [
            (g.label, s.p25, s.p50, s.p75, None)
            for g in groups
            if (s := g.themes[theme_id]) is not None
        ]
        if strips:
            charts[theme_id] = strip_chart(strips)
    titles: dict[str, str] = {theme.id: theme.title for theme in bank.themes}
    return Spreads(titles, groups, sectors, sizes, charts)


def spread_context(session: Session, bank: Bank, scope: str | None) -> dict[str, Any]:
    """Return the template values of templates/staff/_spreads.html."""
    return {"spreads": spread_figures(session, bank, scope)}
