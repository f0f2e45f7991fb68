"""Turn a stored result into what the result page and the API show."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .content import DONT_KNOW_ID, Bank
from .content.advice import AdviceItem, Catalogue
from .models import Scan, Werkplaats
from .scan_reads import ScanRecord

KIND_LABELS = {
    "training": "Training",
    "traject": "Intensief traject met studenten",
    "zelf-aan-de-slag": "Zelf aan de slag",
}


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
    #: Scored questions of the theme, and how many of them were answered "Weet ik niet".
    questions: int = 0
    dont_know: int = 0


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
    def distance_text(self) -> str:
        """Say the distance the Dutch way: '12,3 km'."""
        if self.distance_km is None:
            return ""
        return f"{self.distance_km:.1f}".replace(".", ",") + " km"


@dataclass(frozen=True)
class Result:
    """A completed scan's result, ready to show."""

    overall: int
    themes: tuple[ThemeResult, ...]
    bank_version: str
    advice: tuple[AdviceView, ...]
    route: str
    traject_themes: tuple[str, ...]
    werkplaats: WerkplaatsView | None

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


def present_result(
    scan: Scan | ScanRecord,
    bank: Bank,
    catalogue: Catalogue,
    stored_result: dict[str, Any] | None = None,
) -> Result:
    """Combine the frozen numbers of a completed scan with the texts of the content.

    A ScanRecord carries no result (see scan_reads); pass it as stored_result.
    """
    frozen = stored_result if stored_result is not None else getattr(scan, "result", None)
    assert frozen is not None
    answers = scan.answers or {}
    themes = []
    for theme in bank.themes:
        stored = frozen["themes"][theme.id]
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
                len(theme.questions),
                sum(_is_dont_know(answers.get(q.id)) for q in theme.questions),
            )
        )
    advice = []
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
            )
        )
    return Result(
        frozen["overall"],
        tuple(themes),
        scan.bank_version,
        tuple(advice),
        frozen.get("route", "training"),
        tuple(frozen.get("traject_themes", [])),
        werkplaats_view(scan.werkplaats, scan.distance_km),
    )
