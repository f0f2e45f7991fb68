"""The advice engine: which items fit, why, in what order, and when a traject is advised."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from scan.advice import recommend
from scan.config import PROJECT_ROOT
from scan.content import load_bank
from scan.content.advice import AdviceItem, Catalogue, load_catalogue
from scan.scoring import score_scan
from tests.strategies import answers_for, best_answer, lowest_answer, valid_profile

BANK = load_bank(PROJECT_ROOT / "vragen")
CATALOGUE = load_catalogue(PROJECT_ROOT / "adviezen", BANK)


def scenario(pick=lowest_answer, importance="heel-belangrijk", size="micro", time="uur-per-week"):
    answers = answers_for(BANK, pick)
    for theme in BANK.themes:
        answers[theme.importance.id] = importance
    profile = valid_profile(BANK) | {"size": size, "time": time}
    return answers, profile


def advise(answers, profile, catalogue=CATALOGUE):
    return recommend(BANK, catalogue, score_scan(BANK, answers), answers, profile)


def test_catalogue_is_real_content():
    assert len(CATALOGUE.items) >= 24
    for theme in BANK.themes:
        kinds = {i.kind for i in CATALOGUE.items if i.theme == theme.id}
        assert kinds == {"training", "traject", "zelf-aan-de-slag"}


def test_all_best_answers_give_no_traject():
    advice = advise(*scenario(best_answer))
    assert advice.route == "training"
    assert advice.traject_themes == ()
    assert all(r.item.kind != "traject" for r in advice.recommendations)
    assert advice.recommendations, "strong businesses still get a next step"


def test_weak_important_themes_with_people_and_time_get_one_traject_with_reasons():
    advice = advise(*scenario())
    assert advice.route == "traject"
    # All three themes qualify, equally urgent: one traject (each asks hours every week), in
    # the theme the list starts with; the other themes get their trainings and steps.
    assert CATALOGUE.rules.traject.max_at_once == 1
    first = advice.recommendations[0]
    assert first.item.kind == "traject" and advice.traject_themes == (first.item.theme,)
    assert [r.item.kind for r in advice.recommendations].count("traject") == 1
    assert {r.item.theme for r in advice.recommendations} == {t.id for t in BANK.themes}
    traject = next(r for r in advice.recommendations if r.item.kind == "traject")
    text = " ".join(traject.reasons)
    assert "0 van de 100" in text
    assert "'heel belangrijk'" in text
    assert "een uur per week" in text


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"importance": "beetje"}, "not important enough"),
        ({"importance": "weet-ik-niet"}, "importance unknown counts as a little"),
        ({"size": "zzp"}, "nobody besides the owner"),
        ({"time": "uur-per-maand"}, "no weekly time"),
        ({"time": "weet-niet"}, "time unknown"),
    ],
)
def test_traject_rules_block_a_traject(change, why):
    advice = advise(*scenario(**change))
    assert advice.route == "training", why
    assert all(r.item.kind != "traject" for r in advice.recommendations), why


def test_traject_only_at_level_two_or_lower():
    answers, profile = scenario()
    theme = BANK.themes[0]
    for question in theme.questions:  # lift only the first theme to level 4
        answers[question.id] = best_answer(question)
    advice = advise(answers, profile)
    assert theme.id not in advice.traject_themes
    [kept] = advice.traject_themes
    assert kept in {t.id for t in BANK.themes[1:]}
    assert advice.recommendations[0].item.theme == kept


def test_the_one_traject_goes_to_the_most_urgent_theme():
    answers, profile = scenario()
    # The bank's first theme, whose id sorts last: a tie-break by id cannot pick it by luck.
    urgent = BANK.themes[0]
    assert urgent.id == max(t.id for t in BANK.themes)
    for theme in BANK.themes[1:]:  # the others qualify too, but matter less
        answers[theme.importance.id] = "belangrijk"
    advice = advise(answers, profile)
    assert advice.traject_themes == (urgent.id,)
    assert advice.recommendations[0].item.kind == "traject"
    assert advice.recommendations[0].item.theme == urgent.id


def test_a_theme_called_not_important_gets_at_most_one_item():
    answers, profile = scenario()
    unimportant = BANK.themes[1]
    answers[unimportant.importance.id] = "niet"
    advice = advise(answers, profile)
    themes = [r.item.theme for r in advice.recommendations]
    assert themes.count(unimportant.id) == CATALOGUE.rules.max_items_unimportant_theme == 1
    # Its room goes to the themes that matter: still a full list.
    assert len(themes) == CATALOGUE.rules.max_items


def test_answer_triggered_advice_names_the_answer():
    answers, profile = scenario()
    advice = advise(answers, profile)
    triggered = [r for r in advice.recommendations if r.item.applies.answers]
    assert triggered
    for recommendation in triggered:
        question_id = next(iter(recommendation.item.applies.answers))
        question = BANK.questions_by_id[question_id]
        assert any(question.text in reason for reason in recommendation.reasons)


def test_max_items_and_every_weak_theme_gets_a_turn():
    advice = advise(*scenario())
    assert len(advice.recommendations) == CATALOGUE.rules.max_items
    assert {r.item.theme for r in advice.recommendations} == {t.id for t in BANK.themes}


def test_more_important_theme_comes_first():
    answers, profile = scenario(importance="beetje")
    answers[BANK.themes[2].importance.id] = "heel-belangrijk"
    advice = advise(answers, profile)
    assert advice.recommendations[0].item.theme == BANK.themes[2].id


def item(item_id, theme="data", kind="training", **applies) -> AdviceItem:
    return AdviceItem(
        id=item_id,
        title=item_id,
        kind=kind,
        theme=theme,
        applies=applies,
        duration="1 uur",
        asks="Tijd.",
        delivers="Iets.",
        body_html=Markup("<p>x</p>"),
    )


def catalogue_of(*items) -> Catalogue:
    return Catalogue(items=items, rules=CATALOGUE.rules)


DATA = BANK.themes_by_id["data"]
FIRST = DATA.questions[0]


@pytest.mark.parametrize(
    ("applies", "pick", "fits"),
    [
        ({"levels": (1,)}, lowest_answer, True),
        ({"levels": (2, 3, 4)}, lowest_answer, False),
        ({"levels": (4,)}, best_answer, True),
        ({"max_score": 0}, lowest_answer, True),
        ({"max_score": 99}, best_answer, False),
        ({"min_score": 100}, best_answer, True),
        ({"min_score": 1}, lowest_answer, False),
        ({"answers": {FIRST.id: (FIRST.options[0].id,)}}, lowest_answer, True),
        ({"answers": {FIRST.id: (FIRST.options[0].id,)}}, best_answer, False),
        ({"levels": (4,), "answers": {FIRST.id: (FIRST.options[0].id,)}}, lowest_answer, False),
    ],
)
def test_conditions_table(applies, pick, fits):
    answers, profile = scenario(pick)
    if pick is lowest_answer:
        answers[FIRST.id] = FIRST.options[0].id
    advice = advise(answers, profile, catalogue_of(item("x", **applies)))
    assert bool(advice.recommendations) is fits
