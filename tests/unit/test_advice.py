"""The advice engine: which items fit, why, in what order, and when a traject is advised."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from scan.config import PROJECT_ROOT
from scan.content import load_bank
from scan.content.advice import AdviceItem, Catalogue, load_catalogue
from scan.domain.advice import recommend
from scan.domain.scoring import score_scan
from tests.strategies import answers_for, asked, best_answer, lowest_answer, valid_profile

WHOLE_BANK = load_bank(PROJECT_ROOT / "vragen")
CATALOGUE = load_catalogue(PROJECT_ROOT / "adviezen", WHOLE_BANK)
#: The engine's tests play one firm, of valid_profile()'s sector: the bank as it is asked it.
BANK = asked(WHOLE_BANK)
RULES = CATALOGUE.rules


def scenario(pick=lowest_answer, importance="heel-belangrijk", size="micro", time="uur-per-week"):
    answers = answers_for(BANK, pick)
    for theme in BANK.themes:
        answers[theme.importance.id] = importance
    profile = valid_profile(BANK) | {"size": size, "time": time, "ambition": "weet-niet"}
    return answers, profile


def advise(answers, profile, catalogue=CATALOGUE):
    return recommend(BANK, catalogue, score_scan(BANK, answers), answers, profile)


def ids(advice):
    return [r.item.id for r in advice.recommendations]


def test_catalogue_is_real_content():
    assert len(CATALOGUE.items) >= 24
    for theme in BANK.themes:
        kinds = {i.kind for i in CATALOGUE.items if i.theme == theme.id}
        assert kinds == {"training", "traject", "zelf-aan-de-slag"}
    assert {s for i in CATALOGUE.items for s in i.safety} == {s.id for s in BANK.safety}


def test_all_best_answers_give_no_advice_and_every_safety_item_in_order():
    advice = advise(*scenario(best_answer))
    assert advice.route == "training" and advice.traject_themes == ()
    # Nothing to win on any answer: no item may advise what the firm already does.
    assert advice.recommendations == ()
    assert [c.status for c in advice.safety] == ["ok"] * len(BANK.safety)


def test_weakest_answers_put_every_safety_step_first_then_one_traject():
    advice = advise(*scenario())
    shown = ids(advice)
    safety_steps = [r.item.id for r in advice.recommendations if r.item.safety]
    assert shown[: len(safety_steps)] == safety_steps
    assert all(c.status == "risk" for c in advice.safety)
    for check in advice.safety:  # every risk has a step shown
        assert {i.id for i in CATALOGUE.safety_steps[check.id]} & set(shown), check.id
    assert advice.route == "traject"
    assert [r.item.kind for r in advice.recommendations].count("traject") == 1
    assert RULES.traject.max_at_once == 1
    # Many safety steps leave room for fewer others, down to a floor; no limit removes one.
    others = [r for r in advice.recommendations if not r.item.safety]
    room = max(RULES.max_total_items - len(safety_steps), RULES.min_other_items)
    assert len(others) == min(RULES.max_items, room)
    assert len(safety_steps) >= RULES.max_total_items - RULES.min_other_items  # at the floor
    assert [r.rank for r in advice.recommendations] == list(
        range(1, len(advice.recommendations) + 1)
    )


def test_dont_know_on_a_safety_question_is_unknown_and_gets_its_step():
    answers, profile = scenario(best_answer)
    answers["data-backup"] = "weet-ik-niet"
    advice = advise(answers, profile)
    status = {c.id: c.status for c in advice.safety}
    assert status["back-ups"] == "unknown"
    assert ids(advice)[0] == "data-backup-regelen"
    assert all(r.item.theme == "data" for r in advice.recommendations)
    reasons = " ".join(advice.recommendations[0].reasons)
    assert "‘Weet ik niet’" in reasons and "Zoek het uit" in reasons


def test_a_safety_step_survives_a_theme_called_not_important():
    answers, profile = scenario()
    answers["auto-belang"] = "niet"
    advice = advise(answers, profile)
    assert "auto-mfa-aanzetten" in ids(advice)
    assert "auto-wachtwoordmanager" in ids(advice)
    auto_others = [
        r for r in advice.recommendations if r.item.theme == "automatisering" and not r.item.safety
    ]
    assert len(auto_others) <= RULES.max_items_unimportant_theme == 1


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"importance": "beetje"}, "not important enough"),
        ({"importance": "weet-ik-niet"}, "importance unknown counts as a little"),
        ({"time": "uur-per-maand"}, "no weekly time"),
        ({"time": "weet-niet"}, "time unknown"),
    ],
)
def test_traject_rules_block_a_traject(change, why):
    advice = advise(*scenario(**change))
    assert advice.route == "training", why
    assert all(r.item.kind != "traject" for r in advice.recommendations), why


def test_a_zzp_with_weekly_time_can_get_a_traject():
    advice = advise(*scenario(size="zzp"))
    assert advice.route == "traject"


def test_a_traject_names_the_weakest_answers_and_the_reasons_for_it():
    advice = advise(*scenario())
    traject = next(r for r in advice.recommendations if r.item.kind == "traject")
    assert 1 <= len(traject.because) <= 3
    theme = BANK.themes_by_id[traject.item.theme]
    assert {t.question_id for t in traject.because} <= set(theme.questions_by_id)
    text = " ".join(traject.reasons)
    assert "‘heel belangrijk’" in text and "‘elke week ongeveer een uur’" in text


def test_traject_only_at_level_two_or_lower():
    answers, profile = scenario()
    theme = BANK.themes[0]
    for question in theme.questions:  # lift only the first theme to level 4
        answers[question.id] = best_answer(question)
    advice = advise(answers, profile)
    assert theme.id not in advice.traject_themes
    [kept] = advice.traject_themes
    assert kept in {t.id for t in BANK.themes[1:]}


def test_the_one_traject_goes_to_the_most_important_theme():
    answers, profile = scenario()
    # The bank's first theme, whose id sorts last: a tie-break by id cannot pick it by luck.
    urgent = BANK.themes[0]
    assert urgent.id == max(t.id for t in BANK.themes)
    for theme in BANK.themes[1:]:  # the others qualify too, but matter less
        answers[theme.importance.id] = "belangrijk"
    advice = advise(answers, profile)
    assert advice.traject_themes == (urgent.id,)


def test_a_theme_called_not_important_gets_at_most_one_item_besides_safety():
    answers, profile = scenario()
    unimportant = BANK.themes[0]
    answers[unimportant.importance.id] = "niet"
    advice = advise(answers, profile)
    themes = [r.item.theme for r in advice.recommendations if not r.item.safety]
    assert themes.count(unimportant.id) <= RULES.max_items_unimportant_theme


def test_no_theme_fills_the_list_on_its_own():
    answers, profile = scenario(best_answer)
    for question in BANK.themes_by_id["online-sales-marketing"].questions:
        answers[question.id] = lowest_answer(question)
    advice = advise(answers, profile)
    assert len(advice.recommendations) == RULES.max_items_per_theme


def test_every_reason_quotes_the_answer_that_triggered_it():
    advice = advise(*scenario())
    for recommendation in advice.recommendations:
        assert recommendation.because
        for trigger in recommendation.because:
            question = BANK.questions_by_id[trigger.question_id]
            label = question.options_by_id[trigger.answer].label
            assert f"Bij ‘{question.text}’ antwoordde je: ‘{label}’." in recommendation.reasons


def test_more_important_theme_comes_first():
    answers, profile = scenario(best_answer, importance="beetje")
    # The same gap, one question per theme, in two themes: importance decides.
    answers["osm-website"] = "geen"
    answers["data-klantgegevens"] = "papier"
    answers["data-belang"] = "heel-belangrijk"
    advice = advise(answers, profile)
    assert advice.recommendations[0].item.theme == "data"


def test_the_ambition_theme_goes_first_among_equals():
    answers, profile = scenario(best_answer, importance="belangrijk")
    # Two items that win as much in two themes: a 3-point question, in themes of as many
    # points (automatisering's own maximum, less the leavers' question a firm may not have).
    answers["auto-vertrek"] = "past-niet"
    scores = score_scan(BANK, answers)
    osm, auto = (scores.theme(t) for t in ("online-sales-marketing", "automatisering"))
    assert osm.max_points == auto.max_points
    answers["osm-website"] = "geen"
    answers["auto-planning"] = "hoofd"
    # The real rules: 'klanten bereiken' points at online marketing, 'tijd besparen' at
    # automatisering.
    for ambition, theme in (("klanten-bereiken", osm.theme_id), ("tijd-besparen", auto.theme_id)):
        advice = advise(answers, profile | {"ambition": ambition})
        assert advice.recommendations[0].item.theme == theme, ambition
        assert any("Je wilt vooral" in r for r in advice.recommendations[0].reasons)


def item(item_id, theme="data", kind="training", priority=500, sizes=(), sectors=(), **applies):
    return AdviceItem(
        id=item_id,
        title=item_id,
        kind=kind,
        theme=theme,
        priority=priority,
        applies=applies,
        sizes=sizes,
        sectors=sectors,
        duration="1 uur",
        asks="Tijd.",
        delivers="Iets.",
        body_html=Markup("<p>x</p>"),
    )


def catalogue_of(*items) -> Catalogue:
    return Catalogue(items=items, rules=RULES)


DATA = BANK.themes_by_id["data"]
FIRST = DATA.questions[0]
LOW = FIRST.options[0].id
WHERE = {"answers": {FIRST.id: (LOW,)}}


@pytest.mark.parametrize(
    ("conditions", "pick", "fits"),
    [
        (WHERE, lowest_answer, True),
        (WHERE, best_answer, False),
        (WHERE | {"levels": (1,)}, lowest_answer, True),
        (WHERE | {"levels": (4,)}, lowest_answer, False),
        (WHERE | {"max_score": 0}, lowest_answer, True),
        (WHERE | {"min_score": 1}, lowest_answer, False),
        (WHERE | {"unless": {"data-backup": ("geen",)}}, lowest_answer, False),
        (WHERE | {"unless": {"data-backup": ("getest",)}}, lowest_answer, True),
        (WHERE | {"sizes": ("zzp",)}, lowest_answer, False),
        (WHERE | {"sizes": ("micro",)}, lowest_answer, True),
        (WHERE | {"sectors": ("horeca",)}, lowest_answer, False),
    ],
)
def test_conditions_table(conditions, pick, fits):
    answers, profile = scenario(pick)
    answers[FIRST.id] = LOW if pick is lowest_answer else answers[FIRST.id]
    answers["data-backup"] = "geen"
    profile |= {"size": "micro", "sector": "bouw"}
    sizes, sectors = conditions.pop("sizes", ()), conditions.pop("sectors", ())
    catalogue = catalogue_of(item("x", sizes=sizes, sectors=sectors, **conditions))
    advice = advise(answers, profile, catalogue)
    assert bool(advice.recommendations) is fits


def test_ties_go_by_priority_never_by_file_name():
    answers, profile = scenario()
    answers["data-klantgegevens"] = answers["data-boekhouding"] = "papier"  # 3 points lost each
    catalogue = catalogue_of(
        item("a-first-by-name", priority=20, answers={"data-boekhouding": ("papier",)}),
        item("z-last-by-name", priority=10, answers={"data-klantgegevens": ("papier",)}),
    )
    assert ids(advise(answers, profile, catalogue)) == ["z-last-by-name", "a-first-by-name"]


def test_a_second_card_for_the_same_answer_is_not_shown():
    answers, profile = scenario()
    catalogue = catalogue_of(
        item("stap", priority=20, kind="zelf-aan-de-slag", **WHERE),
        item("workshop", priority=10, **WHERE),
    )
    assert ids(advise(answers, profile, catalogue)) == ["workshop"]


def test_a_known_risk_goes_before_an_unknown_one():
    answers, profile = scenario(best_answer)
    answers["data-backup"] = "weet-ik-niet"  # back-ups: priority 1, but unknown
    answers["auto-beveiliging"] = "sterk"  # no MFA: priority 2, a known risk
    assert ids(advise(answers, profile))[:2] == ["auto-mfa-aanzetten", "data-backup-regelen"]


@pytest.mark.parametrize("time", ["geen", "uur-per-maand"])
def test_little_time_gets_fewer_items_but_every_safety_step(time):
    answers, profile = scenario(time=time)
    answers["auto-updates"] = answers["auto-vertrek"] = "weet-ik-niet"  # fewer safety gaps
    answers |= {"auto-beveiliging": "overal", "data-avg": "geregeld"}
    advice = advise(answers, profile)
    others = [r for r in advice.recommendations if not r.item.safety]
    steps = len(advice.recommendations) - len(others)
    room = max(RULES.max_total_items - steps, RULES.min_other_items)
    assert len(others) == min(RULES.max_items_by_time[time], room)
    assert RULES.max_items_by_time[time] < RULES.max_items
    for check in (c for c in advice.safety if c.status != "ok"):
        assert {i.id for i in CATALOGUE.safety_steps[check.id]} & set(ids(advice))


@pytest.mark.parametrize(
    ("sector", "expected", "other"),
    [
        ("persoonlijk", "osm-online-afspraken", "osm-offerte-online"),
        ("horeca", "osm-online-afspraken", "osm-offerte-online"),
        ("bouw", "osm-offerte-online", "osm-online-afspraken"),
        ("groothandel", None, None),
    ],
)
def test_the_sector_chooses_the_online_step_that_fits(sector, expected, other):
    answers, profile = scenario(best_answer)
    answers["osm-online-regelen"] = ["geen"]
    shown = ids(advise(answers, profile | {"sector": sector}))
    sector_items = {"osm-online-afspraken", "osm-offerte-online"}
    assert set(shown) & sector_items == ({expected} if expected else set())
    assert other not in shown
