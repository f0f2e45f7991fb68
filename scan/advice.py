"""Pure advice engine: scores + answers + profile -> ranked advice with its reasons.

Every recommendation carries the reasons that triggered it (a score, a level, an answer), so
the result page can say "waarom dit advies". An intensive traject is only recommended where
adviezen/regels.yaml says so: an important theme at a low level, in a firm with people and
weekly time to invest; and no more trajects at once than the rules allow (one), so that the
advice asks no more weekly hours than the ondernemer said they have. A theme the ondernemer
called not important gets at most a pointer, leaving the room to the themes that matter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .content import Bank, Theme
from .content.advice import AdviceItem, Catalogue
from .scoring import ScanScore, ThemeScore

#: Used when the ondernemer answered "Weet ik niet" to the importance question.
DEFAULT_IMPORTANCE = 1


@dataclass(frozen=True)
class Recommendation:
    """One advice item with why it was chosen."""

    item: AdviceItem
    reasons: tuple[str, ...]
    priority: int


@dataclass(frozen=True)
class Advice:
    """The ranked advice and the recommended route (traject or trainingen)."""

    recommendations: tuple[Recommendation, ...]
    route: str  # "traject" or "training"
    traject_themes: tuple[str, ...]


def importance(theme: Theme, answers: Mapping[str, Any]) -> int:
    """Return how much the theme matters to the ondernemer, 0-3."""
    option = theme.importance.options_by_id.get(answers.get(theme.importance.id, ""))
    if option is None or option.weight is None:
        return DEFAULT_IMPORTANCE
    return option.weight


def _conditions_hold(item: AdviceItem, score: ThemeScore, answers: Mapping[str, Any]) -> bool:
    """Tell whether every condition of the item holds (what _condition_reasons explains)."""
    applies = item.applies
    if applies.levels and score.level not in applies.levels:
        return False
    if applies.min_score is not None and score.score < applies.min_score:
        return False
    if applies.max_score is not None and score.score > applies.max_score:
        return False
    if not applies.answers:
        return True
    for question_id, option_ids in applies.answers.items():
        chosen = answers.get(question_id)
        if isinstance(chosen, list):  # a multiple-choice answer: one matching option is enough
            if not set(chosen).isdisjoint(option_ids):
                return True
        elif chosen in option_ids:
            return True
    return False


def _condition_reasons(
    bank: Bank, item: AdviceItem, theme: Theme, score: ThemeScore, answers: Mapping[str, Any]
) -> tuple[str, ...]:
    """Explain an item whose conditions hold (see _conditions_hold): the score, the answers."""
    applies = item.applies
    reasons = []
    if applies.levels or applies.min_score is not None or applies.max_score is not None:
        level = theme.level(score.level)
        reasons.append(
            f"Je score voor {theme.title.lower()} is {score.score} van de 100 "
            f"(niveau {score.level}: {level.name})."
        )
    for question_id, option_ids in applies.answers.items():
        chosen = answers.get(question_id)
        chosen_ids = chosen if isinstance(chosen, list) else [chosen]
        question = bank.questions_by_id[question_id]
        for option_id in option_ids:
            if option_id in chosen_ids:
                label = question.options_by_id[option_id].label
                reasons.append(f"Bij '{question.text}' koos je '{label}'.")
    return tuple(reasons)


def traject_reasons(
    bank: Bank,
    catalogue: Catalogue,
    theme: Theme,
    score: ThemeScore,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any],
) -> tuple[str, ...] | None:
    """Return why an intensive traject fits this theme, or None when the rules say it does not."""
    rule = catalogue.rules.traject
    weight = importance(theme, answers)
    size, time = profile.get("size"), profile.get("time")
    if (
        score.level > rule.max_level
        or weight < rule.min_importance
        or size not in rule.sizes
        or time not in rule.time
    ):
        return None
    weight_label = theme.importance.options_by_id[answers[theme.importance.id]].label
    size_label = bank.profile_by_id["size"].options_by_id[size].label
    time_label = bank.profile_by_id["time"].options_by_id[time].label
    return (
        f"Je vindt {theme.title.lower()} '{weight_label.lower()}' voor je bedrijf.",
        f"Je bedrijf heeft mensen om mee te doen ({size_label.lower()}) en tijd: "
        f"'{time_label.lower()}'.",
    )


def recommend(
    bank: Bank,
    catalogue: Catalogue,
    score: ScanScore,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any],
) -> Advice:
    """Rank the advice that fits this scan, with reasons, and choose the route."""
    rules = catalogue.rules
    candidates: list[Recommendation] = []
    scores = {theme_score.theme_id: theme_score for theme_score in score.themes}
    caps: dict[str, int] = {}
    for theme in bank.themes:
        theme_score = scores[theme.id]
        weight = importance(theme, answers)
        if weight == 0:  # "niet belangrijk": a pointer at most, the room goes to other themes
            caps[theme.id] = rules.max_items_unimportant_theme
        # A bigger gap and a more important theme come first.
        priority = (100 - theme_score.score) * (1 + weight)
        for item in catalogue.items_by_theme.get(theme.id, ()):
            if not _conditions_hold(item, theme_score, answers):
                continue
            extra: tuple[str, ...] | None = ()
            if item.kind == "traject":
                extra = traject_reasons(bank, catalogue, theme, theme_score, answers, profile)
                if extra is None:
                    continue
            # For now only a traject's own reasons; _explained adds the conditions' reasons.
            candidates.append(Recommendation(item, extra, priority))
    candidates = _fewest_trajects(candidates, rules.traject.max_at_once)
    # The conditions' reasons are written for the chosen items only: most candidates are not
    # shown, and their sentences were a third of an API scan's advice time.
    chosen = [
        _explained(r, bank, scores, answers) for r in _interleave(candidates, rules.max_items, caps)
    ]
    traject_themes = tuple(r.item.theme for r in chosen if r.item.kind == "traject")
    return Advice(tuple(chosen), "traject" if traject_themes else "training", traject_themes)


def _fewest_trajects(candidates: list[Recommendation], limit: int) -> list[Recommendation]:
    """Keep the trajects of the `limit` most urgent themes, no more.

    Each traject asks one to two hours every week for 10 to 20 weeks: three at once would be
    advice the ondernemer cannot follow. The other themes keep their trainings and steps.
    Ties go as in _interleave, so the traject kept is in the theme the list starts with.
    """
    trajects = [c for c in candidates if c.item.kind == "traject"]
    ranked = sorted(trajects, key=lambda c: (-c.priority, c.item.theme))
    dropped = {id(c) for c in ranked[limit:]}
    return [c for c in candidates if id(c) not in dropped]


def _explained(
    recommendation: Recommendation,
    bank: Bank,
    scores: Mapping[str, ThemeScore],
    answers: Mapping[str, Any],
) -> Recommendation:
    """Return the recommendation with the reasons of its conditions in front of its own."""
    item = recommendation.item
    theme = bank.themes_by_id[item.theme]
    reasons = _condition_reasons(bank, item, theme, scores[theme.id], answers)
    return Recommendation(item, (*reasons, *recommendation.reasons), recommendation.priority)


def _specificity(recommendation: Recommendation) -> tuple[int, int, str]:
    """Order within a theme: a traject first, then advice triggered by the ondernemer's own
    answers, then advice for the level; ties by id so the order is stable."""
    item = recommendation.item
    return (0 if item.kind == "traject" else 1, 0 if item.applies.answers else 1, item.id)


def _interleave(
    candidates: list[Recommendation], limit: int, caps: Mapping[str, int]
) -> list[Recommendation]:
    """Take the best item of each theme in turn, most urgent theme first, up to `limit`;
    a theme in `caps` gives at most that many items."""
    by_theme: dict[str, list[Recommendation]] = {}
    for candidate in sorted(candidates, key=_specificity):
        by_theme.setdefault(candidate.item.theme, []).append(candidate)
    for theme_id, cap in caps.items():
        if theme_id in by_theme:
            del by_theme[theme_id][cap:]
            if not by_theme[theme_id]:
                del by_theme[theme_id]
    themes = sorted(by_theme, key=lambda t: (-by_theme[t][0].priority, t))
    chosen: list[Recommendation] = []
    rank = 0
    while len(chosen) < limit and any(rank < len(by_theme[t]) for t in themes):
        for theme in themes:
            if rank < len(by_theme[theme]) and len(chosen) < limit:
                chosen.append(by_theme[theme][rank])
        rank += 1
    return chosen
