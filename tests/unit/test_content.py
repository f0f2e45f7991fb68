"""The question bank: the real files load, and every kind of broken file is named precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scan.config import PROJECT_ROOT
from scan.content import DONT_KNOW_ID, THEME_IDS, ContentError, load_bank

VRAGEN = PROJECT_ROOT / "vragen"
CONTENT_FILES = sorted(VRAGEN.glob("*.yaml"))


def test_there_are_content_files():
    assert len(CONTENT_FILES) == 7


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_every_content_file_is_used_by_the_bank(path):
    bank = load_bank(VRAGEN)
    used = {"bank.yaml", "profiel.yaml", "basisveiligheid.yaml", "vergelijking.yaml"}
    used |= {f"{t.id}.yaml" for t in bank.themes}
    assert path.name in used


def test_real_bank_meets_the_content_rules():
    bank = load_bank(VRAGEN)
    assert [t.id for t in bank.themes] == list(THEME_IDS)
    assert [p.id for p in bank.profile] == ["sector", "size", "postcode", "time", "ambition"]
    for theme in bank.themes:
        assert 6 <= len(theme.questions) <= 10
        assert [level.level for level in theme.levels] == [1, 2, 3, 4]
        assert theme.importance.scored is False
        for question in theme.all_questions:
            assert question.options[-1].id == DONT_KNOW_ID
            assert question.options[-1].label == "Weet ik niet"


def test_bank_objects_are_immutable():
    bank = load_bank(VRAGEN)
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError
        bank.themes[0].questions[0].text = "Anders"


@pytest.fixture
def vragen(tmp_path: Path) -> Path:
    """A copy of the real question bank to break."""
    target = tmp_path / "vragen"
    shutil.copytree(VRAGEN, target)
    return target


def edit(directory: Path, name: str, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _set(path: list, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: list):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _duplicate_first_question_id(data):
    data["questions"][1]["id"] = data["questions"][0]["id"]


def _duplicate_option_id(data):
    options = data["questions"][0]["options"]
    options[1]["id"] = options[0]["id"]


def _reserved_dont_know(data):
    data["questions"][0]["options"].append({"id": "weet-ik-niet", "label": "Weet ik niet"})


def _all_zero_points(data):
    for option in data["questions"][2]["options"]:
        option["points"] = 0


def _drop_level_four(data):
    data["levels"] = [level for level in data["levels"] if level["level"] != 4]


def _too_few_questions(data):
    data["questions"] = data["questions"][:5]


def _borrow_question_id_from_data(vragen_dir):
    other = yaml.safe_load((vragen_dir / "data.yaml").read_text(encoding="utf-8"))
    return _set(["questions", 0, "id"], other["questions"][0]["id"])


def _drop_profile_postcode(data):
    data["items"] = [item for item in data["items"] if item["id"] != "postcode"]


BROKEN = [
    (
        "data.yaml",
        _duplicate_first_question_id,
        "vragen/data.yaml: questions[1].id",
        "already used",
    ),
    ("data.yaml", _duplicate_option_id, "vragen/data.yaml: questions[0]", "unique"),
    ("data.yaml", _reserved_dont_know, "vragen/data.yaml: questions[0]", "reserved"),
    (
        "data.yaml",
        _set(["questions", 0, "options", 0, "points"], "veel"),
        "vragen/data.yaml: questions[0].options[0].points",
        "integer",
    ),
    (
        "automatisering.yaml",
        _set(["questions", 3, "options", 1, "points"], -2),
        "vragen/automatisering.yaml: questions[3].options[1].points",
        "greater than or equal to 0",
    ),
    ("data.yaml", _all_zero_points, "vragen/data.yaml: questions[2]", "worth points"),
    ("data.yaml", _drop_level_four, "vragen/data.yaml: levels", "found [1, 2, 3]"),
    ("data.yaml", _too_few_questions, "vragen/data.yaml: questions", "at least 6"),
    ("data.yaml", _set(["id"], "automatisering"), "vragen/data.yaml: id", "must be 'data'"),
    ("data.yaml", _set(["id"], "marketing"), "vragen/data.yaml: id", "Input should be"),
    (
        "data.yaml",
        _set(["questions", 0, "optoins"], []),
        "vragen/data.yaml: questions[0].optoins",
        "unknown key",
    ),
    ("data.yaml", _delete(["levels", 0, "name"]), "vragen/data.yaml: levels[0].name", "required"),
    (
        "online-sales-marketing.yaml",
        _delete(["importance", "options", 0, "weight"]),
        "vragen/online-sales-marketing.yaml: importance",
        "weight",
    ),
    (
        "online-sales-marketing.yaml",
        _set(["questions", 0, "options", 0, "weight"], 2),
        "vragen/online-sales-marketing.yaml: questions[0]",
        "importance question only",
    ),
    ("bank.yaml", _delete(["version"]), "vragen/bank.yaml: version", "required"),
    ("bank.yaml", _set(["themes"], ["data", "automatisering"]), "vragen/bank.yaml: themes", ""),
    ("bank.yaml", _set(["minutes", "min"], 12), "vragen/bank.yaml", "minutes.min is larger"),
    ("profiel.yaml", _drop_profile_postcode, "vragen/profiel.yaml: items", "postcode"),
    (
        "profiel.yaml",
        _set(["items", 0, "type"], "dropdown"),
        "vragen/profiel.yaml: items[0].type",
        "Input should be",
    ),
]


@pytest.mark.parametrize(
    ("name", "change", "where", "why"), BROKEN, ids=[f"{b[0]}:{b[2]}:{b[3]}" for b in BROKEN]
)
def test_broken_file_is_named_with_its_field(vragen, name, change, where, why):
    edit(vragen, name, change)
    with pytest.raises(ContentError) as caught:
        load_bank(vragen)
    message = str(caught.value)
    assert where in message
    assert why in message


def test_question_id_used_in_two_themes_is_refused(vragen):
    edit(vragen, "automatisering.yaml", _borrow_question_id_from_data(vragen))
    with pytest.raises(ContentError) as caught:
        load_bank(vragen)
    assert "vragen/automatisering.yaml: questions[0].id" in str(caught.value)
    assert "already used in vragen/data.yaml" in str(caught.value)


def test_missing_theme_file_is_named(vragen):
    (vragen / "automatisering.yaml").unlink()
    with pytest.raises(ContentError, match=r"vragen/automatisering\.yaml: file is missing"):
        load_bank(vragen)


def test_invalid_yaml_names_file_and_line(vragen):
    path = vragen / "data.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  - [unclosed")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ContentError, match=r"vragen/data\.yaml: line \d+, column \d+: not valid"):
        load_bank(vragen)


def test_file_that_is_not_a_mapping_is_refused(vragen):
    (vragen / "profiel.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"vragen/profiel\.yaml: must hold a mapping"):
        load_bank(vragen)


def test_every_problem_is_reported_at_once(vragen):
    edit(vragen, "data.yaml", _drop_level_four)
    edit(vragen, "bank.yaml", _delete(["version"]))
    with pytest.raises(ContentError) as caught:
        load_bank(vragen)
    files = {problem.file for problem in caught.value.problems}
    assert files == {"vragen/data.yaml", "vragen/bank.yaml"}


def _minutes_to_answer(bank) -> float:
    """Model: 180 words a minute plus 8 seconds to choose per question.

    Adults read plain Dutch silently at 200 to 250 words a minute; 180 leaves room for a small
    phone screen. Every label counts, "Weet ik niet" included, as if the ondernemer reads all.
    """
    texts, questions = [], 0
    for item in bank.profile:
        questions += 1
        texts += [item.text, item.hint or "", *(o.label for o in item.options)]
    for theme in bank.themes:
        texts += [theme.title, theme.intro]
        for question in theme.all_questions:
            questions += 1
            texts += [question.text, question.hint or "", *(o.label for o in question.options)]
    words = sum(len(text.split()) for text in texts)
    return words / 180 + questions * 8 / 60


@pytest.mark.parametrize("sector", load_bank(VRAGEN).sector_ids)
def test_time_estimate_on_the_landing_page_is_honest_for_every_sector(sector):
    bank = load_bank(VRAGEN)
    minutes = _minutes_to_answer(bank.for_sector(sector))
    assert bank.minutes.min <= minutes <= bank.minutes.max, f"{sector}: {minutes:.1f} min"


@pytest.mark.parametrize("sector", load_bank(VRAGEN).sector_ids)
def test_every_sector_is_asked_at_most_thirty_items(sector):
    """Ten minutes on a phone: profile items, scored and importance questions together."""
    asked = load_bank(VRAGEN).for_sector(sector)
    items = len(asked.profile) + sum(len(theme.all_questions) for theme in asked.themes)
    assert items <= 30, items


def test_the_loader_refuses_a_bank_that_asks_a_sector_more_than_thirty_items(vragen):
    def add_question(data):
        extra = dict(data["questions"][0], id="data-extra", sectors=["horeca"])
        data["questions"].append(extra)

    edit(vragen, "data.yaml", add_question)
    with pytest.raises(ContentError) as caught:
        load_bank(vragen)
    assert "the sector 'horeca' is asked 31 items, more than 30" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(["items", 0, "question"], "data-bakup"), "items[0].question: no such scored"),
        (_set(["items", 0, "ok"], ["weet-ik-niet"]), "items[0].ok: 'Weet ik niet' is unknown"),
        (_set(["items", 0, "ok"], ["klaar"]), "items[0].ok: 'klaar' is not an option"),
        (
            _set(["items", 0, "ok"], ["geen", "hand", "automatisch", "getest"]),
            "items[0].ok: leaves no answer that is a risk",
        ),
    ],
    ids=["unknown question", "dont know in order", "unknown option", "nothing a risk"],
)
def test_a_broken_safety_list_is_named(vragen, change, expected):
    edit(vragen, "basisveiligheid.yaml", change)
    with pytest.raises(ContentError) as caught:
        load_bank(vragen)
    assert f"vragen/basisveiligheid.yaml: {expected}" in str(caught.value)


def test_a_strength_low_on_the_ladder_is_refused(vragen):
    def change(data):
        data["questions"][0]["options"][0]["strength"] = "Je hebt geen website."

    edit(vragen, "online-sales-marketing.yaml", change)
    with pytest.raises(ContentError, match="has a 'strength' but is not at or near the top"):
        load_bank(vragen)


def test_a_level_text_about_safety_is_refused(vragen):
    edit(vragen, "data.yaml", _set(["levels", 3, "text"], "Je back-ups zijn goed geregeld."))
    with pytest.raises(ContentError, match="level 4 speaks of safety"):
        load_bank(vragen)
