"""Pure: check answers and profile values against the bank, with Dutch messages.

The web forms and the JSON API both call these functions, so an answer is valid or invalid in
the same way wherever it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..content import Bank, ProfileItem, Question
from .postcode import PostcodeError, parse_pc4
from .text import END

#: A partner site's slug; published in the OpenAPI document.
PARTNER_PATTERN = re.compile(f"^[a-z0-9][a-z0-9-]{{0,39}}{END}")

#: The fields of an API submission; any other is refused, so a typo does not go unnoticed.
SUBMISSION_FIELDS = ("answers", "profile", "partner", "previous", "steps_taken")
#: A scan's token as the app makes them (records.scans.new_token); published in the document.
TOKEN_PATTERN = re.compile(f"^[A-Za-z0-9_-]{{20,64}}{END}")
UNKNOWN_FIELD = "Dit veld bestaat niet."

MISSING_ANSWER = "Kies een antwoord. Weet je het niet? Kies dan 'Weet ik niet'."


def answer_error(question: Question, value: Any) -> str | None:
    """Return a Dutch message when `value` is not a valid answer to `question`, else None."""
    if question.type == "single":
        if value is None or value == "":
            return MISSING_ANSWER
        if not isinstance(value, str):
            return "Geef precies één antwoord (de id van een antwoord als tekst)."
        if value not in question.options_by_id:
            return "Dit antwoord hoort niet bij deze vraag."
        return None
    if not isinstance(value, list):
        return "Geef een lijst met antwoorden (die mag leeg zijn)."
    if not all(isinstance(v, str) for v in value):
        return "Elk antwoord in de lijst moet een tekst zijn."
    if len(set(value)) != len(value):
        return "Je hebt een antwoord meer dan één keer gekozen."
    if any(v not in question.options_by_id for v in value):
        return "Een van de antwoorden hoort niet bij deze vraag."
    exclusive = [question.options_by_id[v] for v in value if question.options_by_id[v].exclusive]
    if exclusive and len(value) > 1:
        return f"'{exclusive[0].label}' kun je niet samen met andere antwoorden kiezen."
    return None


def profile_error(item: ProfileItem, value: Any) -> str | None:
    """Return a Dutch message when `value` is not valid for the profile item, else None."""
    if value is None or value == "":
        return "Kies een antwoord." if item.required else None
    if not isinstance(value, str):
        return "Geef het antwoord als tekst."
    if item.type == "postcode":
        try:
            parse_pc4(value)
        except PostcodeError as exc:
            return str(exc)
        return None
    if value not in item.options_by_id:
        return "Dit antwoord hoort niet bij deze vraag."
    return None


def clean_profile_value(item: ProfileItem, value: str | None) -> str | None:
    """Return the value to store for a valid profile answer: the PC4 for a postcode."""
    if not value:
        return None
    return parse_pc4(value) if item.type == "postcode" else value


@dataclass
class Submission:
    """A complete set of answers and profile values that passed every check."""

    answers: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, str | None] = field(default_factory=dict)
    partner: str | None = None
    #: A re-scan: the token of the earlier scan (checked against the database by the caller).
    previous: str | None = None
    #: A re-scan's steps taken since (checked against the earlier scan's advice by the caller).
    steps_taken: list[str] | None = None


def validate_submission(bank: Bank, payload: Any) -> tuple[Submission, dict[str, str]]:
    """Check a whole API payload; return the clean submission and the errors by field key."""
    errors: dict[str, str] = {}
    submission = Submission()
    if not isinstance(payload, Mapping):
        return submission, {"body": "Stuur een JSON-object met 'answers' en 'profile'."}

    for key in payload:
        if key not in SUBMISSION_FIELDS:
            errors[str(key)[:200]] = UNKNOWN_FIELD
    profile = payload.get("profile")
    if not isinstance(profile, Mapping):
        errors["profile"] = 'Geef \'profile\' als object, bijvoorbeeld {"postcode": "1234 AB"}.'
    else:
        for item in bank.profile:
            message = profile_error(item, profile.get(item.id))
            if message:
                errors[f"profile.{item.id}"] = message
            else:
                submission.profile[item.id] = clean_profile_value(item, profile.get(item.id))
        for key in profile:
            if key not in bank.profile_by_id:
                errors[f"profile.{key}"[:200]] = "Dit profielveld bestaat niet."

    # The questions and options depend on the sector; without a valid sector every question
    # is asked (the profile's error says what is wrong).
    asked = bank.for_sector(submission.profile.get("sector"))
    answers = payload.get("answers")
    if not isinstance(answers, Mapping):
        errors["answers"] = "Geef 'answers' als object: vraag-id -> antwoord-id(s)."
    else:
        for question in asked.questions_by_id.values():
            if question.id not in answers:
                errors[f"answers.{question.id}"] = "Deze vraag is niet beantwoord."
                continue
            message = answer_error(question, answers[question.id])
            if message:
                errors[f"answers.{question.id}"] = message
            else:
                submission.answers[question.id] = answers[question.id]
        for key in answers:
            if key in asked.questions_by_id:
                continue
            if key in bank.questions_by_id:
                errors[f"answers.{key}"[:200]] = "Deze vraag hoort niet bij de gekozen sector."
            else:
                errors[f"answers.{key}"[:200]] = "Deze vraag bestaat niet."

    submission.partner = _matching(
        payload,
        "partner",
        PARTNER_PATTERN,
        "Een partner-id bestaat uit kleine letters, cijfers en streepjes.",
        errors,
    )
    _check_rescan(payload, submission, errors)
    return submission, errors


def _matching(
    payload: Mapping[str, Any], name: str, pattern: re.Pattern, message: str, errors: dict
) -> str | None:
    """An optional text field's value if it matches `pattern`; else None, with `message`."""
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, str) and pattern.search(value):
        return value
    errors[name] = message
    return None


def _check_rescan(payload: Mapping[str, Any], submission: Submission, errors: dict) -> None:
    """Check the shape of a re-scan's "previous" and "steps_taken"; the rest needs the data."""
    previous = payload.get("previous")
    message = "Dit is geen token van een scan."
    submission.previous = _matching(payload, "previous", TOKEN_PATTERN, message, errors)
    steps = payload.get("steps_taken")
    if steps is None:
        return
    if previous is None:
        errors["steps_taken"] = "Geef ook 'previous': de stappen horen bij een eerdere scan."
    elif not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        errors["steps_taken"] = "Geef een lijst met advies-id's (die mag leeg zijn)."
    elif len(set(steps)) != len(steps):
        errors["steps_taken"] = "Je hebt een advies meer dan één keer genoemd."
    else:
        submission.steps_taken = steps
