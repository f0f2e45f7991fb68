"""Turn a stored result into what the result page and the API show."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from ..content import DONT_KNOW_ID, Bank, Question
from ..content.advice import AdviceItem, Catalogue
from ..domain.findings import chosen_options
from ..models import Scan, Werkplaats

KIND_LABELS = {
    "training": "Training",
    "traject": "Intensief traject met studenten",
    "zelf-aan-de-slag": "Zelf aan de slag",
}


#: Beyond this distance a werkplaats is not "in je buurt", and the result page says so.
FAR_KM = 40

#: A theme where fewer than half of the questions apply has no score and no level.
NOT_MEASURED = "Niet gemeten"
NOT_MEASURED_TEXT = (
    "Bij de meeste vragen van dit thema koos je ‘Past niet bij ons’. Daarom geven we hier geen "
    "score en geen niveau: dat zou meer zeggen dan je antwoorden."
)

#: The safety statuses in words, as the result page and the lead page show them.
SAFETY_LABELS = {"ok": "In orde", "risk": "Risico", "unknown": "Onbekend"}


@dataclass(frozen=True)
class Gap:
    """A question that cost the most points, with the answer given, in words."""

    question: str
    answer: str


@dataclass(frozen=True)
class SafetyView:
    """One line of the safety check in words; `step` is the id of its advice, if shown."""

    id: str
    label: str
    question: str
    status: str
    status_label: str
    answer: str
    step: str | None


@dataclass(frozen=True)
class StrengthView:
    """Something the firm already does well: the question, its theme and the sentence."""

    question_id: str
    theme_id: str
    text: str


@dataclass(frozen=True)
class ThemeResult:
    """One theme's score with its level in words."""

    theme_id: str
    title: str
    #: None, with level None, when the theme was not measured.
    score: int | None
    level: int | None
    level_name: str
    level_text: str
    gaps: tuple[Gap, ...]
    strengths: tuple[str, ...]
    #: Scored questions of the theme, and how many of them were answered "Weet ik niet".
    questions: int = 0
    dont_know: int = 0

    @property
    def score_label(self) -> str:
        """The score as a table shows it: '62', or 'niet gemeten'."""
        return str(self.score) if self.score is not None else NOT_MEASURED.lower()

    @property
    def level_label(self) -> str:
        """The level as a table shows it: '2: Online op weg', or 'Niet gemeten'."""
        return f"{self.level}: {self.level_name}" if self.level is not None else self.level_name


@dataclass(frozen=True)
class AdviceView:
    """One recommended advice item with the reasons it was chosen."""

    id: str
    title: str
    kind: str
    kind_label: str
    theme_id: str
    theme_title: str
    duration: str
    asks: str
    delivers: str
    body_html: Markup
    reasons: tuple[str, ...]
    rank: int
    is_safety: bool


@dataclass(frozen=True)
class WerkplaatsView:
    """The werkplaats a scan was routed to."""

    id: str
    name: str
    city: str
    distance_km: float | None
    offer: str
    website: str | None
    institutions: tuple[str, ...]

    @property
    def is_far(self) -> bool:
        """Tell whether the werkplaats is too far away to be called "in je buurt"."""
        return self.distance_km is not None and self.distance_km > FAR_KM

    @property
    def distance_text(self) -> str:
        """Say the distance the Dutch way: '12,3 km'."""
        if self.distance_km is None:
            return ""
        return f"{self.distance_km:.1f}".replace(".", ",") + " km"


def werkplaats_heading(werkplaats: WerkplaatsView | None) -> str:
    """Name the werkplaats block honestly: "in je buurt" only when it is."""
    if werkplaats is None:
        return "Hulp van een Digitale Werkplaats"
    if werkplaats.is_far:
        return "De dichtstbijzijnde werkplaats"
    if werkplaats.distance_km is None:
        return "Jouw Digitale Werkplaats"
    return "De werkplaats bij jou in de buurt"


@dataclass(frozen=True)
class Result:
    """A completed scan's result, ready to show."""

    overall: int | None
    themes: tuple[ThemeResult, ...]
    bank_version: str
    advice: tuple[AdviceView, ...]
    route: str
    traject_themes: tuple[str, ...]
    werkplaats: WerkplaatsView | None
    #: None for a scan stored before the safety check existed: it has no list to show.
    safety: tuple[SafetyView, ...] | None
    strengths: tuple[StrengthView, ...]

    @property
    def first_step(self) -> AdviceView | None:
        """The single most valuable step: the first of the ranked advice."""
        return self.advice[0] if self.advice else None

    @property
    def all_best(self) -> bool:
        """Tell whether every measured theme scored 100: nothing left to win anywhere."""
        return all(t.score in (None, 100) for t in self.themes) and self.overall is not None

    @property
    def overall_sentence(self) -> str | None:
        """Say the overall score as an average of the measured themes, not as a grade."""
        measured = sum(t.score is not None for t in self.themes)
        if self.overall is None or measured < 2:
            return None  # one measured theme: its own score says it all
        over = "de drie thema’s" if measured == 3 else f"de {measured} gemeten thema’s"
        return (
            f"Gemiddeld over {over} kom je uit op {self.overall}, op dezelfde schaal van 0 tot 100."
        )

    @property
    def mostly_dont_know(self) -> bool:
        """Tell whether "Weet ik niet" was the answer to at least half of the questions."""
        return 2 * sum(t.dont_know for t in self.themes) >= sum(t.questions for t in self.themes)

    @property
    def safety_in_order(self) -> bool:
        """Tell whether every safety item is in order (never for an unknown one)."""
        return self.safety is not None and all(c.status == "ok" for c in self.safety)

    @property
    def traject_titles(self) -> str:
        """The themes a traject is advised for, in words: 'data, x en automatisering'."""
        titles = [t.title.lower() for t in self.themes if t.theme_id in self.traject_themes]
        return " en ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles)


def werkplaats_view(werkplaats: Werkplaats | None, distance_km: float | None):
    """Describe a werkplaats with the distance rounded to one decimal, or None."""
    if werkplaats is None:
        return None
    return WerkplaatsView(
        werkplaats.id,
        werkplaats.name,
        werkplaats.city,
        round(distance_km, 1) if distance_km is not None else None,
        werkplaats.offer,
        werkplaats.website,
        tuple(werkplaats.institutions),
    )


def advice_still_offered(
    catalogue: Catalogue, stored_advice: list[dict[str, Any]]
) -> Iterator[tuple[AdviceItem, dict[str, Any]]]:
    """Pair each stored advice with its catalogue item, skipping items removed since.

    An item taken out of adviezen/ after the scan leaves the rest of the result readable.
    """
    for stored in stored_advice:
        item = catalogue.item(stored["id"])
        if item is not None:
            yield item, stored


def _is_dont_know(answer: Any) -> bool:
    """Tell whether a stored answer is "Weet ik niet" (alone, as the option is exclusive)."""
    return answer == DONT_KNOW_ID or answer == [DONT_KNOW_ID]


def answer_label(bank: Bank, question_id: str, answer: Any) -> str | None:
    """Say a stored answer in words (options joined for a multiple question), None if gone."""
    question = bank.questions_by_id.get(question_id)
    if question is None:
        return None
    chosen = chosen_options(answer)
    labels = [question.options_by_id[o].label for o in chosen if o in question.options_by_id]
    if not labels:
        return "Geen van deze" if isinstance(answer, list) else None
    return ", ".join(labels)


def _is_gap(question: Question, answer: Any) -> bool:
    """Tell whether an answer may be called a gap: nothing chosen is said to go well.

    A multiple answer with something ticked ("Omzet" of the figures) is part done, and
    "Hier valt het meeste te winnen: ... 'Omzet'" would read as blame for what goes well.
    """
    chosen = chosen_options(answer)
    options = [question.options_by_id[o] for o in chosen if o in question.options_by_id]
    if question.type == "multiple":
        return not any(o.points for o in options)
    return not any(o.strength for o in options)


def stored_strengths(bank: Bank, frozen: dict[str, Any]) -> tuple[StrengthView, ...]:
    """The stored strengths with their current sentences; ones no longer in the bank go."""
    found = []
    for stored in frozen.get("strengths", []):
        question = bank.questions_by_id.get(stored["question"])
        option = question.options_by_id.get(stored["answer"]) if question else None
        if question is not None and option is not None and option.strength:
            theme_id = bank.theme_of_question[question.id].id
            found.append(StrengthView(question.id, theme_id, option.strength))
    return tuple(found)


def stored_safety(bank: Bank, frozen: dict[str, Any]) -> tuple[SafetyView, ...] | None:
    """The stored safety check in words, as the page and the API show it.

    None for a result stored before the safety check existed. A line whose item, question or
    answer has left the bank since is left out rather than guessed.
    """
    if "safety" not in frozen:
        return None
    labels = {item.id: item.label for item in bank.safety}
    views = []
    for stored in frozen["safety"]:
        label = labels.get(stored["id"])
        answer = answer_label(bank, stored["question"], stored["answer"])
        if label is None or answer is None:
            continue
        views.append(
            SafetyView(
                stored["id"],
                label,
                stored["question"],
                stored["status"],
                SAFETY_LABELS[stored["status"]],
                answer,
                None,
            )
        )
    return tuple(views)


def _with_steps(
    safety: tuple[SafetyView, ...] | None, shown: dict[str, str]
) -> tuple[SafetyView, ...] | None:
    """Link each safety line to the first advice shown for it (the step to take)."""
    if safety is None:
        return None
    return tuple(replace(view, step=shown.get(view.id)) for view in safety)


def present_result(scan: Scan, bank: Bank, catalogue: Catalogue) -> Result:
    """Combine the frozen numbers of a completed scan with the texts of the content."""
    frozen = scan.result
    assert frozen is not None
    answers = scan.answers or {}
    bank = bank.for_sector((scan.profile or {}).get("sector"))  # the questions it was asked
    strengths = stored_strengths(bank, frozen)
    themes = []
    for theme in bank.themes:
        stored = frozen["themes"][theme.id]
        if stored["level"] is None:
            level_name, level_text = NOT_MEASURED, NOT_MEASURED_TEXT
        else:
            level = theme.level(stored["level"])
            level_name, level_text = level.name, level.text
        gaps = []
        for costly in stored["costliest"]:
            # A question removed from a later bank version is left out rather than guessed.
            question = bank.questions_by_id.get(costly["question"])
            given = answers.get(costly["question"])
            answer = answer_label(bank, costly["question"], given)
            if question is not None and answer is not None and _is_gap(question, given):
                gaps.append(Gap(question.text, answer))
        themes.append(
            ThemeResult(
                theme.id,
                theme.title,
                stored["score"],
                stored["level"],
                level_name,
                level_text,
                tuple(gaps),
                tuple(s.text for s in strengths if s.theme_id == theme.id),
                len(theme.questions),
                sum(_is_dont_know(answers.get(q.id)) for q in theme.questions),
            )
        )
    advice: list[AdviceView] = []
    for item, stored in advice_still_offered(catalogue, frozen.get("advice", [])):
        advice.append(
            AdviceView(
                item.id,
                item.title,
                item.kind,
                KIND_LABELS[item.kind],
                item.theme,
                bank.themes_by_id[item.theme].title,
                item.duration,
                item.asks,
                item.delivers,
                item.body_html,
                tuple(stored["reasons"]),
                len(advice) + 1,
                bool(item.safety),
            )
        )
    shown: dict[str, str] = {}  # the first step shown for each safety item
    for view in advice:
        for safety_id in catalogue.items_by_id[view.id].safety:
            shown.setdefault(safety_id, view.id)
    return Result(
        frozen["overall"],
        tuple(themes),
        scan.bank_version,
        tuple(advice),
        frozen.get("route", "training"),
        tuple(frozen.get("traject_themes", [])),
        werkplaats_view(scan.werkplaats, scan.distance_km),
        _with_steps(stored_safety(bank, frozen), shown),
        strengths,
    )
