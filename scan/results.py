"""Turn a stored result into what the result page and the API show."""

from __future__ import annotations

from dataclasses import dataclass

from .content import Bank
from .models import Scan


@dataclass(frozen=True)
class LostPoints:
    """A question that cost points, in words."""

    question: str
    lost: int
    max_points: int


@dataclass(frozen=True)
class ThemeResult:
    """One theme's score with its level in words."""

    theme_id: str
    title: str
    score: int
    level: int
    level_name: str
    level_text: str
    costliest: tuple[LostPoints, ...]


@dataclass(frozen=True)
class Result:
    """A completed scan's result, ready to show."""

    overall: int
    themes: tuple[ThemeResult, ...]
    bank_version: str


def present_result(scan: Scan, bank: Bank) -> Result:
    """Combine the frozen numbers of a completed scan with the bank's texts."""
    assert scan.result is not None
    themes = []
    for theme in bank.themes:
        stored = scan.result["themes"][theme.id]
        level = theme.level(stored["level"])
        costliest = tuple(
            LostPoints(bank.questions_by_id[c["question"]].text, c["lost"], c["max"])
            for c in stored["costliest"]
            # A question removed from a later bank version is left out rather than guessed.
            if c["question"] in bank.questions_by_id
        )
        themes.append(
            ThemeResult(
                theme.id,
                theme.title,
                stored["score"],
                level.level,
                level.name,
                level.text,
                costliest,
            )
        )
    return Result(scan.result["overall"], tuple(themes), scan.bank_version)
