"""Pure advice engine: scores + answers + profile -> ranked advice with its reasons.

How an item is chosen (adviezen/README.md says it for the people who write them):

- An item of kind training or zelf-aan-de-slag applies when one of the answers it names was
  given (`applies.answers`), none of the answers that rule it out was (`applies.unless`), and
  the firm's size and sector are among the ones it is written for. No item is chosen by the
  score alone: a score cannot tell whether someone posts weekly or never.
- A safety step (an item with `safety:`) applies on every answer that is not in order,
  "Weet ik niet" included; it is always shown and goes before all other advice, whatever the
  theme's importance or the limits on the list, in the order of the steps' priorities.
  Safety is never averaged away.
- An intensive traject applies at the levels it names, where adviezen/regels.yaml says a
  traject fits (an important theme, weekly time); its answers are the theme's weakest ones.
- Items are chosen one at a time: each time the one that wins most, that is the points lost
  on the answers that triggered it, as a share of its theme, weighted by how important the
  theme is to the ondernemer. Among equals the theme the ambition points at goes first, then
  the item's own `priority`. Answers a chosen item (or a safety step) already takes on no
  longer count for the next ones, and an item with nothing left to win is not shown: two
  cards for one answer say the same thing twice.
- The list is capped (regels.yaml): one traject at a time, a few items per theme, one for a
  theme called not important, fewer for who has little time, and fewer when many safety steps
  come first (down to a floor); no limit ever removes a safety step. Safety steps go first: a
  known risk before an unknown, then by their priority.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..content import DONT_KNOW_ID, Bank, Theme
from ..content.advice import AdviceItem, Catalogue
from .findings import (
    SafetyCheck,
    SafetyStatus,
    Strength,
    chosen_options,
    safety_checks,
    strengths,
)
from .scoring import ScanScore, ThemeScore

#: Used when the ondernemer answered "Weet ik niet" to the importance question.
DEFAULT_IMPORTANCE = 1
#: How many of a theme's weakest answers a traject names as its reason.
TRAJECT_ANSWERS = 3


@dataclass(frozen=True)
class Trigger:
    """An answer that made an item apply: a question and the option chosen."""

    question_id: str
    answer: str


@dataclass(frozen=True)
class Recommendation:
    """One advice item, the answers that triggered it, why in words, and its rank from 1."""

    item: AdviceItem
    because: tuple[Trigger, ...]
    reasons: tuple[str, ...]
    rank: int


@dataclass(frozen=True)
class Advice:
    """The ranked advice, the route (traject or trainingen), the safety check and strengths."""

    recommendations: tuple[Recommendation, ...]
    route: str  # "traject" or "training"
    traject_themes: tuple[str, ...]
    safety: tuple[SafetyCheck, ...] = ()
    strengths: tuple[Strength, ...] = ()


@dataclass(frozen=True)
class _Candidate:
    item: AdviceItem
    because: tuple[Trigger, ...]
    weight: int  # 1 + the theme's importance
    first_among_equals: bool  # the theme the ambition points at
    status: SafetyStatus | None = None  # a safety step: the worst status it answers


def importance(theme: Theme, answers: Mapping[str, Any]) -> int:
    """Return how much the theme matters to the ondernemer, 0-3."""
    option = theme.importance.options_by_id.get(answers.get(theme.importance.id, ""))
    if option is None or option.weight is None:
        return DEFAULT_IMPORTANCE
    return option.weight


def _matches(
    conditions: Mapping[str, tuple[str, ...]], answers: Mapping[str, Any]
) -> Iterator[Trigger]:
    """Yield a Trigger for each chosen answer that the conditions name, in their order."""
    for question_id, option_ids in conditions.items():
        for option_id in chosen_options(answers.get(question_id)):
            if option_id in option_ids:
                yield Trigger(question_id, option_id)


def _score_conditions_hold(item: AdviceItem, score: ThemeScore) -> bool:
    applies = item.applies
    if score.score is None:  # not measured: no condition on the level or score can hold
        return not applies.levels and applies.min_score is None and applies.max_score is None
    if applies.levels and score.level not in applies.levels:
        return False
    if applies.min_score is not None and score.score < applies.min_score:
        return False
    return applies.max_score is None or score.score <= applies.max_score


def _fits_firm(item: AdviceItem, profile: Mapping[str, Any]) -> bool:
    """Tell whether the item is written for this firm's size and sector."""
    if item.sizes and profile.get("size") not in item.sizes:
        return False
    return not item.sectors or profile.get("sector") in item.sectors


def _triggers(
    item: AdviceItem, score: ThemeScore, answers: Mapping[str, Any], profile: Mapping[str, Any]
) -> tuple[Trigger, ...] | None:
    """Return the answers that make a training or step apply, or None when it does not."""
    if not _fits_firm(item, profile) or not _score_conditions_hold(item, score):
        return None
    if any(True for _ in _matches(item.applies.unless, answers)):
        return None
    found = tuple(_matches(item.applies.answers, answers))
    return found or None


def weakest_answers(
    theme: Theme, score: ThemeScore, answers: Mapping[str, Any]
) -> tuple[Trigger, ...]:
    """Return the theme's answers that lost the most points, as Triggers, worst first.

    A multiple answer is named by its empty option ("Geen van deze", "Weet ik niet") when
    chosen; a partial choice has no one option to quote and is left out.
    """
    found = []
    for lost in score.costliest(len(score.questions)):
        question = theme.questions_by_id[lost.question_id]
        chosen = chosen_options(answers.get(lost.question_id))
        quotable = (question.type == "single" and chosen) or (
            len(chosen) == 1 and question.options_by_id[chosen[0]].points == 0
        )
        if quotable:
            found.append(Trigger(lost.question_id, chosen[0]))
        if len(found) == TRAJECT_ANSWERS:
            break
    return tuple(found)


def traject_fits(
    catalogue: Catalogue,
    theme: Theme,
    score: ThemeScore,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any],
) -> bool:
    """Tell whether adviezen/regels.yaml allows an intensive traject for this theme."""
    rule = catalogue.rules.traject
    return (
        score.level is not None
        and score.level <= rule.max_level
        and importance(theme, answers) >= rule.min_importance
        and profile.get("size") in rule.sizes
        and profile.get("time") in rule.time
    )


def _win(
    bank: Bank,
    scores: Mapping[str, ThemeScore],
    because: tuple[Trigger, ...],
    covered: frozenset[str] = frozenset(),
) -> int:
    """Return what the item can win: the points lost on its questions, each as a share of its
    theme's maximum (so a question weighs as it does in the theme's score).

    The shares are counted in units of 1 / (the least common multiple of the themes' maxima),
    so that they add up and compare exactly, in integers. Questions in `covered` are left
    out: a safety step already takes them on, first.
    """
    unit = math.lcm(*(s.max_points for s in scores.values() if s.max_points))
    total = 0
    for question_id in dict.fromkeys(t.question_id for t in because):
        if question_id in covered:
            continue
        theme_score = scores[bank.theme_of_question[question_id].id]
        lost = theme_score.question(question_id).lost
        if lost:  # a question that lost points has a theme maximum above 0
            total += lost * (unit // theme_score.max_points)
    return total


def _candidates(
    bank: Bank,
    catalogue: Catalogue,
    scores: Mapping[str, ThemeScore],
    answers: Mapping[str, Any],
    profile: Mapping[str, Any],
    checks: tuple[SafetyCheck, ...],
) -> list[_Candidate]:
    """Every item that applies to this scan, with the answers that triggered it."""
    ambition_theme = catalogue.rules.ambition_themes.get(profile.get("ambition") or "")
    found = []
    for theme in bank.themes:
        score = scores[theme.id]
        weight = 1 + importance(theme, answers)
        for item in catalogue.items_by_theme.get(theme.id, ()):
            if item.kind == "traject":
                if not (
                    _score_conditions_hold(item, score)
                    and traject_fits(catalogue, theme, score, answers, profile)
                ):
                    continue
                because = weakest_answers(theme, score, answers)
            else:
                triggered = _triggers(item, score, answers, profile)
                if triggered is None:
                    continue
                because = triggered
            status = _worst_status(item, checks)
            found.append(_Candidate(item, because, weight, theme.id == ambition_theme, status))
    return found


def _worst_status(item: AdviceItem, checks: tuple[SafetyCheck, ...]) -> SafetyStatus | None:
    """For a safety step: "risk" if it answers a risk, else "unknown"; None for other items."""
    statuses = {c.status for c in checks if c.id in item.safety and c.status != "ok"}
    if not statuses:
        return None
    return "risk" if "risk" in statuses else "unknown"


def _safety_key(candidate: _Candidate) -> tuple[bool, int]:
    """A known risk before an unknown one ("Weet ik niet"), then by how urgent a coach finds
    each step (its priority: a lost back-up before a missing privacy statement)."""
    return (candidate.status != "risk", candidate.item.priority)


def _choice_key(
    bank: Bank, scores: Mapping[str, ThemeScore], covered: frozenset[str], candidate: _Candidate
) -> tuple[int, bool, int]:
    """The most to win on answers not yet taken on; the ambition's theme among equals; then
    the item's priority (never its file name)."""
    win = _win(bank, scores, candidate.because, covered) * candidate.weight
    return (-win, not candidate.first_among_equals, candidate.item.priority)


def _select(
    candidates: list[_Candidate],
    catalogue: Catalogue,
    bank: Bank,
    scores: Mapping[str, ThemeScore],
    answers: Mapping[str, Any],
    profile: Mapping[str, Any],
    checks: tuple[SafetyCheck, ...],
) -> list[_Candidate]:
    """Every safety step first; then, one at a time, the item that wins most on answers no
    item before it took on, within the limits of regels.yaml.

    A training and a step for the same answer would say the same thing twice; so once an
    item is chosen its questions count for no later one, and an item with nothing left to win
    is not shown. A traject takes on no question: its steps are the quick wins beside it.
    """
    rules = catalogue.rules
    chosen = sorted((c for c in candidates if c.status), key=_safety_key)
    covered = {c.question_id for c in checks if c.status != "ok"}
    room = min(
        rules.max_items_by_time.get(profile.get("time") or "", rules.max_items),
        max(rules.max_total_items - len(chosen), rules.min_other_items),
    )
    per_theme: Counter[str] = Counter()
    trajects = 0
    rest = [c for c in candidates if not c.item.safety]
    while rest and room:
        key = partial(_choice_key, bank, scores, frozenset(covered))
        best = min(rest, key=key)
        rest.remove(best)
        if key(best)[0] == 0:
            break  # the best has nothing left to win, so neither has any other
        item = best.item
        unimportant = importance(bank.themes_by_id[item.theme], answers) == 0
        cap = rules.max_items_unimportant_theme if unimportant else rules.max_items_per_theme
        if per_theme[item.theme] >= cap:
            continue
        if item.kind == "traject":
            if trajects >= rules.traject.max_at_once:
                continue
            trajects += 1
        else:
            covered |= {t.question_id for t in best.because}
        chosen.append(best)
        per_theme[item.theme] += 1
        room -= 1
    return chosen


def recommend(
    bank: Bank,
    catalogue: Catalogue,
    score: ScanScore,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any],
) -> Advice:
    """Rank the advice that fits this scan, with the answers behind each item and the route."""
    scores = {theme_score.theme_id: theme_score for theme_score in score.themes}
    checks = safety_checks(bank, answers)
    candidates = _candidates(bank, catalogue, scores, answers, profile, checks)
    chosen = _select(candidates, catalogue, bank, scores, answers, profile, checks)
    recommendations = tuple(
        Recommendation(
            c.item,
            c.because,
            explain(bank, catalogue, c.item, c.because, answers, profile),
            rank,
        )
        for rank, c in enumerate(chosen, start=1)
    )
    traject_themes = tuple(r.item.theme for r in recommendations if r.item.kind == "traject")
    return Advice(
        recommendations,
        "traject" if traject_themes else "training",
        traject_themes,
        checks,
        strengths(bank, answers),
    )


def quote_answer(bank: Bank, trigger: Trigger) -> str:
    """Say an answer in the ondernemer's own words: "Bij 'vraag' antwoordde je: 'antwoord'."""
    question = bank.questions_by_id[trigger.question_id]
    label = question.options_by_id[trigger.answer].label
    return f"Bij ‘{question.text}’ antwoordde je: ‘{label}’."


def explain(
    bank: Bank,
    catalogue: Catalogue,
    item: AdviceItem,
    because: tuple[Trigger, ...],
    answers: Mapping[str, Any],
    profile: Mapping[str, Any],
) -> tuple[str, ...]:
    """Say why an item was chosen, quoting the answers that triggered it."""
    reasons = [quote_answer(bank, trigger) for trigger in because]
    theme = bank.themes_by_id[item.theme]
    if item.safety:
        if any(t.answer == DONT_KNOW_ID for t in because):
            reasons.append("Weet je het niet, dan is het niet zeker geregeld. Zoek het uit.")
        reasons.append(
            "Dit hoort bij de basisveiligheid: zo’n stap gaat voor alle andere adviezen."
        )
    if item.kind == "traject":
        weight = theme.importance.options_by_id.get(answers.get(theme.importance.id, ""))
        if weight is not None:
            reasons.append(f"Je vindt {theme.title.lower()} ‘{weight.label.lower()}’.")
        time = bank.profile_by_id["time"].options_by_id.get(profile.get("time") or "")
        if time is not None:
            reasons.append(f"Je hebt er tijd voor: ‘{time.label.lower()}’.")
    ambition = profile.get("ambition") or ""
    if not item.safety and catalogue.rules.ambition_themes.get(ambition) == item.theme:
        label = bank.profile_by_id["ambition"].options_by_id[ambition].label
        reasons.append(f"Je wilt vooral dit bereiken: ‘{label.lower()}’. Dit advies helpt daarbij.")
    return tuple(reasons)
