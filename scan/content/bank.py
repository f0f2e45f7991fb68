"""The question bank as a whole: its files' headers, the safety list, and the Bank itself."""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator
from pydantic.dataclasses import dataclass

from .benchmark import BenchmarkContent
from .model import (
    CONTENT,
    PROFILE_IDS,
    PROFILE_STEP,
    THEME_IDS,
    ProfileItem,
    Question,
    Slug,
    Theme,
    repeated,
)


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Minutes:
    """The honest time range the scan takes, shown on the landing page."""

    min: int = Field(ge=1, le=60)
    max: int = Field(ge=1, le=60)


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class BankHeader:
    """The contents of bank.yaml."""

    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.\-]{1,40}$")]
    themes: tuple[str, ...]
    minutes: Minutes

    @model_validator(mode="after")
    def _check(self) -> BankHeader:
        if sorted(self.themes) != sorted(THEME_IDS):
            raise ValueError(f"themes must list {list(THEME_IDS)} once each, in any order")
        if self.minutes.min > self.minutes.max:
            raise ValueError("minutes.min is larger than minutes.max")
        return self


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class ProfileFile:
    """The contents of profiel.yaml."""

    items: tuple[ProfileItem, ...]

    @model_validator(mode="after")
    def _check(self) -> ProfileFile:
        ids = [item.id for item in self.items]
        if sorted(ids) != sorted(PROFILE_IDS):
            raise ValueError(f"items must be exactly {list(PROFILE_IDS)} once each, found {ids}")
        return self


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class SafetyItem:
    """One line of the safety check: a question, and the answers that are in order.

    Every other answer is a risk, and "Weet ik niet" is unknown: never in order.
    """

    id: Slug
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    question: Slug
    ok: tuple[Slug, ...] = Field(min_length=1)


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class SafetyFile:
    """The contents of basisveiligheid.yaml."""

    items: tuple[SafetyItem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> SafetyFile:
        duplicates = repeated([item.id for item in self.items])
        if duplicates:
            raise ValueError(f"item ids must be unique: {duplicates}")
        return self


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Bank:
    """The whole question bank: version, profile items, the three themes and the safety check."""

    version: str
    minutes: Minutes
    profile: tuple[ProfileItem, ...]
    themes: tuple[Theme, ...]
    safety: tuple[SafetyItem, ...] = ()
    #: The sector this bank was narrowed to by for_sector(); None for the whole bank.
    sector: str | None = None
    #: vergelijking.yaml: names of groups of similar firms, public figures (issue 18).
    benchmark: BenchmarkContent = Field(default_factory=BenchmarkContent)

    @cached_property
    def step_ids(self) -> tuple[str, ...]:
        """The journey's steps in order: the profile, then one per theme."""
        return (PROFILE_STEP, *(theme.id for theme in self.themes))

    @cached_property
    def themes_by_id(self) -> dict[str, Theme]:
        return {t.id: t for t in self.themes}

    @cached_property
    def profile_by_id(self) -> dict[str, ProfileItem]:
        return {p.id: p for p in self.profile}

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        """Every question of every theme, the importance questions included."""
        return {q.id: q for t in self.themes for q in t.all_questions}

    @cached_property
    def theme_of_question(self) -> dict[str, Theme]:
        """The theme of every scored question, by question id."""
        return {q.id: t for t in self.themes for q in t.questions}

    @cached_property
    def sector_ids(self) -> tuple[str, ...]:
        """The ids of the profile's sector options."""
        return tuple(o.id for o in self.profile_by_id["sector"].options)

    @cached_property
    def _by_sector(self) -> dict[str | None, Bank]:
        return {}

    def for_sector(self, sector: str | None) -> Bank:
        """The bank as a firm of this sector sees it: what scoring and the steps work on.

        The whole bank (this one) still knows every question, for words of stored results.
        Without a sector (a draft before its profile) this is the whole bank.
        """
        if sector is None or self.sector is not None:
            return self
        banks = self._by_sector
        if sector not in banks:
            themes = tuple(theme.for_sector(sector) for theme in self.themes)
            banks[sector] = dataclasses.replace(self, themes=themes, sector=sector)
        return banks[sector]

    def item_count(self) -> int:
        """How many items this bank asks: profile items, scored and importance questions."""
        return len(self.profile) + sum(len(theme.all_questions) for theme in self.themes)
