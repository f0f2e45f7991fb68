"""Personas: what a werkplaats coach checks before signing each firm's advice.

Plus two properties for any answers at all: no item is triggered only by answers at the top
of their ladder, and every safety risk or unknown has its step, ranked before other advice.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan.config import PROJECT_ROOT
from scan.content import DONT_KNOW_ID, load_bank
from scan.content.advice import load_catalogue
from scan.domain.advice import recommend
from scan.domain.scoring import score_scan
from tests.personas import PERSONAS, WEET_NIET, Persona, answers_of
from tests.strategies import answers_strategy

BANK = load_bank(PROJECT_ROOT / "vragen")
CATALOGUE = load_catalogue(PROJECT_ROOT / "adviezen", BANK)

#: Wording that takes a team for granted. "jij (of iemand uit je team)" is fine for a zzp'er.
TEAM_WORDING = re.compile(
    r"\b(jullie|je medewerkers|jouw medewerkers|iedereen in (je|het) team|je hele team|"
    r"met je team|voor je team)\b",
    re.IGNORECASE,
)


def asked(persona: Persona):
    """The bank as the persona's sector is asked it."""
    return BANK.for_sector(persona.profile["sector"])


def advise(persona: Persona):
    answers = answers_of(persona, BANK)
    bank = asked(persona)
    return recommend(bank, CATALOGUE, score_scan(bank, answers), answers, persona.profile)


def by_name(persona: Persona) -> str:
    return persona.name


def test_there_are_eight_personas_that_answer_the_whole_bank():
    assert len(PERSONAS) >= 8
    for persona in PERSONAS:
        if persona is not WEET_NIET:  # a change of the bank must be answered by each persona
            assert set(persona.answers) == set(asked(persona).questions_by_id), persona.name
        for item in BANK.profile:
            assert persona.profile.get(item.id) is not None, (persona.name, item.id)


@pytest.mark.parametrize("persona", PERSONAS, ids=by_name)
def test_persona_gets_the_advice_a_coach_expects(persona):
    advice = advise(persona)
    shown = [r.item.id for r in advice.recommendations]
    for item_id in persona.must:
        assert item_id in shown, f"{persona.name}: {item_id} missing from {shown}"
    for item_id in persona.must_not:
        assert item_id not in shown, f"{persona.name}: {item_id} contradicts the answers"
    for earlier, later in persona.before:
        assert shown.index(earlier) < shown.index(later), (persona.name, shown)
    if persona.first:
        assert shown[0] == persona.first, (persona.name, shown)
    for item_id, question_id in persona.because.items():
        [recommendation] = [r for r in advice.recommendations if r.item.id == item_id]
        assert question_id in {t.question_id for t in recommendation.because}, persona.name
    if persona.route:
        assert advice.route == persona.route, persona.name
    assert {c.id: c.status for c in advice.safety} == persona.safety


@pytest.mark.parametrize("persona", PERSONAS, ids=by_name)
def test_persona_advice_follows_its_answers(persona):
    answers = answers_of(persona, BANK)
    advice = advise(persona)
    for recommendation in advice.recommendations:
        item = recommendation.item
        for trigger in recommendation.because:
            chosen = answers[trigger.question_id]
            assert trigger.answer in (chosen if isinstance(chosen, list) else [chosen])
        for question_id, ruled_out in item.applies.unless.items():
            chosen = answers.get(question_id, [])  # not asked of this sector: not chosen
            assert not set(ruled_out) & set(chosen if isinstance(chosen, list) else [chosen])
        if item.sizes:
            assert persona.profile["size"] in item.sizes
        assert recommendation.reasons, item.id


ZZP = [p for p in PERSONAS if p.profile["size"] == "zzp"]


@pytest.mark.parametrize("persona", ZZP, ids=by_name)
def test_a_zzp_gets_no_team_wording(persona):
    for recommendation in advise(persona).recommendations:
        item = recommendation.item
        for text in (item.title, item.asks, item.delivers, str(item.body_html)):
            assert not TEAM_WORDING.search(text), (item.id, TEAM_WORDING.search(text))


def test_all_best_answers_show_strengths_in_every_theme_and_no_advice():
    persona = next(p for p in PERSONAS if p.name == "alles op orde")
    advice = advise(persona)
    assert advice.recommendations == ()
    themes = {BANK.theme_of_question[s.question_id].id for s in advice.strengths}
    assert themes == {t.id for t in BANK.themes}


def test_weet_ik_niet_everywhere_has_no_strength_and_nothing_in_order():
    advice = advise(WEET_NIET)
    assert advice.strengths == ()
    assert all(c.status == "unknown" for c in advice.safety)


def is_top(question, option_id: str) -> bool:
    option = question.options_by_id[option_id]
    if question.type == "single":
        return option.points >= question.max_points
    return option.points > 0


profiles = st.fixed_dictionaries(
    {
        item.id: st.sampled_from([o.id for o in item.options])
        for item in BANK.profile
        if item.options
    }
)


#: A profile, and any answers to what its sector is asked.
firms = profiles.flatmap(
    lambda profile: st.tuples(answers_strategy(BANK, profile["sector"]), st.just(profile))
)


@settings(max_examples=300, deadline=None)
@given(firm=firms)
def test_any_answers_no_item_for_top_answers_and_every_safety_gap_has_its_step_first(firm):
    answers, profile = firm
    bank = BANK.for_sector(profile["sector"])
    advice = recommend(bank, CATALOGUE, score_scan(bank, answers), answers, profile)
    ranks = [r.rank for r in advice.recommendations]
    assert ranks == list(range(1, len(ranks) + 1))
    for recommendation in advice.recommendations:
        assert recommendation.because, recommendation.item.id
        if recommendation.item.kind != "traject":
            assert not all(
                is_top(bank.questions_by_id[t.question_id], t.answer)
                for t in recommendation.because
            ), recommendation.item.id
    if profile["size"] == "zzp":  # written for someone who works alone, or left out
        for recommendation in advice.recommendations:
            item = recommendation.item
            for text in (item.title, item.asks, item.delivers, str(item.body_html)):
                assert not TEAM_WORDING.search(text), (item.id, TEAM_WORDING.search(text))
    shown = [r.item.id for r in advice.recommendations]
    safety_ranks = []
    for check in advice.safety:
        assert (answers[check.question_id] == DONT_KNOW_ID) is (check.status == "unknown")
        if check.status == "ok":
            continue
        # A step for this item that applies on this very answer is shown.
        steps = [
            step.id
            for step in CATALOGUE.safety_steps[check.id]
            if check.answer in step.applies.answers[check.question_id]
        ]
        assert set(steps) & set(shown), (check, shown)
        safety_ranks += [shown.index(step) for step in steps if step in shown]
    others = [i for i, r in enumerate(advice.recommendations) if not r.item.safety]
    assert all(s < o for s in safety_ranks for o in others)
