"""Pure scoring: validated answers + the question bank -> theme scores, levels and overall score.

The rules are DESIGN's contract: a theme scores 100 * awarded / max rounded half up; the overall
score is the mean of the rounded theme scores, rounded half up; levels are 25-point bands.
Integer arithmetic throughout, so that 62.5 always rounds to 63 and never to banker's 62.

"Past niet bij ons" (an option marked not_applicable) takes its question out of the theme's
maximum: it is not 0 points. A theme where fewer than half of its questions apply is not
measured: no score and no level, and the overall score is the mean of the measured themes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..content import Bank, Question, Theme

Answer = str | Sequence[str]
Answers = Mapping[str, Answer]


class QuestionScore(NamedTuple):
    """Points awarded for one question and what it could have given."""

    question_id: str
    awarded: int
    max_points: int
    applies: bool = True

    @property
    def lost(self) -> int:
        return self.max_points - self.awarded if self.applies else 0


@dataclass(frozen=True)
class ThemeScore:
    """The score of one theme with its level and per-question detail."""

    theme_id: str
    #: None when the theme is not measured (too many questions do not apply).
    score: int | None
    level: int | None
    awarded: int
    max_points: int
    questions: tuple[QuestionScore, ...]

    @property
    def measured(self) -> bool:
        """Tell whether enough questions applied to give the theme a score."""
        return self.score is not None

    def question(self, question_id: str) -> QuestionScore:
        """Return the score of one of the theme's questions."""
        return next(q for q in self.questions if q.question_id == question_id)

    def costliest(self, limit: int = 3) -> tuple[QuestionScore, ...]:
        """Return the questions that lost the most points, worst first, in bank order on ties."""
        losing = [q for q in self.questions if q.lost > 0]
        return tuple(sorted(losing, key=lambda q: -q.lost)[:limit])


@dataclass(frozen=True)
class ScanScore:
    """Overall score and the theme scores in bank order."""

    #: None when no theme is measured.
    overall: int | None
    themes: tuple[ThemeScore, ...]

    def theme(self, theme_id: str) -> ThemeScore:
        """Return the score of one theme."""
        return next(t for t in self.themes if t.theme_id == theme_id)


def round_half_up_ratio(numerator: int, denominator: int) -> int:
    """Round numerator / denominator to the nearest integer, halves up (non-negative inputs)."""
    return (2 * numerator + denominator) // (2 * denominator)


def level_for(score: int) -> int:
    """Map a 0-100 score onto level 1 (0-24), 2 (25-49), 3 (50-74) or 4 (75-100)."""
    if not 0 <= score <= 100:
        raise ValueError(f"score out of range: {score}")
    return min(score // 25 + 1, 4)


def applies(question: Question, answer: Answer) -> bool:
    """Tell whether the question counts for this firm: not answered "Past niet bij ons"."""
    chosen = [answer] if isinstance(answer, str) else answer
    return not question.not_applicable_ids.intersection(chosen)


def question_points(question: Question, answer: Answer) -> int:
    """Points for one answer: the option's points, or the sum of chosen options if multiple."""
    points = question.points_by_option
    if isinstance(answer, str):
        return points[answer]
    return sum(points[option_id] for option_id in answer)


def score_theme(theme: Theme, answers: Answers) -> ThemeScore:
    """Score one theme; every scored question must have an (already validated) answer."""
    details = tuple(
        QuestionScore(
            q.id, question_points(q, answers[q.id]), q.max_points, applies(q, answers[q.id])
        )
        for q in theme.questions
    )
    counted = [d for d in details if d.applies]
    awarded = sum(d.awarded for d in counted)
    maximum = sum(d.max_points for d in counted)
    if 2 * len(counted) < len(details):  # fewer than half apply: not measured
        return ThemeScore(theme.id, None, None, awarded, maximum, details)
    score = round_half_up_ratio(100 * awarded, maximum)
    return ThemeScore(theme.id, score, level_for(score), awarded, maximum, details)


def score_scan(bank: Bank, answers: Answers) -> ScanScore:
    """Score every theme and the overall mean of the measured ones."""
    themes = tuple(score_theme(theme, answers) for theme in bank.themes)
    measured = [t.score for t in themes if t.score is not None]
    overall = round_half_up_ratio(sum(measured), len(measured)) if measured else None
    return ScanScore(overall, themes)
