"""Spelling: every Dutch text an ondernemer reads passes hunspell's Dutch dictionary.

The texts are the question bank (vragen/), the advice (adviezen/) and the templates' words.
Words a dictionary cannot know (product names, "planningsapp") are in tests/woordenlijst.txt,
one per line; add a word there only when it is right.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from scan.config import PROJECT_ROOT
from scan.content.advice import split_front_matter

WORD_LIST = Path(__file__).resolve().parent.parent / "woordenlijst.txt"
DICTIONARY = "nl_NL"
#: Keys of content files whose values are ids or settings, not Dutch text.
NOT_TEXT = {
    "id",
    "type",
    "question",
    "ok",
    "sectors",
    "sizes",
    "version",
    "themes",
    "theme",
    "kind",
    "safety",
    "applies",
    "priority",
    "table",
}


def _strings(data) -> list[str]:
    """Every string value in a YAML document, except the values of NOT_TEXT keys."""
    if isinstance(data, dict):
        return [s for key, value in data.items() if key not in NOT_TEXT for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return [data] if isinstance(data, str) else []


def template_text(source: str) -> str:
    """The words of a Jinja template: no tags, attributes, expressions or comments."""
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    # A block that fills in a class attribute holds class names, not words.
    source = re.sub(r"\{%-?\s*block \w+_class\s*-?%\}.*?\{%-?\s*endblock", " ", source)
    source = re.sub(r"[\w-]+=\"[^\"]*\"", " ", source)  # attributes outside a tag
    source = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    return re.sub(r"<[^>]*>", " ", source, flags=re.S)


def dutch_texts() -> dict[str, str]:
    """Every file with Dutch text an ondernemer or a medewerker reads, as plain text."""
    texts = {}
    for path in sorted((PROJECT_ROOT / "vragen").glob("*.yaml")):
        texts[f"vragen/{path.name}"] = "\n".join(_strings(yaml.safe_load(path.read_text())))
    for path in sorted((PROJECT_ROOT / "adviezen").glob("*.md")):
        if path.name == "README.md":
            continue
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        assert parts is not None, path
        header, body = parts
        texts[f"adviezen/{path.name}"] = "\n".join([*_strings(yaml.safe_load(header)), body])
    for path in sorted((PROJECT_ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            name = str(path.relative_to(PROJECT_ROOT))
            texts[name] = template_text(path.read_text(encoding="utf-8"))
    return texts


def words_of(text: str) -> str:
    """Prepare text for hunspell: quotes that open or close a phrase are not part of a word,
    and settings names (PRIVACY_EMAIL), addresses and markup are no Dutch."""
    text = re.sub(r"https?://\S+|\S+@\S+|\b[A-Z]+_[A-Z_]+\b|&\w+;", " ", text)
    # "boekhoud-, kassa- of offerteprogramma": the halves of a shortened compound.
    text = re.sub(r"\b\w+-(?=[,\s])", " ", text)
    text = re.sub(r"\.(?=\s|$)", " ", text)  # hunspell's Dutch takes a full stop for part of a word
    text = re.sub(r"[‘’“”\"]", " ", text)
    return re.sub(r"(?<![\w])'|'(?![\w])", " ", text)


@pytest.fixture(scope="module")
def hunspell() -> str:
    found = shutil.which("hunspell")
    if found is None or not Path(f"/usr/share/hunspell/{DICTIONARY}.dic").exists():
        pytest.fail(
            "hunspell with the Dutch dictionary is missing: run "
            "scripts/ensure-packages hunspell hunspell-nl (make test does)",
            pytrace=False,
        )
    return found


def test_the_spelling_check_sees_the_content():
    texts = dutch_texts()
    assert len([n for n in texts if n.startswith("adviezen/")]) >= 24
    assert len([n for n in texts if n.startswith("templates/")]) >= 10
    assert "Weet je het niet?" in "".join(texts.values())


def test_hunspell_finds_a_misspelling(hunspell):
    """The check itself: a misspelt word is reported, a right one is not."""
    found = _misspelt(hunspell, "Een bakkerij zonder bakups maakt geen omzet.")
    assert found == ["bakups"]


def _misspelt(hunspell: str, text: str) -> list[str]:
    done = subprocess.run(
        [hunspell, "-d", DICTIONARY, "-p", str(WORD_LIST), "-l"],
        input=words_of(text),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return done.stdout.split()


def test_every_dutch_text_is_spelt_right(hunspell):
    problems = []
    for name, text in dutch_texts().items():
        wrong = sorted(set(_misspelt(hunspell, text)))
        if wrong:
            problems.append(f"{name}: {', '.join(wrong)}")
    assert not problems, (
        "hunspell (nl_NL) does not know these words; fix the spelling, or add a word that is "
        f"right to {WORD_LIST.name}:\n" + "\n".join(problems)
    )
