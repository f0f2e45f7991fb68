"""Pure: what changed between a firm's earlier scan (T0) and its re-scan (T1).

Made from the two stored results and answers, and the bank the re-scan was scored with.
When the earlier scan used another version of the bank, only the questions the re-scan's
bank still asks are compared (`partial` says so); a theme not measured in one of the two
scans has no difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..content import Bank
from .steps_taken import taken_advice


@dataclass(frozen=True)
class Change:
    """Before and after of one number; `delta` is None when either is unknown."""

    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class ChangedAnswer:
    """One question answered differently, as option ids (a list for a multiple question)."""

    question_id: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Comparison:
    """The change from T0 to T1: scores, answers and the safety risks resolved."""

    overall: Change
    themes: dict[str, Change]
    changed_answers: tuple[ChangedAnswer, ...]
    #: Safety items at risk or unknown before, and in order now.
    resolved_safety: tuple[str, ...]
    #: True when the earlier scan used another bank version: only common questions count.
    partial: bool
    #: The earlier scan's advice the ondernemer says they took up since (advice ids).
    steps_taken: tuple[str, ...] = ()


def _normalised(answer: Any) -> Any:
    return sorted(answer) if isinstance(answer, list) else answer


def compare(
    bank: Bank,
    before: dict[str, Any],
    after: dict[str, Any],
    same_version: bool,
) -> Comparison:
    """Compare two completed scans given as {"result": ..., "answers": ...} dicts.

    `bank` is the bank the re-scan was scored with, narrowed to its sector. `after` may hold
    "steps_taken", the re-scan's answer to the steps-taken question; only advice the earlier
    result gave counts.
    """
    advised = {advice["id"] for advice in before["result"].get("advice", [])}
    before_result, after_result = before["result"], after["result"]
    themes: dict[str, Change] = {
        theme.id: Change(
            before_result["themes"].get(theme.id, {}).get("score"),
            after_result["themes"][theme.id]["score"],
        )
        for theme in bank.themes
    }
    changed = tuple(
        ChangedAnswer(question_id, before["answers"][question_id], answer)
        for question_id, answer in after["answers"].items()
        if question_id in bank.questions_by_id
        and question_id in before["answers"]
        and _normalised(before["answers"][question_id]) != _normalised(answer)
    )
    earlier_risks = {
        item["id"] for item in before_result.get("safety", []) if item["status"] != "ok"
    }
    resolved = tuple(
        item["id"]
        for item in after_result.get("safety", [])
        if item["status"] == "ok" and item["id"] in earlier_risks
    )
    return Comparison(
        overall=Change(before_result.get("overall"), after_result.get("overall")),
        themes=themes,
        changed_answers=changed,
        resolved_safety=resolved,
        partial=not same_version,
        steps_taken=tuple(a for a in taken_advice(after.get("steps_taken")) if a in advised),
    )
