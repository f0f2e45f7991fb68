"""Advice items in adviezen/: Markdown with a YAML header, validated against the bank."""

from __future__ import annotations

from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from markupsafe import Markup
from pydantic import Field, StringConstraints, model_validator

from ..markdown import render_markdown
from .loader import ContentError, Problem, read_yaml, validate
from .model import THEME_IDS, Bank, Slug, Text, content

KINDS = ("training", "traject", "zelf-aan-de-slag")
ThemeId = Literal["online-sales-marketing", "data", "automatisering"]


@content
class Applies:
    """When an advice item fits: every condition given must hold; one matching answer is enough."""

    levels: tuple[Literal[1, 2, 3, 4], ...] = ()
    min_score: int | None = Field(default=None, ge=0, le=100)
    max_score: int | None = Field(default=None, ge=0, le=100)
    answers: dict[str, tuple[str, ...]] = Field(default_factory=dict)

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


@content
class AdviceHeader:
    """The YAML header of an advice file."""

    id: Slug
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=90)]
    kind: Literal["training", "traject", "zelf-aan-de-slag"]
    theme: ThemeId
    applies: Applies
    duration: Text
    asks: Text
    delivers: Text


@content(arbitrary_types_allowed=True)
class AdviceItem(AdviceHeader):
    """An advice item with its body rendered to sanitised HTML."""

    body_html: Markup


@content
class TrajectRule:
    """When an intensive traject is recommended."""

    max_level: int = Field(ge=1, le=4)
    min_importance: int = Field(ge=0, le=3)
    sizes: tuple[str, ...] = Field(min_length=1)
    time: tuple[str, ...] = Field(min_length=1)
    #: Trajects recommended at once, in the most urgent themes (each asks hours every week).
    max_at_once: int = Field(ge=1, le=3)


@content
class Rules:
    """The thresholds in adviezen/regels.yaml."""

    traject: TrajectRule
    max_items: int = Field(ge=1, le=20)
    #: Items at most for a theme the ondernemer called not important (importance 0).
    max_items_unimportant_theme: int = Field(ge=0, le=20)


@content
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
    theme_questions = {q.id: q for q in bank.themes_by_id[header.theme].questions}
    for question_id, option_ids in header.applies.answers.items():
        question = theme_questions.get(question_id)
        if question is None:
            problems.append(
                Problem(label, f"applies.answers.{question_id}", "no such question in this theme")
            )
            continue
        for option_id in option_ids:
            if option_id not in question.options_by_id:
                problems.append(
                    Problem(
                        label,
                        f"applies.answers.{question_id}",
                        f"'{option_id}' is not an option of this question",
                    )
                )
    header_fields = {f.name: getattr(header, f.name) for f in fields(header)}
    return AdviceItem(**header_fields, body_html=render_markdown(body))


def _check_rules(rules: Rules, bank: Bank, label: str, problems: list[Problem]) -> None:
    for key, item_id in (("sizes", "size"), ("time", "time")):
        known = bank.profile_by_id[item_id].options_by_id
        for value in getattr(rules.traject, key):
            if value not in known:
                problems.append(
                    Problem(label, f"traject.{key}", f"'{value}' is not an option of '{item_id}'")
                )


def _check_coverage(items: list[AdviceItem], prefix: str, problems: list[Problem]) -> None:
    """Every theme needs a traject and advice at every level, or some results show nothing."""
    for theme in THEME_IDS:
        if not any(i.theme == theme and i.kind == "traject" for i in items):
            problems.append(Problem(prefix, theme, "has no advice of kind 'traject'"))
        for level in (1, 2, 3, 4):
            if not any(
                i.theme == theme and (not i.applies.levels or level in i.applies.levels)
                for i in items
            ):
                problems.append(Problem(prefix, theme, f"has no advice for level {level}"))
