"""Forms: the steps of the scan (read from the question bank) and the contact form."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, Form, StringField, TextAreaField
from wtforms.validators import StopValidation

from ..content import ProfileItem, Question
from ..domain.answers import answer_error, profile_error
from ..domain.contact import (
    CONSENT_TEXT,
    FOLLOW_UP_CONSENT_TEXT,
    consent_error,
    field_error,
    follow_up_consent_text,
)
from ..web import period_nl

CHOOSE_AT_LEAST_ONE = (
    "Kies minstens één antwoord. Past er geen? Kies dan 'Geen van deze' of 'Weet ik niet'."
)


@dataclass(slots=True)
class StepField:
    """One question of a posted step: the value sent and what is wrong with it."""

    name: str
    #: str or None for a single choice and the postcode; a list of option ids for multiple.
    data: Any
    errors: list[str] = field(default_factory=list)


class StepForm:
    """A posted step: one field per question, checked by the pure checks of scan.answers.

    The questions come from the content, and every rule lives in answer_error and
    profile_error, which the JSON API calls too: one set of rules for both, where a WTForms
    form would repeat them as validators. The fixed forms (contact, staff) use WTForms.
    """

    def __init__(self, items: tuple[Question | ProfileItem, ...], formdata: MultiDict) -> None:
        self._items = items
        self.fields = {item.id: StepField(item.id, _read(item, formdata)) for item in items}

    def validate(self) -> bool:
        """Check every field; return whether all are valid."""
        for item in self._items:
            field_ = self.fields[item.id]
            message: str | None
            if isinstance(item, Question):
                if item.type == "multiple" and not field_.data:
                    message = CHOOSE_AT_LEAST_ONE  # a skipped question is never read as "none"
                else:
                    message = answer_error(item, field_.data)
            else:
                message = profile_error(item, field_.data)
            field_.errors = [message] if message else []
        return not any(f.errors for f in self.fields.values())

    def __iter__(self) -> Iterator[StepField]:
        return iter(self.fields.values())


def _read(item: Question | ProfileItem, formdata: MultiDict) -> Any:
    values = formdata.getlist(item.id)
    if item.type == "multiple":
        return values
    if not values:
        return None
    # A postcode pasted from a spreadsheet may hold a tab: the page makes every space one.
    return " ".join(values[0].split()) if item.type == "postcode" else values[0]


def valid_data(form: StepForm) -> dict[str, Any]:
    """Return the values of the fields that passed validation (after validate() ran)."""
    return {name: f.data for name, f in form.fields.items() if not f.errors}


def _contact_check(name: str):
    def check(_form: Form, field: Field) -> None:
        message = field_error(name, field.data)
        if message:
            raise StopValidation(message)

    return check


def _consent_check(_form: Form, field: Field) -> None:
    message = consent_error(field.data is True)
    if message:
        raise StopValidation(message)


def _one_line(value: str | None) -> str | None:
    """Make a pasted tab or line break in a one-line field a space, as a person means it."""
    return " ".join(value.split()) if value else value


def _line_field(label: str, name: str) -> StringField:
    return StringField(label, filters=[_one_line], validators=[_contact_check(name)])


class ContactForm(Form):
    """The "Neem contact met mij op" form; the checks are those of domain.contact."""

    name = _line_field("Je naam", "name")
    company = _line_field("Naam van je bedrijf", "company")
    email = _line_field("E-mailadres", "email")
    phone = _line_field("Telefoonnummer (niet verplicht)", "phone")
    kvk = _line_field("KvK-nummer (niet verplicht)", "kvk")
    message = TextAreaField(
        "Waar wil je hulp bij? (niet verplicht)", validators=[_contact_check("message")]
    )
    consent = BooleanField(CONSENT_TEXT, validators=[_consent_check])
    #: Never required, never pre-ticked: a reminder is a consent of its own.
    follow_up = BooleanField(FOLLOW_UP_CONSENT_TEXT)


def build_contact_form(formdata: MultiDict | None) -> ContactForm:
    """Build the contact form, filled with what was posted (None: empty)."""
    form = ContactForm(formdata=formdata)
    # The wait is a setting; the sentence around it is the versioned consent text.
    period = period_nl(current_app.config["FOLLOW_UP_DAYS"])
    form.follow_up.label.text = follow_up_consent_text(period)
    return form
