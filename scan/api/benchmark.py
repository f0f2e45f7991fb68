"""The "benchmark" of a result in the API: where the firm stands among similar firms."""

from __future__ import annotations

from typing import Any

from ..domain.benchmark import Benchmark


def benchmark_document(found: Benchmark | None) -> dict[str, Any] | None:
    """Describe a comparison as the API publishes it; None below the guard of 15 scans.

    The segment names a sector and a size id, or null for "every"; each theme has its
    quartiles (exact, so 62.5 may occur) and the firm's position 0-100 (null when the theme
    was not measured for it), or is null when the segment has too few scores on it.
    """
    if found is None:
        return None
    return {
        "segment": {"sector": found.segment.sector, "size": found.segment.size},
        "n": found.n,
        "themes": {
            theme_id: None
            if spread is None
            else {
                "p25": spread.p25,
                "p50": spread.p50,
                "p75": spread.p75,
                "position": spread.position,
            }
            for theme_id, spread in found.themes.items()
        },
    }
