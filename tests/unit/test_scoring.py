"""Scoring follows DESIGN's contract exactly: table cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scan.config import PROJECT_ROOT
from scan.content import Question, Theme, load_bank, parse
from scan.domain.scoring import (
    applies,
    level_for,
    question_points,
    round_half_up_ratio,
    score_scan,
    score_theme,
)
from tests.strategies import answers_for, answers_strategy, asked, best_answer, lowest_answer

#: Scoring works on the bank as one sector is asked it (tests/unit/test_sectors.py: each).
BANK = asked(load_bank(PROJECT_ROOT / "vragen"))


def single(qid: str, points: list[int]) -> dict:
    return {
        "id": qid,
        "text": f"Vraag {qid}?",
        "options": [
            {"id": f"o{i}", "label": f"{p} punten", "points": p} for i, p in enumerate(points)
        ],
    }


def theme_with(questions: list[dict]) -> Theme:
    levels = [{"level": n, "name": f"N{n}", "text": "Tekst."} for n in (1, 2, 3, 4)]
    importance = {
        "id": "belang",
        "text": "Hoe belangrijk?",
        "options": [
            {"id": "laag", "label": "Laag", "weight": 0},
            {"id": "hoog", "label": "Hoog", "weight": 3},
        ],
    }
    filler = [single(f"f{i}", [0, 1]) for i in range(6 - len(questions))]
    return parse(
        Theme,
        {
            "id": "data",
            "title": "Data",
            "intro": "Intro.",
            "importance": importance,
            "questions": questions + filler,
            "levels": levels,
        },
    )


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 7, 0),
        (625, 10, 63),  # 62.5 rounds up, not to the even 62
        (125, 10, 13),  # 12.5 -> 13
        (245, 10, 25),  # 24.5 -> 25: the band boundary
        (249, 10, 25),
        (244, 10, 24),
        (100, 3, 33),
        (200, 3, 67),
        (700, 7, 100),
    ],
)
def test_round_half_up(numerator, denominator, expected):
    assert round_half_up_ratio(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, 1), (24, 1), (25, 2), (49, 2), (50, 3), (74, 3), (75, 4), (99, 4), (100, 4)],
)
def test_levels_are_25_point_bands(score, level):
    assert level_for(score) == level


@pytest.mark.parametrize("score", [-1, 101])
def test_level_refuses_scores_out_of_range(score):
    with pytest.raises(ValueError):
        level_for(score)


@pytest.mark.parametrize(
    ("answers", "score", "level"),
    [
        # one question worth 0..3 plus five fillers worth 0..1: max 8 points
        ({"q": "o0"}, 0, 1),
        ({"q": "o3"}, 38, 2),  # 3/8 = 37.5 -> 38
        ({"q": "o3", "f0": "o1", "f1": "o1"}, 63, 3),  # 5/8 = 62.5 -> 63
        ({"q": "o2", "f0": "o1", "f1": "o1", "f2": "o1", "f3": "o1", "f4": "o1"}, 88, 4),
        ({"q": "weet-ik-niet"}, 0, 1),
    ],
)
def test_theme_score_table(answers, score, level):
    theme = theme_with([single("q", [0, 1, 2, 3])])
    full = {q.id: "o0" for q in theme.questions} | answers
    result = score_theme(theme, full)
    assert (result.max_points, result.score, result.level) == (8, score, level)


def test_multiple_choice_max_is_sum_of_positive_options():
    question = parse(
        Question,
        {
            "id": "kanalen",
            "text": "Welke kanalen?",
            "type": "multiple",
            "options": [
                {"id": "a", "label": "A", "points": 1},
                {"id": "b", "label": "B", "points": 2},
                {"id": "geen", "label": "Geen van deze", "points": 0, "exclusive": True},
            ],
        },
    )
    assert question.max_points == 3
    assert question_points(question, ["a", "b"]) == 3
    assert question_points(question, ["b"]) == 2
    assert question_points(question, []) == 0
    assert question_points(question, ["weet-ik-niet"]) == 0


def test_costliest_questions_are_the_ones_that_lost_most():
    theme = theme_with([single("groot", [0, 1, 2, 3, 4]), single("klein", [0, 1, 2])])
    answers = {q.id: "o1" for q in theme.questions} | {"groot": "o0", "klein": "o1"}
    costliest = score_theme(theme, answers).costliest()
    assert [(q.question_id, q.lost) for q in costliest] == [("groot", 4), ("klein", 1)]


def test_overall_is_rounded_mean_of_rounded_theme_scores():
    # Pick answers so theme scores differ, then recompute the mean by hand.
    answers = answers_for(BANK, lowest_answer)
    first = BANK.themes[0].questions[0]
    answers[first.id] = best_answer(first)
    result = score_scan(BANK, answers)
    scores = [t.score for t in result.themes]
    assert scores[0] > 0 and scores[1] == 0
    expected = int(sum(scores) / 3 + 0.5)
    assert result.overall == expected


def test_all_lowest_scores_zero_everywhere():
    result = score_scan(BANK, answers_for(BANK, lowest_answer))
    assert result.overall == 0
    assert [t.score for t in result.themes] == [0, 0, 0]
    assert [t.level for t in result.themes] == [1, 1, 1]


def test_all_best_scores_hundred_everywhere():
    result = score_scan(BANK, answers_for(BANK, best_answer))
    assert result.overall == 100
    assert [t.score for t in result.themes] == [100, 100, 100]
    assert [t.level for t in result.themes] == [4, 4, 4]
    assert all(t.costliest() == () for t in result.themes)


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy(BANK))
def test_scores_stay_within_bounds(answers):
    result = score_scan(BANK, answers)
    assert 0 <= result.overall <= 100
    for theme in result.themes:
        assert 0 <= theme.score <= 100
        assert theme.level == level_for(theme.score)


def _improvements(question: Question, answer):
    """Every answer that is worth strictly more than `answer` and differs in one step.

    "Past niet bij ons" stands beside the ladder: from there no answer is a step up (a
    question that starts to apply can lower the theme's share), so there is none.
    """
    if not applies(question, answer):
        return []
    current = question_points(question, answer)
    if question.type == "single":
        return [o.id for o in question.options if o.points > current]
    regular = [o.id for o in question.options if not o.exclusive and o.points > 0]
    if any(question.options_by_id[a].exclusive for a in answer):
        return [[r] for r in regular]
    return [[*answer, r] for r in regular if r not in answer]


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy(BANK), data=st.data())
def test_improving_one_answer_never_lowers_a_score(answers, data):
    scored = [q for t in BANK.themes for q in t.questions]
    question = data.draw(st.sampled_from(scored))
    better = _improvements(question, answers[question.id])
    if not better:
        return
    improved = {**answers, question.id: data.draw(st.sampled_from(better))}
    before, after = score_scan(BANK, answers), score_scan(BANK, improved)
    assert after.overall >= before.overall
    for old, new in zip(before.themes, after.themes, strict=True):
        assert new.score >= old.score
        assert new.awarded >= old.awarded


@settings(max_examples=200, deadline=None)
@given(
    points=st.lists(
        # A ladder: each option worth more than the one before (check-content's rule).
        st.lists(st.integers(0, 6), min_size=2, max_size=5, unique=True).map(sorted),
        min_size=6,
        max_size=10,
    ),
    data=st.data(),
)
def test_any_valid_theme_scores_zero_to_hundred(points, data):
    theme = theme_with([single(f"q{i}", p) for i, p in enumerate(points)])
    lowest = {q.id: "weet-ik-niet" for q in theme.questions}
    best = {q.id: max(q.options, key=lambda o: o.points).id for q in theme.questions}
    assert score_theme(theme, lowest).score == 0
    assert score_theme(theme, best).score == 100
    chosen = {q.id: data.draw(st.sampled_from([o.id for o in q.options])) for q in theme.questions}
    assert 0 <= score_theme(theme, chosen).score <= 100


def with_not_applicable(qid: str, points: list[int]) -> dict:
    question = single(qid, points)
    past_niet = {"id": "past-niet", "label": "Past niet bij ons", "not_applicable": True}
    return {**question, "options": [*question["options"], past_niet]}


def test_a_question_that_does_not_apply_leaves_the_maximum():
    """Best answers everywhere and one question "Past niet bij ons": still 100, not less."""
    theme = theme_with([with_not_applicable("kassa", [0, 1, 2, 3])])
    best = {q.id: max(q.options, key=lambda o: o.points).id for q in theme.questions}
    result = score_theme(theme, best | {"kassa": "past-niet"})
    assert (result.score, result.level, result.max_points) == (100, 4, 5)
    assert result.questions[0].lost == 0 and not result.questions[0].applies
    # "Weet ik niet" is something else: 0 points out of the question's maximum.
    assert score_theme(theme, best | {"kassa": "weet-ik-niet"}).score == 63  # 5 of 8, half up


def test_a_theme_where_fewer_than_half_apply_is_not_measured():
    theme = theme_with([with_not_applicable(f"q{i}", [0, 1]) for i in range(6)])
    best = {q.id: "o1" for q in theme.questions}
    three_apply = best | {f"q{i}": "past-niet" for i in range(3)}
    four_out = best | {f"q{i}": "past-niet" for i in range(4)}
    assert score_theme(theme, three_apply).score == 100  # half apply: measured
    result = score_theme(theme, four_out)
    assert (result.score, result.level, result.measured) == (None, None, False)


def test_the_overall_score_is_the_mean_of_the_measured_themes():
    answers = {q.id: best_answer(q) for q in BANK.questions_by_id.values()}
    themes = score_scan(BANK, answers).themes
    assert all(t.score == 100 for t in themes)
    assert score_scan(BANK, answers).overall == 100


@pytest.mark.parametrize(
    "options",
    [
        [{"id": "a", "label": "A", "points": 2}, {"id": "b", "label": "B", "points": 1}],
        [{"id": "a", "label": "A", "points": 1}, {"id": "b", "label": "B", "points": 1}],
    ],
    ids=["falling", "flat"],
)
def test_a_ladder_must_rise(options):
    question = {"id": "q", "text": "Vraag?", "options": options}
    with pytest.raises(ValidationError, match="must rise from lowest to highest"):
        theme_with([question])


def test_not_applicable_has_no_points():
    question = with_not_applicable("q", [0, 1])
    question["options"][-1]["points"] = 1
    with pytest.raises(ValidationError, match="not applicable"):
        theme_with([question])
