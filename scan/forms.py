"""WTForms forms generated from the question bank: one field per question."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Field,
    Form,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from .answers import answer_error, profile_error
from .contact import CONSENT_TEXT, consent_error, field_error
from .content import Bank, ProfileItem, Question, Theme

CHOOSE_AT_LEAST_ONE = (
    "Kies minstens één antwoord. Past er geen? Kies dan 'Geen van deze' of 'Weet ik niet'."
)


class _Check:
    """A WTForms validator that asks a pure check function for a Dutch message."""

    def __init__(self, check, subject, *, at_least_one: bool = False):
        self.check = check
        self.subject = subject
        self.at_least_one = at_least_one

    def __call__(self, form: Form, field: Field) -> None:
        if self.at_least_one and not field.data:
            raise StopValidation(CHOOSE_AT_LEAST_ONE)
        message = self.check(self.subject, field.data)
        if message:
            raise StopValidation(message)


def _question_field(question: Question) -> Field:
    choices = [SelectChoice(o.id, o.label) for o in question.options]
    if question.type == "multiple":
        # The web asks for an explicit choice, so a skipped question is never read as "none".
        return SelectMultipleField(
            question.text,
            choices=choices,
            validate_choice=False,
            validators=[_Check(answer_error, question, at_least_one=True)],
        )
    return RadioField(
        question.text,
        choices=choices,
        validate_choice=False,
        validators=[_Check(answer_error, question)],
    )


def _profile_field(item: ProfileItem) -> Field:
    if item.type == "postcode":
        return StringField(
            item.text,
            filters=[lambda v: v.strip() if isinstance(v, str) else v],
            validators=[_Check(profile_error, item)],
        )
    return RadioField(
        item.text,
        choices=[SelectChoice(o.id, o.label) for o in item.options],
        validate_choice=False,
        validators=[_Check(profile_error, item)],
    )


# The bank never changes while the app runs, so each step's form class is made once. The
# classes are kept by the content object's identity: looking a pydantic model up by value
# compares it field by field, which cost more than building the form.
_FORM_CLASSES: dict[int, tuple[object, type[Form]]] = {}


def _form_class(content: Theme | Bank, make) -> type[Form]:
    kept = _FORM_CLASSES.get(id(content))
    if kept is None or kept[0] is not content:
        if len(_FORM_CLASSES) >= 64:  # tests make many apps; one process serves one bank
            _FORM_CLASSES.clear()
        kept = _FORM_CLASSES[id(content)] = (content, make())
    return kept[1]


def build_theme_form(theme: Theme, formdata: MultiDict | None, data: dict[str, Any]) -> Form:
    """Build the form of one theme step, filled from the request or from stored answers."""
    fields = lambda: {q.id: _question_field(q) for q in theme.all_questions}  # noqa: E731
    form_class = _form_class(theme, lambda: type("ThemeForm", (Form,), fields()))
    return form_class(formdata=formdata, data=data)


def build_profile_form(bank: Bank, formdata: MultiDict | None, data: dict[str, Any]) -> Form:
    """Build the form of the profile step."""
    fields = lambda: {item.id: _profile_field(item) for item in bank.profile}  # noqa: E731
    form_class = _form_class(bank, lambda: type("ProfileForm", (Form,), fields()))
    return form_class(formdata=formdata, data=data)


def valid_data(form: Form) -> dict[str, Any]:
    """Return the values of the fields that passed validation (after validate() ran)."""
    return {name: field.data for name, field in form._fields.items() if not field.errors}


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


def build_contact_form(formdata: MultiDict | None) -> Form:
    """Build the "Neem contact met mij op" form."""

    class ContactForm(Form):
        name = StringField("Je naam", validators=[_contact_check("name")])
        company = StringField("Naam van je bedrijf", validators=[_contact_check("company")])
        email = StringField("E-mailadres", validators=[_contact_check("email")])
        phone = StringField("Telefoonnummer (mag leeg)", validators=[_contact_check("phone")])
        kvk = StringField("KvK-nummer (mag leeg)", validators=[_contact_check("kvk")])
        message = TextAreaField(
            "Waar wil je hulp bij? (mag leeg)", validators=[_contact_check("message")]
        )
        consent = BooleanField(CONSENT_TEXT, validators=[_consent_check])

    return ContactForm(formdata=formdata)
