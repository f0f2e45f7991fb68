"""Pure: a re-scan's extra question, "Welke van deze stappen heb je sinds de vorige scan gezet?".

Its options are the earlier scan's advice (as titled now), with "Geen van deze" and the
"Weet ik niet" every question has; both stand alone. The answer is stored as it was given
(Scan.steps_taken); `taken_advice` reads the advice ids out of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..content import Option, Question
from ..content.model import DONT_KNOW_ID, DONT_KNOW_LABEL

#: The journey step that asks it: the first page of a re-scan.
STEP = "stappen"
#: The question's id: the name of its checkboxes.
QUESTION_ID = "stappen-gezet"
NONE_ID = "geen"
TEXT = "Welke van deze stappen heb je sinds de vorige scan gezet?"
HINT = (
    "Dit adviseerde de vorige scan je. Kies wat je hebt gedaan, ook als het nog niet af is. "
    "Daarna loop je de vragen van toen nog eens door."
)


def steps_question(advice: Iterable[tuple[str, str]]) -> Question:
    """The question for a re-scan whose earlier scan gave this advice: (id, title) pairs.

    A Question like the bank's, so the step page shows and checks it as any other. It
    belongs to no theme and is never scored: the one point per option is there because a
    bank question that gives no points is refused (content.rules), not to be counted.
    """
    options = [Option(id=advice_id, label=title, points=1) for advice_id, title in advice]
    options.append(Option(id=NONE_ID, label="Geen van deze", exclusive=True))
    # As the loader adds it to each bank question (objects do not get it added).
    options.append(Option(id=DONT_KNOW_ID, label=DONT_KNOW_LABEL, dont_know=True, exclusive=True))
    return Question(id=QUESTION_ID, text=TEXT, hint=HINT, type="multiple", options=tuple(options))


def taken_advice(answer: Iterable[str] | None) -> tuple[str, ...]:
    """The advice ids in an answer to the question ("Geen" and "Weet ik niet" are none)."""
    return tuple(a for a in answer or () if a not in (NONE_ID, DONT_KNOW_ID))
