"""Bedrijven zoals jij: the counts per segment, theme and score, and a scan's place among them.

The counts live in `benchmark_counts`, kept by database triggers on scans (migration 0015):
a scan is counted while `scans.benchmarked` is set, from its completion (scans.completion)
until the daily purge clears it 24 months later (`past_window`) or a re-scan of the firm is
completed (scans.uncount_earlier); erased or purged, it is uncounted too. Reading a firm's
comparison is one query: its four segments' rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from ..content import Bank
from ..content.benchmark import PublicFigure, sector_group, size_group
from ..domain.benchmark import (
    Benchmark,
    Segment,
    SegmentCounts,
    Spread,
    benchmark,
    position_sentence,
    segment_name,
    segments_for,
    window_start,
)
from ..models import BenchmarkCount, Scan
from .scans import score_column

#: The theme id of the rows that count the scans themselves (whatever their theme scores).
SCANS = ""


def _key(segment: Segment) -> tuple[str, str]:
    return segment.sector or "", segment.size or ""


#: A firm's (at most) four segments' counts. Conditions joined by OR, not a row-value IN:
#: SQLite searches the primary key for each, and scans the whole table for the IN. Made once.
SEGMENTS_COUNTS = select(
    BenchmarkCount.sector,
    BenchmarkCount.size,
    BenchmarkCount.theme,
    BenchmarkCount.score,
    BenchmarkCount.scans,
).where(
    or_(
        *(
            and_(
                BenchmarkCount.sector == bindparam(f"sector{i}"),
                BenchmarkCount.size == bindparam(f"size{i}"),
            )
            for i in range(4)
        )
    ),
    BenchmarkCount.scans > 0,
)


def segment_counts(session: Session, segments: tuple[Segment, ...]) -> dict[Segment, SegmentCounts]:
    """Read the counts of (at most four) segments, in one query."""
    keys = [_key(s) for s in segments]
    keys += keys[-1:] * (4 - len(keys))  # fewer segments: one of them again
    params = {}
    for i, (sector, size) in enumerate(keys):
        params[f"sector{i}"], params[f"size{i}"] = sector, size
    # Through the connection: plain rows, without the ORM's result processing (and so without
    # its autoflush: a scan completed in this transaction is counted before it is read).
    session.flush()
    return counts_by_segment(session.connection().execute(SEGMENTS_COUNTS, params))


def counts_by_segment(rows: Iterable[Sequence[Any]]) -> dict[Segment, SegmentCounts]:
    """Group (sector, size, theme, score, scans) rows into counts per segment ("": every)."""
    scans: dict[tuple[str, str], int] = {}
    themes: dict[tuple[str, str], dict[str, dict[int, int]]] = {}
    for sector, size, theme, score, count in rows:
        if theme == SCANS:
            scans[sector, size] = count
        else:
            by_theme = themes.get((sector, size))
            if by_theme is None:
                by_theme = themes[sector, size] = {}
            by_score = by_theme.get(theme)
            if by_score is None:
                by_score = by_theme[theme] = {}
            by_score[score] = count
    return {
        Segment(key[0] or None, key[1] or None): SegmentCounts(
            scans.get(key, 0), themes.get(key, {})
        )
        for key in scans.keys() | themes.keys()
    }


def theme_scores(bank: Bank, scan: Scan) -> dict[str, int | None]:
    """A scan's score per theme as the counts hold it (None: not measured), in bank order."""
    return {theme.id: getattr(scan, score_column(theme.id)) for theme in bank.themes}


def benchmark_of(session: Session, bank: Bank, scan: Scan) -> Benchmark | None:
    """Compare a completed scan with the other scans of its segments (one query)."""
    profile = scan.profile or {}
    sector, size = profile.get("sector") or None, profile.get("size") or None
    segments = segments_for(sector, size)
    counts = segment_counts(session, segments)
    return benchmark(counts, sector, size, theme_scores(bank, scan), scan.benchmarked)


def past_window(now: datetime) -> ColumnElement[bool]:
    """The counted scans completed before the comparison's window (24 months)."""
    return Scan.benchmarked.is_(True) & (Scan.completed_at < window_start(now))


def name_of(bank: Bank, segment: Segment) -> str:
    """Name a segment in Dutch: "winkels en andere detailhandel met 2 tot en met 9 mensen"."""
    content = bank.benchmark
    group = phrase = None
    if segment.sector is not None:
        group = sector_group(content, bank.profile_by_id["sector"], segment.sector)
    if segment.size is not None:
        phrase = size_group(content, bank.profile_by_id["size"], segment.size)
    return segment_name(segment, group, phrase)


def number_nl(value: float) -> str:
    """A percentile the Dutch way, exact: 62, 62,5 or 62,25."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


@dataclass(frozen=True)
class ThemeComparison:
    """One theme of the comparison in words, with the public figures that fit the firm."""

    theme_id: str
    title: str
    #: None when the segment has too few scores on this theme.
    spread: Spread | None
    sentence: str | None
    figures: tuple[PublicFigure, ...]

    @property
    def numbers(self) -> tuple[str, str, str] | None:
        """The 25th, 50th and 75th percentile as the page writes them."""
        if self.spread is None:
            return None
        spread = self.spread
        return number_nl(spread.p25), number_nl(spread.p50), number_nl(spread.p75)

    @property
    def middle_half(self) -> str:
        """The middle half in words: "35 tot 100", or "50" when it is one score."""
        if self.numbers is None:
            return ""
        low, _, high = self.numbers
        return low if low == high else f"{low} tot {high}"


@dataclass(frozen=True)
class BenchmarkView:
    """The comparison as the result page shows it; `found` None: not enough scans yet."""

    found: Benchmark | None
    segment: str | None
    themes: tuple[ThemeComparison, ...]

    @property
    def has_figures(self) -> bool:
        """Tell whether any theme has public figures to show."""
        return any(t.figures for t in self.themes)


def present_benchmark(session: Session, bank: Bank, scan: Scan) -> BenchmarkView:
    """The comparison of a completed scan with similar firms, and the public figures."""
    found = benchmark_of(session, bank, scan)
    profile = scan.profile or {}
    asked = bank.for_sector(profile.get("sector"))
    themes = []
    for theme in asked.themes:
        spread = found.themes.get(theme.id) if found else None
        figures = bank.benchmark.figures_for(
            set(theme.questions_by_id), profile.get("size"), profile.get("sector")
        )
        sentence = position_sentence(spread) if spread else None
        themes.append(ThemeComparison(theme.id, theme.title, spread, sentence, figures))
    return BenchmarkView(found, name_of(bank, found.segment) if found else None, tuple(themes))
