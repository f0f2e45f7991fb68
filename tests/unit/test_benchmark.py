"""Bedrijven zoals jij: the maths of the comparison (scan/domain/benchmark.py), exactly."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scan.domain.benchmark import (
    MIN_OTHERS,
    Segment,
    SegmentCounts,
    Spread,
    benchmark,
    in_tenths,
    position,
    position_sentence,
    quartiles,
    segment_name,
    segments_for,
    spread,
    window_start,
)
from scan.journey.strips import strip_chart

THEMES = ("online-sales-marketing", "data", "automatisering")


def counts_of(*scores: int) -> dict[int, int]:
    return dict(Counter(scores))


def segment(scans: list[tuple[int | None, ...]]) -> SegmentCounts:
    """Counts of a segment from its scans' theme scores, as the triggers keep them."""
    themes: dict[str, dict[int, int]] = {t: {} for t in THEMES}
    for scores in scans:
        for theme, score in zip(THEMES, scores, strict=True):
            if score is not None:
                themes[theme][score] = themes[theme].get(score, 0) + 1
    return SegmentCounts(len(scans), themes)


@given(st.lists(st.integers(0, 100), min_size=2, max_size=300))
def test_quartiles_are_statistics_quantiles_inclusive_on_the_scores_written_out(scores):
    expected = statistics.quantiles(scores, n=4, method="inclusive")
    assert list(quartiles(counts_of(*scores))) == expected


def test_quartiles_of_known_scores():
    # 1..15: j, delta = divmod(i * 14, 4) -> (3, 2), (7, 0), (10, 2)
    assert quartiles(counts_of(*range(1, 16))) == (4.5, 8.0, 11.5)
    assert quartiles({40: 10, 60: 10}) == (40.0, 50.0, 60.0)
    assert quartiles({0: 0, 70: 2}) == (70.0, 70.0, 70.0)  # a zero count is no score


def test_quartiles_need_two_scores():
    with pytest.raises(ValueError):
        quartiles({50: 1})


@pytest.mark.parametrize(
    ("distribution", "score", "expected"),
    [
        ({10: 5, 50: 5, 90: 5}, 50, 50),  # 5 below, 5 equal of 15: (5 + 2.5) / 15
        ({10: 5, 50: 5, 90: 5}, 90, 83),  # (10 + 2.5) / 15 = 83.3
        ({10: 5, 50: 5, 90: 5}, 0, 0),
        ({10: 5, 50: 5, 90: 5}, 100, 100),
        ({10: 7, 20: 1, 90: 8}, 20, 47),  # (7 + 0.5) / 16 = 46.875
        # Exact halves: round() goes to the even number, as the issue's formula in Python.
        ({10: 1, 20: 15}, 10, 3),  # (0 + 0.5) / 16 = 3.125 -> 3
        ({10: 1, 90: 1}, 10, 25),  # 0.5 / 2 = 25
        ({10: 1, 20: 3, 90: 4}, 20, 31),  # (1 + 1.5) / 8 = 31.25
    ],
)
def test_position(distribution, score, expected):
    assert position(distribution, score) == expected


def test_position_rounds_an_exact_half_as_python_does():
    # 100 * (1 + 0) / 8 = 12.5 -> 12; 100 * (3 + 0) / 8 = 37.5 -> 38 (to even).
    assert position({10: 1, 20: 7}, 15) == round(12.5) == 12
    assert position({10: 3, 20: 5}, 15) == round(37.5) == 38


@given(st.lists(st.integers(0, 100), min_size=1, max_size=200), st.integers(0, 100))
def test_position_is_the_issue_formula(scores, score):
    below = sum(s < score for s in scores)
    equal = sum(s == score for s in scores)
    assert position(counts_of(*scores), score) == round(100 * (below + equal / 2) / len(scores))


def test_spread_needs_min_others_scores():
    assert spread(counts_of(*range(14))) is None
    found = spread(counts_of(*range(15)), 7)
    assert found == Spread(15, 3.5, 7.0, 10.5, 7, 50, 7, 1)


def test_segments_in_the_order_of_the_issue():
    assert segments_for("bouw", "micro") == (
        Segment("bouw", "micro"),
        Segment("bouw", None),
        Segment(None, "micro"),
        Segment(None, None),
    )
    assert segments_for(None, "micro") == (Segment(None, "micro"), Segment(None, None))
    assert segments_for(None, None) == (Segment(None, None),)


def _counts(specific: int, sector: int, size: int, everyone: int):
    """Counts where each segment has this many scans, all scoring (50, 50, 50)."""
    return {
        seg: segment([(50, 50, 50)] * n)
        for seg, n in (
            (Segment("bouw", "micro"), specific),
            (Segment("bouw", None), sector),
            (Segment(None, "micro"), size),
            (Segment(None, None), everyone),
        )
    }


SCORES = dict(zip(THEMES, (50, 50, 50), strict=True))


@pytest.mark.parametrize(
    ("sizes", "chosen", "n"),
    [
        ((15, 20, 30, 40), Segment("bouw", "micro"), 15),
        ((14, 20, 30, 40), Segment("bouw", None), 20),
        ((14, 14, 30, 40), Segment(None, "micro"), 30),
        ((14, 14, 14, 15), Segment(None, None), 15),
        ((3, 5, 9, 14), None, 0),
    ],
)
def test_the_most_specific_segment_with_fifteen_others(sizes, chosen, n):
    found = benchmark(_counts(*sizes), "bouw", "micro", SCORES, counted=False)
    assert (found.segment if found else None) == chosen
    assert (found.n if found else 0) == n


@pytest.mark.parametrize(("in_segment", "chosen"), [(15, Segment("bouw", None)), (16, None)])
def test_the_shown_scan_is_not_part_of_its_own_segment(in_segment, chosen):
    # The counts hold the shown scan itself: 15 in its sector and size are only 14 others.
    counts = _counts(in_segment, 16, 16, 16)
    found = benchmark(counts, "bouw", "micro", SCORES, counted=True)
    expected = Segment("bouw", "micro") if in_segment == 16 else chosen
    assert found is not None and found.segment == expected
    assert found.n == 15
    theme = found.themes["data"]
    assert theme is not None and theme.n == 15 and theme.equal == 15


def test_a_scan_not_counted_is_not_taken_out():
    found = benchmark(_counts(15, 15, 15, 15), "bouw", "micro", SCORES, counted=False)
    assert found is not None and found.segment == Segment("bouw", "micro") and found.n == 15


def test_numbers_of_a_known_segment():
    # 16 others: osm 0..75 in steps of 5, data all 40, automatisering not measured for 4.
    scans = [(5 * i, 40, None if i < 4 else 10 * i) for i in range(16)]
    counts = {Segment("bouw", "micro"): segment(scans)}
    own = {"online-sales-marketing": 62, "data": 40, "automatisering": None}
    found = benchmark(counts, "bouw", "micro", own, counted=False)
    assert found is not None and found.n == 16
    osm = found.themes["online-sales-marketing"]
    assert osm is not None
    assert (osm.p25, osm.p50, osm.p75) == (18.75, 37.5, 56.25)
    assert osm.position == 81  # 13 of 16 below 62
    data = found.themes["data"]
    assert data is not None and (data.p25, data.p50, data.p75, data.position) == (40, 40, 40, 50)
    assert found.themes["automatisering"] is None  # 12 scores: fewer than 15


def test_a_theme_the_firm_has_no_score_on_shows_the_spread_without_a_position():
    counts = {Segment(None, None): segment([(10, 20, 30)] * 15)}
    own = {"online-sales-marketing": 50, "data": None, "automatisering": 30}
    found = benchmark(counts, None, None, own, counted=False)
    assert found is not None
    data = found.themes["data"]
    assert data is not None and data.position is None and data.p50 == 20


def test_fourteen_others_is_not_enough_anywhere():
    assert MIN_OTHERS == 15
    counts = {Segment(None, None): segment([(50, 50, 50)] * 14)}
    assert benchmark(counts, "bouw", "micro", SCORES, counted=False) is None


@pytest.mark.parametrize(
    ("now", "start"),
    [
        (datetime(2026, 12, 4, 10, tzinfo=UTC), datetime(2024, 12, 4, 10, tzinfo=UTC)),
        (datetime(2026, 2, 28, tzinfo=UTC), datetime(2024, 2, 28, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 31, tzinfo=UTC), datetime(2024, 1, 31, tzinfo=UTC)),
    ],
)
def test_the_window_is_24_calendar_months(now, start):
    assert window_start(now) == start
    assert window_start(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)


def test_segment_names():
    name = segment_name
    assert name(Segment("detailhandel", "micro"), "winkels", "met 2 tot en met 9 mensen") == (
        "winkels met 2 tot en met 9 mensen"
    )
    assert name(Segment("detailhandel", None), "winkels", None) == "winkels"
    assert name(Segment(None, "micro"), None, "met 2 tot en met 9 mensen") == (
        "bedrijven met 2 tot en met 9 mensen"
    )
    assert name(Segment(None, None), None, None) == "alle bedrijven die de scan deden"


def _spread(n: int, below: int, equal: int, score: int = 50) -> Spread:
    pos = round(100 * (below + equal / 2) / n)
    return Spread(n, 0, 0, 0, score, pos, below, equal)


@pytest.mark.parametrize(
    ("found", "sentence"),
    [
        (_spread(20, 14, 0), "Je scoort hoger dan ongeveer 7 van de 10 bedrijven zoals jij."),
        (_spread(20, 19, 0), "Je scoort hoger dan bijna alle bedrijven zoals jij."),
        (_spread(20, 0, 0), "Bijna alle bedrijven zoals jij scoren hier hoger dan jij."),
        (
            _spread(20, 8, 6),
            "Ongeveer 3 van de 10 bedrijven zoals jij scoren hier precies even hoog als jij, "
            "en ongeveer 4 van de 10 lager.",
        ),
        (
            _spread(20, 0, 20),
            "Bijna alle bedrijven zoals jij scoren hier precies even hoog als jij.",
        ),
        (Spread(20, 0, 0, 0), None),
    ],
)
def test_position_in_words(found, sentence):
    assert position_sentence(found) == sentence


def test_tenths_round_half_up():
    assert [in_tenths(k, 20) for k in (0, 1, 3, 19, 20)] == [0, 1, 2, 10, 10]


def test_a_strip_lays_out_the_middle_half_the_median_and_the_firm():
    chart = strip_chart([("Bedrijven zoals jij", 25, 50, 75, 100), ("Netwerk", 0, 0, 0, None)])
    first, second = chart.rows
    assert (first.box_x, first.box_width, first.median_x, first.dot_x) == (
        94.0,
        172.0,
        180.0,
        352.0,
    )
    assert second.dot_x is None and second.box_width == 0 and second.track_y == 74
    assert chart.height == 2 * 50 + 18
    assert [t[1:] for t in chart.ticks] == [
        (0, "start"),
        (25, "middle"),
        (50, "middle"),
        (75, "middle"),
        (100, "end"),
    ]
