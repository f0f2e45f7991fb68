"""Immutable, validated objects for the question bank.

Pydantic does the field-by-field checking so that a broken content file is reported with the
exact path of the offending field; the extra rules of the scoring contract live in validators.

The classes are frozen pydantic dataclasses: plain attribute access, validated once at load.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache, cached_property
from typing import Annotated, Any, Literal, TypeVar

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import ArgsKwargs

from .rules import check_scored_options

THEME_IDS = ("online-sales-marketing", "data", "automatisering")
PROFILE_IDS = ("sector", "size", "postcode", "time", "ambition")
LEVELS = (1, 2, 3, 4)
DONT_KNOW_ID = "weet-ik-niet"
DONT_KNOW_LABEL = "Weet ik niet"
#: The id of the journey's first step, which asks the profile items.
PROFILE_STEP = "profiel"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]


C = TypeVar("C")

#: Every content class is a frozen pydantic dataclass with keyword arguments only, and
#: extra="forbid" turns a misspelt key in a content file into an error instead of silence.
CONTENT = ConfigDict(extra="forbid")


@cache
def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def parse(cls: type[C], data: Any) -> C:
    """Validate content data (a mapping, as read from YAML) into an object of a content class."""
    result: C = _adapter(cls).validate_python(data)  # type: ignore[arg-type]  # classes hash
    return result


def repeated(ids: list[str]) -> list[str]:
    """Return the ids that occur more than once, sorted."""
    return sorted({i for i in ids if ids.count(i) > 1})


def _with_mapping(data: Any, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    """Apply change(dict) -> dict to a 'before' validator's input: a mapping or call arguments."""
    if isinstance(data, dict):
        return change(data)
    if isinstance(data, ArgsKwargs) and data.kwargs is not None:
        return ArgsKwargs(data.args, change(dict(data.kwargs)))
    return data


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Option:
    """One answer option of a question."""

    id: Slug
    label: Text
    points: int = Field(default=0, ge=0, le=100)
    #: Only for the unscored importance question: how much the theme matters (0-3).
    weight: int | None = Field(default=None, ge=0, le=3)
    #: May not be chosen together with other options (multiple-choice only).
    exclusive: bool = False
    dont_know: bool = False
    #: What this answer says the firm already does well, shown under "Dit gaat al goed".
    strength: Text | None = None
    #: "Past niet bij ons": the question does not count for this firm (not 0 points: left
    #: out of the theme's maximum).
    not_applicable: bool = False
    #: Shown only to firms of these sectors (ids of the profile's sector item); None: to all.
    sectors: tuple[Slug, ...] | None = Field(default=None, min_length=1)

    def shown_to(self, sector: str | None) -> bool:
        """Tell whether a firm of this sector sees the option (no sector yet: only general ones)."""
        return self.sectors is None or sector in self.sectors


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Question:
    """A question with its options; "Weet ik niet" is appended by the loader, never by content."""

    id: Slug
    text: Text
    hint: Text | None = None
    type: Literal["single", "multiple"] = "single"
    scored: bool = True
    options: tuple[Option, ...] = Field(min_length=2)
    #: Asked only of firms of these sectors (ids of the profile's sector item); None: of all.
    sectors: tuple[Slug, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _append_dont_know(cls, data: Any) -> Any:
        return _with_mapping(data, _append_dont_know)

    @model_validator(mode="after")
    def _check_options(self) -> Question:
        duplicates = repeated([o.id for o in self.options])
        if duplicates:
            raise ValueError(f"option ids must be unique within the question: {duplicates}")
        if self.type == "single" and any(o.exclusive and not o.dont_know for o in self.options):
            raise ValueError("'exclusive' only makes sense in a question of type 'multiple'")
        if self.scored:
            if any(o.weight is not None for o in self.options):
                raise ValueError("'weight' belongs to the importance question only")
            for sector, options in self._variants():
                check_scored_options(self.type, options, _max_points(self.type, options), sector)
        else:
            if any(o.points for o in self.options):
                raise ValueError("the importance question is not scored: remove 'points'")
            if any(o.weight is None for o in self.options if not o.dont_know):
                raise ValueError("every option of the importance question needs a 'weight' (0-3)")
            if any(o.strength for o in self.options):
                raise ValueError("'strength' belongs to scored questions only")
            if self.sectors or any(o.sectors for o in self.options):
                raise ValueError("the importance question is asked of every sector")
        if self.sectors and any(o.sectors for o in self.options):
            raise ValueError(
                "give 'sectors' to the question or to its options, not both: "
                "a question for some sectors is written for them as a whole"
            )
        return self

    def _variants(self) -> list[tuple[str | None, tuple[Option, ...]]]:
        """The options each sector sees: one variant per sector named, and one for the rest."""
        named = sorted({s for o in self.options for s in o.sectors or ()})
        return [(s, self._options_for(s)) for s in (*named, None)]

    def _options_for(self, sector: str | None) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.shown_to(sector))

    def shown_to(self, sector: str | None) -> bool:
        """Tell whether a firm of this sector is asked the question."""
        return self.sectors is None or sector in self.sectors

    def for_sector(self, sector: str | None) -> Question:
        """The question as a firm of this sector sees it: its options for that sector only."""
        if not any(o.sectors for o in self.options):
            return self
        # The options as objects keep "Weet ik niet": the loader adds it to file data only.
        return dataclasses.replace(self, options=self._options_for(sector))

    @cached_property
    def max_points(self) -> int:
        """Best attainable points: the top option, or the sum of all options if multiple.

        For a question with options for some sectors only, take it for_sector() first.
        """
        return _max_points(self.type, self.options)

    @cached_property
    def not_applicable_ids(self) -> frozenset[str]:
        """The ids of the options that say "Past niet bij ons"."""
        return frozenset(o.id for o in self.options if o.not_applicable)

    @cached_property
    def options_by_id(self) -> dict[str, Option]:
        return {o.id: o for o in self.options}

    @cached_property
    def points_by_option(self) -> dict[str, int]:
        """The points of each option by its id, for scoring."""
        return {o.id: o.points for o in self.options}


def _max_points(kind: str, options: tuple[Option, ...]) -> int:
    if kind == "multiple":
        return sum(o.points for o in options if not o.exclusive)
    return max(o.points for o in options)


def _append_dont_know(data: dict[str, Any]) -> dict[str, Any]:
    """Add the "Weet ik niet" option to a question's options as read from a file."""
    if not isinstance(data.get("options"), list):
        return data
    ids = [o.get("id") for o in data["options"] if isinstance(o, dict)]
    if DONT_KNOW_ID in ids:
        raise ValueError(
            f"option id '{DONT_KNOW_ID}' is reserved: the scan adds 'Weet ik niet' itself"
        )
    dont_know = {"id": DONT_KNOW_ID, "label": DONT_KNOW_LABEL, "dont_know": True}
    if data.get("type", "single") == "multiple":
        dont_know["exclusive"] = True
    return {**data, "options": [*data["options"], dont_know]}


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Level:
    """A maturity level of a theme, in the EU DMA bands."""

    level: Literal[1, 2, 3, 4]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    text: Text


#: Words of the safety check (vragen/basisveiligheid.yaml). A level text describes a band of
#: scores, and a high score can hide a missing back-up: so no level text speaks of these, and
#: safety is said only by the safety list, item by item, from the answers.
SAFETY_WORDS = ("back-up", "backup", "privacy", "avg", "veilig", "beveilig", "wachtwoord", "mfa")


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Theme:
    """One of the three themes: its scored questions, importance question and level texts."""

    id: Literal["online-sales-marketing", "data", "automatisering"]
    title: Text
    intro: Text
    importance: Question
    questions: tuple[Question, ...] = Field(min_length=6, max_length=10)
    levels: tuple[Level, ...]

    @model_validator(mode="before")
    @classmethod
    def _importance_is_unscored(cls, data: Any) -> Any:
        return _with_mapping(data, _importance_unscored)

    @model_validator(mode="after")
    def _check(self) -> Theme:
        unscored = [q.id for q in self.questions if not q.scored]
        if unscored:
            raise ValueError(f"questions must be scored; only 'importance' is not: {unscored}")
        found = sorted(level.level for level in self.levels)
        if found != list(LEVELS):
            raise ValueError(f"levels must be exactly 1, 2, 3 and 4 once each, found {found}")
        for level in self.levels:
            words = [w for w in SAFETY_WORDS if w in level.text.lower()]
            if words:
                raise ValueError(
                    f"level {level.level} speaks of safety ({', '.join(words)}): a level "
                    "cannot know whether this firm's safety is in order; the safety list says it"
                )
        return self

    @cached_property
    def all_questions(self) -> tuple[Question, ...]:
        """The scored questions followed by the importance question, in page order."""
        return (*self.questions, self.importance)

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        """The scored questions by id."""
        return {q.id: q for q in self.questions}

    @cached_property
    def levels_by_number(self) -> dict[int, Level]:
        """The levels by their number 1-4."""
        return {level.level: level for level in self.levels}

    def level(self, number: int) -> Level:
        """Return the level text for a level number 1-4."""
        return self.levels_by_number[number]

    def for_sector(self, sector: str | None) -> Theme:
        """The theme as a firm of this sector sees it: its questions and options only."""
        questions = tuple(q.for_sector(sector) for q in self.questions if q.shown_to(sector))
        if questions == self.questions:
            return self
        return dataclasses.replace(self, questions=questions)


def _importance_unscored(data: dict[str, Any]) -> dict[str, Any]:
    """Mark a theme's importance question as unscored, as read from a file."""
    if not isinstance(data.get("importance"), dict):
        return data
    return {**data, "importance": {**data["importance"], "scored": False}}


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class ProfileItem:
    """A question of the profile step (sector, size, postcode, time, ambition)."""

    id: Slug
    text: Text
    hint: Text | None = None
    type: Literal["single", "postcode"]
    required: bool = True
    options: tuple[Option, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> ProfileItem:
        if self.type == "single" and len(self.options) < 2:
            raise ValueError("a profile item of type 'single' needs at least two options")
        if self.type == "postcode" and self.options:
            raise ValueError("a profile item of type 'postcode' has no options")
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError("option ids must be unique within the item")
        if any(o.points or o.weight is not None or o.exclusive for o in self.options):
            raise ValueError("profile options have only 'id' and 'label'")
        return self

    @cached_property
    def options_by_id(self) -> dict[str, Option]:
        return {o.id: o for o in self.options}
