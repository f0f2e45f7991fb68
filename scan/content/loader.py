"""Read vragen/ from disk into a validated Bank, reporting every problem by file and field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from .bank import Bank, BankHeader, ProfileFile, SafetyFile
from .benchmark import BenchmarkContent, problems_of
from .model import (
    DONT_KNOW_ID,
    THEME_IDS,
    Theme,
    parse,
)

M = TypeVar("M")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content files are broken; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def field_path(loc: tuple[int | str, ...]) -> str:
    """Turn pydantic's location tuple into `questions[2].options[0].points`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("function-") or part in ("tagged-union",):
            continue
        else:
            path += f".{part}" if path else part
    return path


#: Pydantic's messages that would puzzle whoever edits a content file, said plainly.
MESSAGES = {
    "unexpected_keyword_argument": "unknown key: check its spelling against the other files",
}


def read_yaml(path: Path, label: str, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(label, "", "file is missing"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, "", f"cannot be read: {exc}"))
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(label, where, f"not valid YAML: {reason}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(label, "", "must hold a mapping of keys (like 'id: ...')"))
        return None
    return data


def validate(model: type[M], data: Any, label: str, problems: list[Problem]) -> M | None:
    try:
        return parse(model, data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            message = MESSAGES.get(error["type"]) or error["msg"].removeprefix("Value error, ")
            problems.append(Problem(label, field_path(error["loc"]), message))
        return None


def load_bank(directory: Path) -> Bank:
    """Load and validate the question bank in `directory`; raise ContentError on any problem."""
    problems: list[Problem] = []
    prefix = directory.name

    def label(name: str) -> str:
        return f"{prefix}/{name}"

    header_data = read_yaml(directory / "bank.yaml", label("bank.yaml"), problems)
    header = validate(BankHeader, header_data, label("bank.yaml"), problems)
    profile_data = read_yaml(directory / "profiel.yaml", label("profiel.yaml"), problems)
    profile = validate(ProfileFile, profile_data, label("profiel.yaml"), problems)

    themes: list[Theme] = []
    # With a broken bank.yaml the theme files are still checked, in the standard order, so
    # that one run reports every problem.
    for theme_id in header.themes if header else THEME_IDS:
        name = f"{theme_id}.yaml"
        data = read_yaml(directory / name, label(name), problems)
        theme = validate(Theme, data, label(name), problems)
        if theme is None:
            continue
        if theme.id != theme_id:
            problems.append(Problem(label(name), "id", f"must be '{theme_id}' in this file"))
        themes.append(theme)
    _check_unique_question_ids(themes, label, problems)
    safety_label = label("basisveiligheid.yaml")
    safety_data = read_yaml(directory / "basisveiligheid.yaml", safety_label, problems)
    safety = validate(SafetyFile, safety_data, safety_label, problems)
    # With a broken theme file its questions are unknown: checking the safety items against
    # them would only repeat that file's problem under another name.
    if safety is not None and len(themes) == len(THEME_IDS):
        _check_safety(safety, themes, safety_label, problems)

    if profile is not None:
        _check_sectors(profile, themes, label, problems)
    # Bedrijven zoals jij (issue 18): the names of groups, and public figures as context.
    benchmark_label = label("vergelijking.yaml")
    benchmark_data = read_yaml(directory / "vergelijking.yaml", benchmark_label, problems)
    benchmark = validate(BenchmarkContent, benchmark_data, benchmark_label, problems)
    if benchmark is not None and profile is not None and len(themes) == len(THEME_IDS):
        problems += [
            Problem(benchmark_label, f, m) for f, m in problems_of(benchmark, profile.items, themes)
        ]

    if problems:
        raise ContentError(problems)
    assert header is not None and profile is not None and safety is not None
    assert benchmark is not None
    bank = Bank(
        version=header.version,
        minutes=header.minutes,
        profile=profile.items,
        themes=tuple(themes),
        safety=safety.items,
        benchmark=benchmark,
    )
    _check_length(bank, label("bank.yaml"))
    return bank


#: Ten minutes on a phone: no firm is asked more items than this, profile included.
MAX_ITEMS = 30


def _check_length(bank: Bank, label: str) -> None:
    """Raise ContentError when any sector would be asked more than MAX_ITEMS items."""
    problems = [
        Problem(label, "", f"the sector '{sector}' is asked {count} items, more than {MAX_ITEMS}")
        for sector in bank.sector_ids
        if (count := bank.for_sector(sector).item_count()) > MAX_ITEMS
    ]
    if problems:
        raise ContentError(problems)


def _check_sectors(
    profile: ProfileFile, themes: list[Theme], label: Callable[[str], str], problems: list[Problem]
) -> None:
    """Every sector a question or option names is an option of the profile's sector item."""
    known = {o.id for item in profile.items if item.id == "sector" for o in item.options}
    for theme in themes:
        for index, question in enumerate(theme.questions):
            where = f"questions[{index}]"
            named = [(f"{where}.sectors", question.sectors or ())]
            named += [
                (f"{where}.options[{i}].sectors", option.sectors or ())
                for i, option in enumerate(question.options)
            ]
            for field, sectors in named:
                unknown = sorted(set(sectors) - known)
                if unknown:
                    problems.append(
                        Problem(
                            label(f"{theme.id}.yaml"),
                            field,
                            f"no such sector in profiel.yaml: {', '.join(unknown)}",
                        )
                    )


def _check_safety(
    safety: SafetyFile, themes: list[Theme], label: str, problems: list[Problem]
) -> None:
    """Each safety item reads a scored single question and names real answers as in order."""
    questions = {q.id: q for theme in themes for q in theme.questions}
    for index, item in enumerate(safety.items):
        where = f"items[{index}]"
        question = questions.get(item.question)
        if question is None:
            problems.append(Problem(label, f"{where}.question", "no such scored question"))
            continue
        if question.sectors or any(o.sectors for o in question.options):
            problems.append(
                Problem(label, f"{where}.question", "must be asked of every sector, as it is")
            )
        if question.type != "single":
            problems.append(
                Problem(label, f"{where}.question", "must be a question of type 'single'")
            )
        for option_id in item.ok:
            if option_id == DONT_KNOW_ID:
                problems.append(
                    Problem(label, f"{where}.ok", "'Weet ik niet' is unknown, never in order")
                )
            elif option_id not in question.options_by_id:
                problems.append(
                    Problem(
                        label, f"{where}.ok", f"'{option_id}' is not an option of this question"
                    )
                )
        if all(o.dont_know or o.not_applicable or o.id in item.ok for o in question.options):
            problems.append(Problem(label, f"{where}.ok", "leaves no answer that is a risk"))


def _check_unique_question_ids(
    themes: list[Theme], label: Callable[[str], str], problems: list[Problem]
) -> None:
    seen: dict[str, str] = {}
    for theme in themes:
        for index, question in enumerate(theme.all_questions):
            field = "importance.id" if not question.scored else f"questions[{index}].id"
            if question.id in seen:
                problems.append(
                    Problem(
                        label(f"{theme.id}.yaml"),
                        field,
                        f"question id '{question.id}' is already used in {seen[question.id]}",
                    )
                )
            else:
                seen[question.id] = label(f"{theme.id}.yaml")
