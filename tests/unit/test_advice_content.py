"""Advice files: the real ones load; broken ones are named by file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scan.config import PROJECT_ROOT
from scan.content import ContentError, load_bank
from scan.content.advice import load_catalogue

BANK = load_bank(PROJECT_ROOT / "vragen")
ADVICE_FILES = sorted((PROJECT_ROOT / "adviezen").glob("*.md"))
ADVICE_FILES = [p for p in ADVICE_FILES if p.name != "README.md"]


def test_there_are_enough_advice_files():
    assert len(ADVICE_FILES) >= 24


@pytest.mark.parametrize("path", ADVICE_FILES, ids=lambda p: p.name)
def test_every_advice_file_is_loaded(path):
    catalogue = load_catalogue(PROJECT_ROOT / "adviezen", BANK)
    item = catalogue.item(path.stem)
    assert item is not None
    assert "<p>" in item.body_html
    assert "<script" not in item.body_html and "href=" not in item.body_html


@pytest.fixture
def adviezen(tmp_path: Path) -> Path:
    target = tmp_path / "adviezen"
    shutil.copytree(PROJECT_ROOT / "adviezen", target)
    return target


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def broken(adviezen: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_catalogue(adviezen, BANK)
    return str(caught.value)


def test_unknown_question_is_named(adviezen):
    rewrite(adviezen / "osm-google-bedrijfsprofiel.md", "osm-google:", "osm-gogle:")
    message = broken(adviezen)
    assert "adviezen/osm-google-bedrijfsprofiel.md: applies.answers.osm-gogle" in message


def test_question_of_another_theme_is_refused(adviezen):
    rewrite(adviezen / "osm-google-bedrijfsprofiel.md", "osm-google:", "data-backup:")
    assert "applies.answers.data-backup: no such question in this theme" in broken(adviezen)


def test_unknown_option_is_named(adviezen):
    rewrite(adviezen / "osm-google-bedrijfsprofiel.md", "lastig", "moeilijk")
    assert "'moeilijk' is not an option of this question" in broken(adviezen)


def test_id_must_match_the_file_name(adviezen):
    rewrite(adviezen / "data-traject.md", "id: data-traject", "id: data-traject-2")
    assert "adviezen/data-traject.md: id: must equal the file name" in broken(adviezen)


def test_unknown_kind_is_named(adviezen):
    rewrite(adviezen / "data-traject.md", "kind: traject", "kind: cursus")
    message = broken(adviezen)
    assert "adviezen/data-traject.md: kind" in message


def test_missing_header_is_refused(adviezen):
    path = adviezen / "data-traject.md"
    path.write_text("Alleen tekst.\n", encoding="utf-8")
    assert "adviezen/data-traject.md: must start with a header" in broken(adviezen)


def test_a_theme_without_traject_is_refused(adviezen):
    (adviezen / "data-traject.md").unlink()
    assert "adviezen: data: has no advice of kind 'traject'" in broken(adviezen)


def test_rules_must_name_real_profile_options(adviezen):
    rewrite(adviezen / "regels.yaml", "uur-per-week", "elke-dag")
    assert "adviezen/regels.yaml: traject.time: 'elke-dag' is not an option" in broken(adviezen)


def test_raw_html_and_links_are_removed_from_the_body(adviezen):
    path = adviezen / "data-traject.md"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n<script>alert(1)</script>\n\n[klik](https://example.org) <img src="x">\n',
        encoding="utf-8",
    )
    item = load_catalogue(adviezen, BANK).item("data-traject")
    assert "<script" not in item.body_html
    assert "example.org" not in item.body_html
    assert "<img" not in item.body_html
    assert "klik" in item.body_html


def test_a_training_must_name_the_answers_it_is_for(adviezen):
    path = adviezen / "osm-workshop-sociale-media.md"
    rewrite(path, "  answers:\n    osm-social: [niet, zelden, af-en-toe]\n", "  levels: [1, 2]\n")
    message = broken(adviezen)
    assert "adviezen/osm-workshop-sociale-media.md" in message
    assert "an item of kind 'training' needs 'applies.answers'" in message


def test_an_item_for_the_top_of_a_ladder_is_refused(adviezen):
    rewrite(adviezen / "osm-website-basis.md", "[geen, verouderd]", "[geen, bijwerken]")
    message = broken(adviezen)
    assert "osm-website-basis.md: applies.answers.osm-website: 'bijwerken' is the top" in message


def test_two_items_with_one_priority_are_refused(adviezen):
    rewrite(adviezen / "osm-website-basis.md", "priority: 10", "priority: 12")
    message = broken(adviezen)
    assert "osm-website-basis.md: priority: 12 is already the priority of" in message


def test_a_safety_answer_without_its_step_is_refused(adviezen):
    rewrite(adviezen / "data-backup-regelen.md", "[geen, hand, weet-ik-niet]", "[geen, hand]")
    message = broken(adviezen)
    assert "adviezen: safety.back-ups: no step" in message and "['weet-ik-niet']" in message


def test_a_step_for_a_safety_item_may_not_apply_on_an_answer_in_order(adviezen):
    rewrite(adviezen / "data-backup-terugzetten.md", "[automatisch]", "[automatisch, getest]")
    message = broken(adviezen)
    assert "data-backup-terugzetten.md: applies.answers.data-backup" in message


def test_an_unknown_sector_is_named(adviezen):
    rewrite(adviezen / "osm-offerte-online.md", "sectors: [bouw,", "sectors: [bouwen,")
    assert "osm-offerte-online.md: sectors: 'bouwen' is not an option of 'sector'" in broken(
        adviezen
    )
