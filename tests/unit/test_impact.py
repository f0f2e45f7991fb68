"""The re-scan figures of the dashboard (scan/staff/impact.py), from hand-made re-scans."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scan.staff.impact import (
    FORWARD_POINTS,
    Rescan,
    latest_per_firm,
    percentage,
    rescan_figures,
    signed,
    uptake,
)
from tests.unit.test_layers import NOT_PURE, imported_modules

THEMES = ("osm", "data", "auto")


def rescan(
    scan_id: int,
    chain: int,
    day: int,
    deltas=(0, 0, 0),
    resolved=(),
    offered=(),
    answer=None,
) -> Rescan:
    """A re-scan completed on day `day` of March 2026."""
    return Rescan(
        scan_id=scan_id,
        chain=chain,
        completed_at=datetime(2026, 3, day, 12, tzinfo=UTC),
        theme_deltas=dict(zip(THEMES, deltas, strict=True)),
        resolved_safety=tuple(resolved),
        offered=tuple(offered),
        steps_answer=None if answer is None else tuple(answer),
    )


def test_the_module_is_pure():
    path = Path(__file__).resolve().parents[2] / "scan" / "staff" / "impact.py"
    found = imported_modules(path)
    assert not [n for n in found for bad in NOT_PURE if n == bad or n.startswith(bad + ".")]


@pytest.mark.parametrize(
    ("record", "forward"),
    [
        (rescan(1, 1, 1), False),
        (rescan(1, 1, 1, deltas=(FORWARD_POINTS, 0, 0)), True),
        (rescan(1, 1, 1, deltas=(FORWARD_POINTS - 1, 0, 0)), False),
        (rescan(1, 1, 1, deltas=(None, -20, 4)), False),
        (rescan(1, 1, 1, resolved=["back-ups"]), True),
        (rescan(1, 1, 1, offered=["a", "b"], answer=["b"]), True),
        (rescan(1, 1, 1, offered=["a", "b"], answer=["geen"]), False),
        (rescan(1, 1, 1, offered=["a", "b"], answer=["weet-ik-niet"]), False),
        # A ticked id the earlier scan did not advise is no step taken.
        (rescan(1, 1, 1, offered=["a"], answer=["z"]), False),
    ],
)
def test_a_step_forward_is_a_theme_up_5_a_safety_item_resolved_or_a_step_taken(record, forward):
    assert record.moved_forward is forward


def test_each_firm_counts_once_by_its_latest_rescan():
    # Chain 1: re-scans on 2 and 9 March; chain 2: two on 5 March (the higher id wins).
    records = [rescan(11, 1, 9), rescan(10, 1, 2), rescan(21, 2, 5), rescan(22, 2, 5)]
    assert [r.scan_id for r in latest_per_firm(records)] == [11, 22]


def test_figures_against_hand_computed_numbers():
    records = [
        # Firm 1: forward on its first re-scan (+10), not on its latest (-3): not forward.
        rescan(10, 1, 2, deltas=(10, 0, 0)),
        rescan(11, 1, 9, deltas=(-3, 1, None), offered=["a", "b"], answer=["geen"]),
        # Firm 2: a safety item in order now.
        rescan(20, 2, 4, deltas=(0, 2, 4), resolved=["mfa"], offered=["a"], answer=["a"]),
        # Firm 3: one advised step taken, scores down.
        rescan(30, 3, 6, deltas=(-6, -8, 0), offered=["a", "c"], answer=["c"]),
        # Firm 4: the automatisering theme up by 5 exactly; "Weet ik niet" on the steps.
        rescan(40, 4, 7, deltas=(1, 3, 5), offered=["b"], answer=["weet-ik-niet"]),
    ]
    figures = rescan_figures(records, THEMES)
    assert figures.rescans == 5
    assert figures.firms == 4
    assert figures.forward == 3  # firms 2, 3 and 4
    assert figures.forward_share == "75,0%"
    # Latest per firm: osm -3, 0, -6, 1 -> median -1.5; data 1, 2, -8, 3 -> 1.5;
    # auto None, 4, 0, 5 -> 4 (three firms: firm 1's theme was not measured).
    assert figures.medians == (("osm", -1.5, 4), ("data", 1.5, 4), ("auto", 4.0, 3))
    assert figures.median_rows == [("osm", "-1,5", 4), ("data", "+1,5", 4), ("auto", "+4", 3)]
    # Answered: 11 (a, b offered; none taken), 20 (a; a), 30 (a, c; c). 40 said "Weet ik
    # niet" and 10 was never asked: neither counts.
    assert [(u.advice_id, u.offered, u.taken) for u in figures.uptake] == [
        ("c", 1, 1),
        ("a", 3, 1),
        ("b", 1, 0),
    ]
    assert [u.share for u in figures.uptake] == ["100,0%", "33,3%", "0,0%"]


def test_uptake_counts_an_item_once_per_rescan_and_every_rescan_of_a_firm():
    records = [
        rescan(1, 1, 1, offered=["a", "a"], answer=["a"]),
        rescan(2, 1, 2, offered=["a"], answer=["geen"]),
        rescan(3, 2, 3, offered=["a"], answer=[]),  # nothing was asked
    ]
    assert [(u.advice_id, u.offered, u.taken) for u in uptake(records)] == [("a", 2, 1)]


def test_no_rescans_give_empty_figures():
    figures = rescan_figures([], THEMES)
    assert (figures.rescans, figures.firms, figures.forward) == (0, 0, 0)
    assert figures.forward_share == "-"
    assert figures.medians == (("osm", None, 0), ("data", None, 0), ("auto", None, 0))
    assert figures.uptake == ()


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "-"), (0.0, "0"), (-0.0, "0"), (3.0, "+3"), (-2.5, "-2,5"), (0.5, "+0,5")],
)
def test_signed(value, text):
    assert signed(value) == text


def test_percentage():
    assert percentage(1, 3) == "33,3%"
    assert percentage(0, 0) == "-"
