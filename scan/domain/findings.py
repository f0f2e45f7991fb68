"""Pure: what the answers say on their own, before any advice: safety and strengths.

The safety check is never averaged: each item reads one question, and its status comes from
that answer alone ("Weet ik niet" is unknown, never in order). Strengths are the answers at or
near the top of their ladder that the question bank gives a sentence for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..content import DONT_KNOW_ID, Bank

SafetyStatus = Literal["ok", "risk", "unknown"]


@dataclass(frozen=True)
class SafetyCheck:
    """One line of the safety check: its item, the answer given and what that means."""

    id: str
    question_id: str
    answer: str
    status: SafetyStatus


@dataclass(frozen=True)
class Strength:
    """An answer that says what the firm already does well."""

    question_id: str
    answer: str


def chosen_options(answer: Any) -> list[str]:
    """Return the option ids of an answer, single or multiple."""
    if isinstance(answer, list):
        return answer
    return [answer] if isinstance(answer, str) else []


def safety_checks(bank: Bank, answers: Mapping[str, Any]) -> tuple[SafetyCheck, ...]:
    """Return the status of every safety item of the bank, in the bank's order.

    An item whose question was answered "Past niet bij ons" (a zzp'er has no leavers'
    accounts) is left out: it is neither in order nor a risk.
    """
    checks = []
    for item in bank.safety:
        answer = answers.get(item.question)
        if answer in bank.questions_by_id[item.question].not_applicable_ids:
            continue
        if answer in item.ok:
            status: SafetyStatus = "ok"
        elif answer == DONT_KNOW_ID or answer is None:
            status = "unknown"
        else:
            status = "risk"
        checks.append(SafetyCheck(item.id, item.question, answer or DONT_KNOW_ID, status))
    return tuple(checks)


def strengths(bank: Bank, answers: Mapping[str, Any]) -> tuple[Strength, ...]:
    """Return the answers the bank names as strengths, in bank order.

    A multiple question can hold several; each chosen option with a sentence is one strength.
    """
    found = []
    for theme in bank.themes:
        for question in theme.questions:
            chosen_ids = chosen_options(answers.get(question.id))
            for option in question.options:
                if option.strength and option.id in chosen_ids:
                    found.append(Strength(question.id, option.id))
    return tuple(found)
