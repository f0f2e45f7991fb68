"""vragen/vergelijking.yaml: the names of groups and the public figures, checked as content."""

from __future__ import annotations

import shutil

import pytest

from scan.config import PROJECT_ROOT
from scan.content import ContentError, load_bank
from scan.content.benchmark import sector_group, size_group
from scan.domain.benchmark import Segment
from scan.records.benchmark import name_of

VRAGEN = PROJECT_ROOT / "vragen"


def test_every_sector_and_size_has_a_name_of_its_own():
    bank = load_bank(VRAGEN)
    content = bank.benchmark
    assert set(content.sector_groups) == set(bank.sector_ids)
    assert set(content.size_groups) == {o.id for o in bank.profile_by_id["size"].options}


def test_segments_are_named_in_dutch():
    bank = load_bank(VRAGEN)
    assert name_of(bank, Segment("detailhandel", "micro")) == (
        "winkels en andere detailhandel met 2 tot en met 9 mensen"
    )
    assert name_of(bank, Segment("horeca", None)) == "horecabedrijven"
    assert name_of(bank, Segment(None, "zzp")) == "bedrijven zonder personeel (zzp)"
    assert name_of(bank, Segment(None, None)) == "alle bedrijven die de scan deden"


def test_a_sector_without_a_name_is_named_by_its_label():
    bank = load_bank(VRAGEN)
    content = type(bank.benchmark)()
    assert sector_group(content, bank.profile_by_id["sector"], "horeca") == (
        "bedrijven in de sector ‘Horeca’"
    )
    assert size_group(content, bank.profile_by_id["size"], "micro") == (
        "met de grootte ‘2 tot en met 9 mensen’"
    )
    assert sector_group(content, bank.profile_by_id["sector"], "verdwenen") is None


def test_every_figure_has_its_source_and_year_and_fits_a_question():
    bank = load_bank(VRAGEN)
    figures = bank.benchmark.figures
    assert figures
    questions = {q.id for t in bank.themes for q in t.questions}
    for figure in figures:
        assert figure.question in questions
        assert figure.source and figure.year >= 2000
        assert "procent" in figure.text
    assert not bank.benchmark.figures_for(questions, "zzp", "bouw")  # none copied for zzp


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("question: osm-website", "figures[0].question: no such scored question"),
        ("sizes: [micro]", "figures[0].sizes: not in profiel.yaml: reus"),
        ("year: 2020", "figures[0].year: Input should be less than or equal to 2100"),
        ("  bouw: bouw- en installatiebedrijven", "sector_groups.bouwen: no such sector"),
        ("table: 84829NED", "figures[0].table: String should match pattern"),
    ],
)
def test_a_broken_file_is_named_with_its_field(tmp_path, broken, expected):
    shutil.copytree(VRAGEN, tmp_path / "vragen")
    path = tmp_path / "vragen" / "vergelijking.yaml"
    text = path.read_text(encoding="utf-8")
    wrong = {
        "question: osm-website": "question: osm-webzijde",
        "sizes: [micro]": "sizes: [reus]",
        "year: 2020": "year: 20200",
        "  bouw: bouw- en installatiebedrijven": "  bouwen: bouwbedrijven",
        "table: 84829NED": "table: tabel 84829",
    }[broken]
    path.write_text(text.replace(broken, wrong, 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_bank(tmp_path / "vragen")
    assert any(
        str(p).startswith(f"vragen/vergelijking.yaml: {expected}") for p in raised.value.problems
    ), [str(p) for p in raised.value.problems]
