"""Pure geometry for the SVG strips of "bedrijven zoals jij": the spread of scores on 0-100.

Each row is one group: a track for the whole scale, a box over the middle half (25th to 75th
percentile), a line at the median and, for a firm, a dot at its own score. Ticks at 0, 25,
50, 75 and 100 (the level bands) run under the rows. The page states the same numbers in a
table and in words, and the SVG's description says them too.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360
#: Room left and right of the scale, so a dot at 0 or 100 is drawn whole.
PAD = 8
ROW_HEIGHT = 50
LABEL_BASELINE = 15
TRACK_TOP = 24
TRACK_HEIGHT = 16
AXIS_HEIGHT = 18
TICKS = (0, 25, 50, 75, 100)


def x_of(value: float) -> float:
    """The x coordinate of a value 0-100."""
    return round(PAD + (WIDTH - 2 * PAD) * max(0.0, min(value, 100.0)) / 100, 1)


@dataclass(frozen=True)
class StripRow:
    """One group's spread, laid out."""

    label: str
    label_y: int
    track_y: int
    box_x: float
    box_width: float
    median_x: float
    #: The firm's own score: the dot's centre, or None.
    dot_x: float | None

    @property
    def centre_y(self) -> int:
        """The vertical middle of the track, where the dot sits."""
        return self.track_y + TRACK_HEIGHT // 2


@dataclass(frozen=True)
class StripChart:
    """Rows of spreads above one axis."""

    rows: tuple[StripRow, ...]
    width: int
    height: int
    track_height: int
    scale_x: float
    scale_width: float
    axis_y: int
    #: (x, value, text-anchor): the outer ticks are anchored inwards, so they stay in view.
    ticks: tuple[tuple[float, int, str], ...]


def strip_chart(rows: list[tuple[str, float, float, float, int | None]]) -> StripChart:
    """Lay out one row per (label, p25, p50, p75, own score or None)."""
    laid = tuple(
        StripRow(
            label,
            row * ROW_HEIGHT + LABEL_BASELINE,
            row * ROW_HEIGHT + TRACK_TOP,
            x_of(p25),
            round(x_of(p75) - x_of(p25), 1),
            x_of(p50),
            x_of(own) if own is not None else None,
        )
        for row, (label, p25, p50, p75, own) in enumerate(rows)
    )
    axis_y = len(laid) * ROW_HEIGHT + AXIS_HEIGHT - 4
    return StripChart(
        laid,
        WIDTH,
        len(laid) * ROW_HEIGHT + AXIS_HEIGHT,
        TRACK_HEIGHT,
        PAD,
        WIDTH - 2 * PAD,
        axis_y,
        tuple(_tick(t) for t in TICKS),
    )


def _tick(value: int) -> tuple[float, int, str]:
    """A tick's label: the outer ones at the chart's edges, anchored inwards."""
    if value == TICKS[0]:
        return 0, value, "start"
    if value == TICKS[-1]:
        return WIDTH, value, "end"
    return x_of(value), value, "middle"
