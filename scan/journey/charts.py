"""Pure geometry for the server-side SVG bar chart of the theme scores."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360
ROW_HEIGHT = 52
LABEL_BASELINE = 16
BAR_TOP = 24
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    """One horizontal bar with its label above it."""

    label: str
    value: int
    label_y: int
    bar_y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars of 0-100 values, with gridlines at the level bands 25, 50 and 75."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_height: int
    gridlines: tuple[float, ...]


def bar_chart(values: list[tuple[str, int]], maximum: int = 100) -> BarChart:
    """Lay out one bar per (label, value); scores run to 100, counts to their largest value.

    Gridlines mark the level bands (25, 50, 75) of a score chart, quarters of a count chart.
    """
    scale = max(maximum, 1)
    bars = tuple(
        Bar(
            label,
            value,
            row * ROW_HEIGHT + LABEL_BASELINE,
            row * ROW_HEIGHT + BAR_TOP,
            round(WIDTH * max(0, min(value, scale)) / scale, 1),
        )
        for row, (label, value) in enumerate(values)
    )
    gridlines = tuple(WIDTH * q / 4 for q in (1, 2, 3))
    return BarChart(bars, WIDTH, len(bars) * ROW_HEIGHT, BAR_HEIGHT, gridlines)
