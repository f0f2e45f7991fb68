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


def bar_chart(values: list[tuple[str, int]]) -> BarChart:
    """Lay out one bar per (label, value 0-100)."""
    bars = tuple(
        Bar(
            label,
            value,
            row * ROW_HEIGHT + LABEL_BASELINE,
            row * ROW_HEIGHT + BAR_TOP,
            round(WIDTH * max(0, min(value, 100)) / 100, 1),
        )
        for row, (label, value) in enumerate(values)
    )
    gridlines = tuple(WIDTH * v / 100 for v in (25, 50, 75))
    return BarChart(bars, WIDTH, len(bars) * ROW_HEIGHT, BAR_HEIGHT, gridlines)
