"""Advice items in adviezen/: Markdown with a YAML header, validated against the bank."""

from __future__ import annotations

from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from markupsafe import Markup
from pydantic import ConfigDict, Field, StringConstraints, model_validator
from pydantic.dataclasses import dataclass

from .bank import Bank, SafetyItem
from .loader import ContentError, Problem, read_yaml, validate
from .markdown import render_markdown
from .model import CONTENT, THEME_IDS, Option, Question, Slug, Text

ThemeId = Literal["online-sales-marketing", "data", "automatisering"]


AnswerMap = dict[str, tuple[str, ...]]


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Applies:
    """When an advice item fits: every condition given must hold.

    `answers` are the answers it is for (one of them is enough); `unless` the answers that
    rule it out (one of them is enough).
    """

    levels: tuple[Literal[1, 2, 3, 4], ...] = ()
    min_score: int | None = Field(default=None, ge=0, le=100)
    max_score: int | None = Field(default=None, ge=0, le=100)
    answers: AnswerMap = Field(default_factory=dict)
    unless: AnswerMap = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Applies:
        if not (self.levels or self.answers) and self.min_score is None and self.max_score is None:
            raise ValueError("give at least one condition: levels, min_score, max_score or answers")
        if (
            self.min_score is not None
            and self.max_score is not None
            and self.min_score > self.max_score
        ):
            raise ValueError("min_score is larger than max_score")
        return self


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class AdviceHeader:
    """The YAML header of an advice file."""

    id: Slug
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=90)]
    kind: Literal["training", "traject", "zelf-aan-de-slag"]
    theme: ThemeId
    #: Breaks ties between items that win as much: lower goes first. Unique in the catalogue.
    priority: int = Field(ge=1, le=999)
    applies: Applies
    #: The safety items (vragen/basisveiligheid.yaml) this item is a step for, if any.
    safety: tuple[Slug, ...] = ()
    #: Only for firms of these sizes / sectors (profile option ids); empty: for all.
    sizes: tuple[Slug, ...] = ()
    sectors: tuple[Slug, ...] = ()
    duration: Text
    asks: Text
    delivers: Text

    @model_validator(mode="after")
    def _check(self) -> AdviceHeader:
        if self.kind == "traject":
            if not self.applies.levels:
                raise ValueError("a traject needs 'applies.levels': the levels it is for")
        elif not self.applies.answers:
            raise ValueError(
                f"an item of kind '{self.kind}' needs 'applies.answers': the answers it is for "
                "(an item chosen by the score alone can contradict what was answered)"
            )
        if self.safety and (
            self.kind == "traject"
            or self.applies.levels
            or self.applies.unless
            or self.applies.min_score is not None
            or self.applies.max_score is not None
            or self.sizes
            or self.sectors
        ):
            raise ValueError(
                "a safety step applies on its answers alone: no traject, levels, scores, "
                "unless, sizes or sectors (a risk is a risk for every firm)"
            )
        return self


@dataclass(
    frozen=True, kw_only=True, config=ConfigDict(extra="forbid", arbitrary_types_allowed=True)
)
class AdviceItem(AdviceHeader):
    """An advice item with its body rendered to sanitised HTML."""

    body_html: Markup


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class TrajectRule:
    """When an intensive traject is recommended."""

    max_level: int = Field(ge=1, le=4)
    min_importance: int = Field(ge=0, le=3)
    sizes: tuple[str, ...] = Field(min_length=1)
    time: tuple[str, ...] = Field(min_length=1)
    #: Trajects recommended at once, in the most urgent themes (each asks hours every week).
    max_at_once: int = Field(ge=1, le=3)


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Rules:
    """The thresholds in adviezen/regels.yaml."""

    traject: TrajectRule
    #: Items at most besides the safety steps (which are always all shown).
    max_items: int = Field(ge=1, le=20)
    #: Fewer items for who has little time: the profile's time answer -> items at most.
    max_items_by_time: dict[str, int] = Field(default_factory=dict)
    #: Items at most with the safety steps counted in: many safety steps leave fewer others,
    #: down to min_other_items. Safety steps themselves are never left out.
    max_total_items: int = Field(ge=1, le=30)
    min_other_items: int = Field(ge=0, le=20)
    #: Items other than safety steps at most per theme, so that one theme cannot fill the list.
    max_items_per_theme: int = Field(ge=1, le=20)
    #: Items at most for a theme the ondernemer called not important (importance 0).
    max_items_unimportant_theme: int = Field(ge=0, le=20)
    #: The theme each ambition points at: it goes first among items that win as much.
    ambition_themes: dict[str, ThemeId] = Field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, config=CONTENT)
class Catalogue:
    """All advice items and the rules, in file-name order."""

    items: tuple[AdviceItem, ...]
    rules: Rules

    @cached_property
    def items_by_theme(self) -> dict[str, tuple[AdviceItem, ...]]:
        """The items of each theme, in file-name order."""
        grouped: dict[str, list[AdviceItem]] = {}
        for item in self.items:
            grouped.setdefault(item.theme, []).append(item)
        return {theme: tuple(items) for theme, items in grouped.items()}

    @cached_property
    def items_by_id(self) -> dict[str, AdviceItem]:
        """Every item by its id (an id is its file name, so no two items share one)."""
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> AdviceItem | None:
        """Return an item by id, or None if it no longer exists."""
        return self.items_by_id.get(item_id)

    @cached_property
    def safety_steps(self) -> dict[str, tuple[AdviceItem, ...]]:
        """The steps of each safety item, by the safety item's id."""
        steps: dict[str, list[AdviceItem]] = {}
        for item in self.items:
            for safety_id in item.safety:
                steps.setdefault(safety_id, []).append(item)
        return {safety_id: tuple(items) for safety_id, items in steps.items()}


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Split '---\\nyaml\\n---\\nbody' into (yaml, body); None when there is no header."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end == -1:
        return None
    return text[4:end], text[end + 5 :]


def load_catalogue(directory: Path, bank: Bank) -> Catalogue:
    """Load and validate every advice file and the rules; raise ContentError on any problem."""
    problems: list[Problem] = []
    prefix = directory.name
    items: list[AdviceItem] = []
    paths = sorted(directory.glob("*.md"))
    paths = [p for p in paths if p.name != "README.md"]
    if not paths:
        problems.append(Problem(prefix, "", "holds no advice files (*.md)"))
    for path in paths:
        label = f"{prefix}/{path.name}"
        item = _load_item(path, label, bank, problems)
        if item is not None:
            items.append(item)
    rules_label = f"{prefix}/regels.yaml"
    rules_data = read_yaml(directory / "regels.yaml", rules_label, problems)
    rules = validate(Rules, rules_data, rules_label, problems)
    if rules is not None:
        _check_rules(rules, bank, rules_label, problems)
    _check_coverage(items, prefix, problems)
    _check_priorities(items, prefix, problems)
    _check_safety_steps(items, bank, prefix, problems)
    if problems:
        raise ContentError(problems)
    assert rules is not None
    return Catalogue(items=tuple(items), rules=rules)


def _load_item(path: Path, label: str, bank: Bank, problems: list[Problem]) -> AdviceItem | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, "", f"cannot be read: {exc}"))
        return None
    parts = split_front_matter(text.replace("\r\n", "\n"))
    if parts is None:
        problems.append(Problem(label, "", "must start with a header between two '---' lines"))
        return None
    header_text, body = parts
    try:
        data = yaml.safe_load(header_text)
    except yaml.YAMLError as exc:
        problems.append(Problem(label, "header", f"not valid YAML: {exc}"))
        return None
    header = validate(AdviceHeader, data, label, problems)
    if header is None:
        return None
    if header.id != path.stem:
        problems.append(Problem(label, "id", f"must equal the file name '{path.stem}'"))
    if not body.strip():
        problems.append(Problem(label, "body", "is empty: say what it is and how to start"))
    _check_answers(header, bank, label, problems)
    for key, item_id in (("sizes", "size"), ("sectors", "sector")):
        known = bank.profile_by_id[item_id].options_by_id
        for value in getattr(header, key):
            if value not in known:
                problems.append(Problem(label, key, f"'{value}' is not an option of '{item_id}'"))
    header_fields = {f.name: getattr(header, f.name) for f in fields(header)}
    return AdviceItem(**header_fields, body_html=render_markdown(body))


def _check_answers(header: AdviceHeader, bank: Bank, label: str, problems: list[Problem]) -> None:
    """The answers an item names exist; the answers it is for are not the best one can give.

    An item for the top answer of a ladder would advise what the firm already does. The
    answers that rule an item out may come from any theme (an AI course is not for a firm
    whose back-ups are unknown); the answers it is for come from its own theme.
    """
    own = {q.id for q in bank.themes_by_id[header.theme].questions}
    for key in ("answers", "unless"):
        for question_id, option_ids in getattr(header.applies, key).items():
            field = f"applies.{key}.{question_id}"
            question = bank.questions_by_id.get(question_id)
            if question is None or not question.scored:
                problems.append(Problem(label, field, "no such scored question"))
                continue
            if key == "answers" and question_id not in own:
                problems.append(Problem(label, field, "no such question in this theme"))
                continue
            for option_id in option_ids:
                option = question.options_by_id.get(option_id)
                if option is None:
                    problems.append(
                        Problem(label, field, f"'{option_id}' is not an option of this question")
                    )
                elif key == "answers" and _at_the_top(question, option):
                    problems.append(
                        Problem(
                            label,
                            field,
                            f"'{option_id}' is the top of the ladder or does not apply: "
                            "there is nothing to win",
                        )
                    )


def _at_the_top(question: Question, option: Option) -> bool:
    """Tell whether choosing this option leaves nothing to win on its question.

    In a single question: the best option. In a multiple question an option worth points is
    something the firm does, so advice cannot be for it; only the empty ones ("Geen van deze",
    "Weet ik niet") can trigger.
    """
    if option.not_applicable:
        return True  # the question does not count for this firm: nothing to win either
    if question.type == "single":
        return option.points >= question.max_points
    return option.points > 0


def _check_rules(rules: Rules, bank: Bank, label: str, problems: list[Problem]) -> None:
    for key, item_id in (("sizes", "size"), ("time", "time")):
        known = bank.profile_by_id[item_id].options_by_id
        for value in getattr(rules.traject, key):
            if value not in known:
                problems.append(
                    Problem(label, f"traject.{key}", f"'{value}' is not an option of '{item_id}'")
                )
    times = bank.profile_by_id["time"].options_by_id
    for time, count in rules.max_items_by_time.items():
        if time not in times:
            problems.append(
                Problem(label, f"max_items_by_time.{time}", "is not an option of 'time'")
            )
        elif not 1 <= count <= rules.max_items:
            problems.append(
                Problem(
                    label,
                    f"max_items_by_time.{time}",
                    f"must be 1 to max_items ({rules.max_items})",
                )
            )
    ambitions = bank.profile_by_id["ambition"].options_by_id
    for ambition in rules.ambition_themes:
        if ambition not in ambitions:
            problems.append(
                Problem(label, f"ambition_themes.{ambition}", "is not an option of 'ambition'")
            )


def _check_coverage(items: list[AdviceItem], prefix: str, problems: list[Problem]) -> None:
    """Every theme needs a traject, or a firm that needs one most is never offered it."""
    for theme in THEME_IDS:
        if not any(i.theme == theme and i.kind == "traject" for i in items):
            problems.append(Problem(prefix, theme, "has no advice of kind 'traject'"))


def _check_priorities(items: list[AdviceItem], prefix: str, problems: list[Problem]) -> None:
    """No two items share a priority, so ties never fall back on file names."""
    seen: dict[int, str] = {}
    for item in items:
        if item.priority in seen:
            problems.append(
                Problem(
                    f"{prefix}/{item.id}.md",
                    "priority",
                    f"{item.priority} is already the priority of {seen[item.priority]}",
                )
            )
        else:
            seen[item.priority] = item.id


def _check_safety_steps(
    items: list[AdviceItem], bank: Bank, prefix: str, problems: list[Problem]
) -> None:
    """Each safety item's steps, together, apply on exactly the answers not in order.

    One step can serve two items (setting up a back-up includes testing it), and two steps
    one item (a firm with automatic back-ups only needs the restore test).
    """
    known = {s.id: s for s in bank.safety}
    steps: dict[str, list[AdviceItem]] = {}
    for item in items:
        for safety_id in item.safety:
            if safety_id not in known:
                problems.append(
                    Problem(f"{prefix}/{item.id}.md", "safety", f"no safety item '{safety_id}'")
                )
                continue
            steps.setdefault(safety_id, []).append(item)
            safety = known[safety_id]
            question = bank.questions_by_id[safety.question]
            given = set(item.applies.answers.get(safety.question, ()))
            if not given or given & set(safety.ok):
                problems.append(
                    Problem(
                        f"{prefix}/{item.id}.md",
                        f"applies.answers.{safety.question}",
                        f"a step for '{safety_id}' applies only on answers not in order, "
                        f"and on at least one: {sorted(_not_in_order(question, safety))}",
                    )
                )
    for safety in bank.safety:
        question = bank.questions_by_id[safety.question]
        covered: set[str] = set()
        for item in steps.get(safety.id, []):
            covered |= set(item.applies.answers.get(safety.question, ()))
        missing = _not_in_order(question, safety) - covered
        if missing:
            problems.append(
                Problem(
                    prefix,
                    f"safety.{safety.id}",
                    f"no step (an item with 'safety: [{safety.id}]') for the answers "
                    f"{sorted(missing)} of '{safety.question}'",
                )
            )


def _not_in_order(question: Question, safety: SafetyItem) -> set[str]:
    """The answers that make a safety item a risk or unknown ("Past niet bij ons" is neither)."""
    return {o.id for o in question.options if o.id not in safety.ok and not o.not_applicable}
