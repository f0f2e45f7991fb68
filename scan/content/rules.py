"""The rules a scored question's options follow, beyond their fields' types.

Kept apart from the content classes in model.py: these say what makes a question fair to the
ondernemer (a ladder rises, "Past niet bij ons" costs nothing, a strength is only said of an
answer near the top), not what shape a content file has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def check_scored_options(
    kind: str, options: Sequence[Any], max_points: int, sector: str | None = None
) -> None:
    """Raise ValueError naming the option that breaks one of the rules below.

    `options` are what one sector sees (`sector`, None for every sector not named in the
    question): a ladder must rise, and a question give points, for every firm that gets it.
    """
    try:
        if max_points <= 0:
            raise ValueError("a scored question needs at least one option worth points")
        _check_not_applicable(kind, options)
        _check_ladder(kind, options)
        _check_strengths(kind, options, max_points)
    except ValueError as exc:
        if sector is None:
            raise
        raise ValueError(f"{exc} (as the sector '{sector}' sees it)") from None


def _check_not_applicable(kind: str, options: Sequence[Any]) -> None:
    for option in options:
        if not option.not_applicable:
            continue
        if option.points or option.strength:
            raise ValueError(f"'{option.id}' is not applicable: it has no points or strength")
        if kind == "multiple" and not option.exclusive:
            raise ValueError(f"'{option.id}' is not applicable: mark it 'exclusive' too")


def _check_ladder(kind: str, options: Sequence[Any]) -> None:
    """In a single question the rungs rise: each option worth more than the one before.

    "Weet ik niet" and "Past niet bij ons" stand beside the ladder, not on it.
    """
    if kind != "single":
        return
    rungs = [o for o in options if not (o.dont_know or o.not_applicable)]
    for lower, higher in zip(rungs, rungs[1:], strict=False):
        if higher.points <= lower.points:
            raise ValueError(
                f"the options must rise from lowest to highest: '{higher.id}' "
                f"({higher.points} points) comes after '{lower.id}' ({lower.points})"
            )


def _check_strengths(kind: str, options: Sequence[Any], max_points: int) -> None:
    """A strength is said of an answer at or near the top of its ladder, nowhere else.

    Near the top: in a single question the best option or the one just below it; in a
    multiple question any option worth points (choosing it is doing that thing).
    """
    floor = max_points - 1 if kind == "single" else 1
    for option in options:
        if option.strength and (option.points <= 0 or option.points < floor):
            raise ValueError(
                f"option '{option.id}' has a 'strength' but is not at or near the top "
                f"of the ladder ({option.points} of {max_points} points)"
            )
