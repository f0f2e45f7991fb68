"""Sector variants: each firm is asked its sector's questions and options, and scored on them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scan.content import ContentError, load_bank
from scan.domain.answers import validate_submission
from scan.domain.scoring import score_scan
from scan.records.scans import asked_answers, steps_still_done
from tests.strategies import best_answer, lowest_answer, valid_profile

VRAGEN = Path(__file__).resolve().parents[2] / "vragen"
BANK = load_bank(VRAGEN)


def question_ids(bank) -> set[str]:
    return set(bank.questions_by_id)


def test_an_installateur_is_asked_about_werkbonnen_and_a_webshop_about_its_orders():
    bouw, webwinkel, kapper = (BANK.for_sector(s) for s in ("bouw", "webwinkel", "persoonlijk"))
    assert "auto-werkbon" in question_ids(bouw)
    assert "auto-opdrachten" not in question_ids(bouw)
    assert "auto-bestellingen" in question_ids(webwinkel)
    assert "auto-opdrachten" not in question_ids(webwinkel)
    assert "auto-opdrachten" in question_ids(kapper)
    assert not {"auto-werkbon", "auto-bestellingen"} & question_ids(kapper)


def test_options_follow_the_sector_and_so_does_the_maximum():
    def online(sector):
        return BANK.for_sector(sector).questions_by_id["osm-online-regelen"]

    assert "bezorgplatform" in online("horeca").options_by_id
    assert "platform" not in online("horeca").options_by_id
    assert "klusplatform" in online("bouw").options_by_id
    # A consultancy has no platform to sell through: it is not scored on one.
    assert not {"platform", "bezorgplatform", "klusplatform"} & set(
        online("zakelijk").options_by_id
    )
    assert online("zakelijk").max_points == online("horeca").max_points - 1
    # "Weet ik niet" stays, once.
    assert [o.id for o in online("zakelijk").options].count("weet-ik-niet") == 1


def test_the_whole_bank_still_knows_every_question_for_stored_results():
    every = set()
    for sector in BANK.sector_ids:
        every |= question_ids(BANK.for_sector(sector))
    assert every == question_ids(BANK)
    assert BANK.for_sector(None) is BANK
    assert BANK.for_sector("bouw") is BANK.for_sector("bouw")  # made once per sector


@pytest.mark.parametrize("sector", BANK.sector_ids)
def test_the_best_answers_of_every_sector_score_100_and_the_lowest_0(sector):
    asked = BANK.for_sector(sector)
    best = {q.id: best_answer(q) for q in asked.questions_by_id.values()}
    lowest = {q.id: lowest_answer(q) for q in asked.questions_by_id.values()}
    assert score_scan(asked, best).overall == 100
    assert score_scan(asked, lowest).overall == 0
    assert {t.score for t in score_scan(asked, best).themes} == {100}


def test_an_answer_to_another_sectors_question_is_refused_by_name():
    profile = valid_profile(BANK, sector="detailhandel")
    asked = BANK.for_sector("detailhandel")
    answers = {q.id: best_answer(q) for q in asked.questions_by_id.values()}
    answers["auto-werkbon"] = "app"
    answers["osm-online-regelen"] = ["bezorgplatform"]
    _submission, errors = validate_submission(BANK, {"answers": answers, "profile": profile})
    assert errors == {
        "answers.auto-werkbon": "Deze vraag hoort niet bij de gekozen sector.",
        "answers.osm-online-regelen": "Een van de antwoorden hoort niet bij deze vraag.",
    }


def test_a_sector_change_reopens_the_step_whose_questions_changed():
    bouw = BANK.for_sector("bouw")
    answers = {q.id: best_answer(q) for q in bouw.questions_by_id.values()}
    answers["osm-online-regelen"] = ["webwinkel", "offerte"]  # options every sector sees
    answers["data-boekhouding"] = "achter"  # the top rung is "bij" here, "kassa" in a shop
    done = ["profiel", "online-sales-marketing", "data", "automatisering"]
    assert steps_still_done(bouw, done, answers) == done
    # Now a shop: it is asked auto-opdrachten, which the installateur never answered.
    shop = BANK.for_sector("detailhandel")
    assert steps_still_done(shop, done, answers) == ["profiel", "online-sales-marketing", "data"]
    # The werkbon answer is not the shop's: it does not count for its result.
    assert "auto-werkbon" not in asked_answers(shop, answers)


@pytest.fixture
def vragen(tmp_path: Path) -> Path:
    target = tmp_path / "vragen"
    shutil.copytree(VRAGEN, target)
    return target


def edit_question(directory: Path, name: str, question_id: str, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(next(q for q in data["questions"] if q["id"] == question_id))
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _problems(vragen: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_bank(vragen)
    return str(caught.value)


def test_an_unknown_sector_is_named(vragen):
    edit_question(
        vragen, "automatisering.yaml", "auto-werkbon", lambda q: q.update(sectors=["bouwen"])
    )
    assert "automatisering.yaml: questions[3].sectors: no such sector in profiel.yaml: bouwen" in (
        _problems(vragen)
    )


def test_sectors_on_a_question_and_its_options_together_are_refused(vragen):
    def both(question):
        question["options"][0]["sectors"] = ["bouw"]

    edit_question(vragen, "automatisering.yaml", "auto-werkbon", both)
    assert "give 'sectors' to the question or to its options, not both" in _problems(vragen)


def test_a_ladder_must_rise_as_each_sector_sees_it(vragen):
    def sink(question):
        kassa = next(o for o in question["options"] if o["id"] == "kassa")
        kassa["points"] = 2

    edit_question(vragen, "data.yaml", "data-boekhouding", sink)
    assert "as the sector 'detailhandel' sees it" in _problems(vragen)


def test_a_safety_question_is_asked_of_every_sector(vragen):
    edit_question(vragen, "data.yaml", "data-backup", lambda q: q.update(sectors=["bouw"]))
    assert "must be asked of every sector, as it is" in _problems(vragen)


def test_an_option_of_the_old_sector_reopens_its_step_too():
    bouw = BANK.for_sector("bouw")
    answers = {q.id: best_answer(q) for q in bouw.questions_by_id.values()}
    assert "klusplatform" in answers["osm-online-regelen"]
    done = ["profiel", "online-sales-marketing", "data", "automatisering"]
    # A consultancy is asked the same question ids on the first step, without the klusplatform.
    assert "online-sales-marketing" not in steps_still_done(
        BANK.for_sector("zakelijk"), done, answers
    )
