"""vragen/vergelijking.yaml: how the result names a group of similar firms, and public figures.

The names turn a segment (sector and size) into Dutch words ("winkels met 2 tot en met 9
mensen"); a sector or size without a name falls back to its option label in profiel.yaml.
The public figures (CBS and the like) are context beside a question, with their source and
year; they are never part of the scan's own percentiles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator
from pydantic.dataclasses import dataclass

from .model import CONTENT, ProfileItem, Slug, Text, Theme

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class PublicFigure:
    """A published statistic that fits a question, for firms of some sizes or sectors."""

    #: The scored question it is context for; it is shown in that question's theme.
    question: Slug
    #: The size and sector ids (profiel.yaml) it describes; empty: every size, every sector.
    sizes: tuple[Slug, ...] = ()
    sectors: tuple[Slug, ...] = ()
    #: The figure in a sentence, with the group it is about ("62 procent van ...").
    text: Text
    #: Who published it ("CBS"), the table it comes from (StatLine id) if any, and the year
    #: the figure is about: some are old, and the page says so.
    source: Name
    table: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{5,12}$")] | None = None
    year: int = Field(ge=2000, le=2100)

    @field_validator("text")
    @classmethod
    def _has_a_number(cls, text: str) -> str:
        if not any(c.isdigit() for c in text):
            raise ValueError("a figure's text says the figure itself, with its number")
        return text

    def fits(self, size: str | None, sector: str | None) -> bool:
        """Tell whether the figure describes firms of this size and sector."""
        return (not self.sizes or size in self.sizes) and (
            not self.sectors or sector in self.sectors
        )

    @property
    def source_text(self) -> str:
        """The source as the page shows it: "CBS, tabel 84829NED, cijfers over 2020"."""
        table = f", tabel {self.table}" if self.table else ""
        return f"{self.source}{table}, cijfers over {self.year}"


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class BenchmarkContent:
    """The contents of vergelijking.yaml."""

    #: sector id -> the firms of that sector as a group: "winkels en andere detailhandel".
    sector_groups: dict[Slug, Name] = Field(default_factory=dict)
    #: size id -> what follows a group's name: "met 2 tot en met 9 mensen".
    size_groups: dict[Slug, Name] = Field(default_factory=dict)
    figures: tuple[PublicFigure, ...] = ()

    def figures_for(
        self, question_ids: set[str], size: str | None, sector: str | None
    ) -> tuple[PublicFigure, ...]:
        """The figures for these questions that describe a firm of this size and sector."""
        return tuple(f for f in self.figures if f.question in question_ids and f.fits(size, sector))


def sector_group(content: BenchmarkContent, sector: ProfileItem, sector_id: str) -> str | None:
    """The Dutch name of a sector's group; its label when the file names none (None: gone)."""
    option = sector.options_by_id.get(sector_id)
    if option is None:
        return None
    return content.sector_groups.get(sector_id) or f"bedrijven in de sector ‘{option.label}’"


def size_group(content: BenchmarkContent, size: ProfileItem, size_id: str) -> str | None:
    """What follows a group's name for a size; its label when the file names none."""
    option = size.options_by_id.get(size_id)
    if option is None:
        return None
    return content.size_groups.get(size_id) or f"met de grootte ‘{option.label}’"


def problems_of(
    content: BenchmarkContent, profile: tuple[ProfileItem, ...], themes: list[Theme]
) -> Iterator[tuple[str, str]]:
    """Yield (field, message) for every id in the file that the bank does not have."""
    options = {item.id: {o.id for o in item.options} for item in profile}
    sectors, sizes = options.get("sector", set()), options.get("size", set())
    for key, known, name in (
        ("sector_groups", sectors, "sector"),
        ("size_groups", sizes, "size"),
    ):
        for item_id in getattr(content, key):
            if item_id not in known:
                yield f"{key}.{item_id}", f"no such {name} in profiel.yaml"
    questions = {q.id for theme in themes for q in theme.questions}
    for index, figure in enumerate(content.figures):
        where = f"figures[{index}]"
        if figure.question not in questions:
            yield f"{where}.question", "no such scored question"
        for key, known in (("sizes", sizes), ("sectors", sectors)):
            unknown = sorted(set(getattr(figure, key)) - known)
            if unknown:
                yield f"{where}.{key}", f"not in profiel.yaml: {', '.join(unknown)}"
