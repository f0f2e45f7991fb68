"""Dutch formatting filters: periods in plain words."""

from __future__ import annotations

import pytest

from scan.web import period_nl


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (1, "1 dag"),
        (30, "30 dagen"),
        (364, "364 dagen"),
        (365, "1 jaar"),
        (730, "2 jaar"),
        (400, "400 dagen"),
    ],
)
def test_whole_years_are_said_in_years(days, said):
    assert period_nl(days) == said
