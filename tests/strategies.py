"""Hypothesis strategies and answer builders shared by the tests."""

from __future__ import annotations

from hypothesis import strategies as st

from scan.content import Bank, Question


def lowest_answer(question: Question):
    """The answer worth the fewest points: 'Weet ik niet' (0 points) is always there."""
    return (
        [o.id for o in question.options if o.dont_know]
        if question.type == "multiple"
        else (min(question.options, key=lambda o: o.points).id)
    )


def best_answer(question: Question):
    """The answer worth the most points."""
    if question.type == "multiple":
        return [o.id for o in question.options if not o.exclusive and o.points > 0]
    return max(question.options, key=lambda o: o.points).id


def first_sector(bank: Bank) -> str:
    """The sector of valid_profile(): the first option of the sector item."""
    return bank.profile_by_id["sector"].options[0].id


def asked(bank: Bank, sector: str | None = None) -> Bank:
    """The bank as a firm of `sector` (default: valid_profile's) is asked it."""
    return bank.for_sector(sector or first_sector(bank))


def answers_for(bank: Bank, pick, sector: str | None = None) -> dict:
    """Answer every question the sector is asked (importance questions included) with `pick`."""
    return {q.id: pick(q) for q in asked(bank, sector).questions_by_id.values()}


def valid_profile(bank: Bank, postcode: str | None = "3511 AB", sector: str | None = None) -> dict:
    """A complete, valid profile: the first option of every item and a postcode."""
    profile = {}
    for item in bank.profile:
        profile[item.id] = postcode if item.type == "postcode" else item.options[0].id
    if sector:
        profile["sector"] = sector
    return profile


def answer_strategy(question: Question):
    """Any valid answer to a question."""
    if question.type == "single":
        return st.sampled_from([o.id for o in question.options])
    exclusive = [[o.id] for o in question.options if o.exclusive]
    regular = [o.id for o in question.options if not o.exclusive]
    subsets = st.lists(st.sampled_from(regular), unique=True)
    return st.one_of(st.sampled_from(exclusive), subsets) if exclusive else subsets


def answers_strategy(bank: Bank, sector: str | None = None):
    """Any valid answers to every question the sector (default: valid_profile's) is asked."""
    questions = asked(bank, sector).questions_by_id.values()
    return st.fixed_dictionaries({q.id: answer_strategy(q) for q in questions})
