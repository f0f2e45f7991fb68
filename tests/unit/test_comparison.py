"""The comparison of a re-scan with its earlier scan, on plain stored results."""

from __future__ import annotations

from scan.domain.comparison import compare
from tests.strategies import asked


def stored(themes: dict, overall, safety=()):
    return {
        "overall": overall,
        "themes": {t: {"score": s, "level": None} for t, s in themes.items()},
        "safety": [{"id": i, "status": status} for i, status in safety],
    }


def test_scores_answers_and_resolved_safety_are_compared(bank):
    sector_bank = asked(bank)
    ids = [t.id for t in sector_bank.themes]
    single = next(q for q in sector_bank.questions_by_id.values() if q.type == "single")
    multiple = next(q for q in sector_bank.questions_by_id.values() if q.type == "multiple")
    options = [o.id for o in multiple.options if not o.exclusive][:2]
    before = {
        "result": stored(
            {ids[0]: 40, ids[1]: None, ids[2]: 70},
            55,
            [("back-ups", "risk"), ("updates", "unknown"), ("wachtwoorden", "ok")],
        ),
        "answers": {
            single.id: single.options[0].id,
            multiple.id: options,
            "weg-uit-de-lijst": "ja",
        },
    }
    after = {
        "result": stored(
            {ids[0]: 65, ids[1]: 30, ids[2]: 70},
            55,
            [("back-ups", "ok"), ("updates", "risk"), ("wachtwoorden", "ok")],
        ),
        # The same options in another order are the same answer.
        "answers": {single.id: single.options[1].id, multiple.id: list(reversed(options))},
    }
    found = compare(sector_bank, before, after, same_version=True)
    assert [found.themes[t].delta for t in ids] == [25, None, 0]
    assert found.overall.delta == 0
    assert [(c.question_id, c.before, c.after) for c in found.changed_answers] == [
        (single.id, single.options[0].id, single.options[1].id)
    ]
    assert found.resolved_safety == ("back-ups",)
    assert not found.partial
    assert compare(sector_bank, before, after, same_version=False).partial


def test_steps_taken_count_only_advice_the_earlier_scan_gave(bank):
    sector_bank = asked(bank)
    themes = {t.id: 50 for t in sector_bank.themes}
    before = {"result": stored(themes, 50) | {"advice": [{"id": "a"}, {"id": "b"}]}, "answers": {}}

    def taken(answer):
        after = {"result": stored(themes, 50), "answers": {}, "steps_taken": answer}
        return compare(sector_bank, before, after, same_version=True).steps_taken

    assert taken(["b", "a"]) == ("b", "a")
    assert taken(["a", "niet-gegeven"]) == ("a",)  # advice the earlier scan never gave
    assert taken(["geen"]) == taken(["weet-ik-niet"]) == taken(None) == ()
