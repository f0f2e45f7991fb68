"""The weakest theme of a lead, as the inbox shows and filters it."""

from __future__ import annotations

from scan.records.leads import weakest_theme


def result(scores: dict[str, int], advice_themes: list[str]) -> dict:
    return {
        "themes": {theme: {"score": score} for theme, score in scores.items()},
        "advice": [{"id": f"x{i}", "theme": theme} for i, theme in enumerate(advice_themes)],
    }


def test_the_lowest_score_wins():
    assert weakest_theme(result({"data": 40, "automatisering": 20, "osm": 60}, [])) == (
        "automatisering"
    )


def test_a_tie_goes_to_the_theme_the_advice_ranked_first():
    tied = {"automatisering": 30, "data": 30, "online-sales-marketing": 30}
    assert weakest_theme(result(tied, ["data", "automatisering"])) == "data"
    assert weakest_theme(result(tied, ["online-sales-marketing"])) == "online-sales-marketing"
    # Without advice to go by, the id decides, so the answer is still stable.
    assert weakest_theme(result(tied, [])) == "automatisering"


def test_no_themes_no_weakest():
    assert weakest_theme({}) is None
