"""The result page's "Bedrijven zoals jij": the comparison in words and a strip per theme."""

from __future__ import annotations

from typing import Any

from ..db import get_session
from ..models import Scan
from ..records.benchmark import present_benchmark
from . import current_bank
from .strips import strip_chart

#: The row label of the firm's group in each strip.
GROUP_LABEL = "Bedrijven zoals jij"


def benchmark_context(scan: Scan) -> dict[str, Any]:
    """Return the template values of templates/result/_benchmark.html (one query)."""
    view = present_benchmark(get_session(), current_bank(), scan)
    charts = {
        theme.theme_id: strip_chart(
            [
                (
                    GROUP_LABEL,
                    theme.spread.p25,
                    theme.spread.p50,
                    theme.spread.p75,
                    theme.spread.score,
                )
            ]
        )
        for theme in view.themes
        if theme.spread is not None
    }
    return {"benchmark": view, "benchmark_charts": charts}
