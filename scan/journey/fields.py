"""Finished values for the step templates: every question with its options, ids and error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wtforms import Form

from ..content import Option, ProfileItem, Question
from .forms import StepForm


@dataclass(frozen=True, slots=True)
class OptionView:
    """One radio button or checkbox."""

    input_id: str
    value: str
    label: str
    checked: bool
    exclusive: bool


@dataclass(frozen=True, slots=True)
class QuestionView:
    """One question as the template renders it."""

    name: str
    text: str
    hint: str | None
    kind: str  # "radio", "checkbox" or "postcode"
    options: tuple[OptionView, ...]
    value: str
    error: str | None

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the first input of the question."""
        return self.options[0].input_id if self.options else self.name

    @property
    def summary(self) -> str:
        """The line in the error summary: which question, and what is wrong."""
        return f"{self.text} {self.error}"


def _options(name: str, options: tuple[Option, ...], chosen: set[str]) -> tuple[OptionView, ...]:
    return tuple(
        OptionView(f"{name}-{i}", o.id, o.label, o.id in chosen, o.exclusive)
        for i, o in enumerate(options)
    )


_KINDS = {"postcode": "postcode", "multiple": "checkbox"}


def question_views(
    items: tuple[Question | ProfileItem, ...],
    values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
) -> list[QuestionView]:
    """Describe questions for the template, with the chosen options and any errors."""
    views = []
    for item in items:
        data = values.get(item.id)
        if isinstance(data, list | tuple):
            chosen = {str(v) for v in data}
        else:
            chosen = {data} if isinstance(data, str) and data else set()
        kind = _KINDS.get(item.type, "radio")
        views.append(
            QuestionView(
                name=item.id,
                text=item.text,
                hint=item.hint,
                kind=kind,
                options=_options(item.id, item.options, chosen),
                # Only the postcode shows typed text; the rest is the options' state.
                value=data if kind == "postcode" and isinstance(data, str) else "",
                error=(errors or {}).get(item.id),
            )
        )
    return views


def form_values(form: StepForm) -> tuple[dict[str, Any], dict[str, str]]:
    """Return a posted step's values and its first error per field."""
    values = {name: field.data for name, field in form.fields.items()}
    errors = {name: field.errors[0] for name, field in form.fields.items() if field.errors}
    return values, errors


@dataclass(frozen=True)
class InputView:
    """One text field or checkbox of a plain form, with its accessibility attributes."""

    name: str
    label: str
    kind: str  # "text", "email", "tel", "textarea" or "checkbox"
    autocomplete: str
    inputmode: str
    hint: str | None
    value: str
    checked: bool
    error: str | None
    required: bool

    @property
    def anchor(self) -> str:
        """The id the error summary links to."""
        return self.name

    @property
    def summary(self) -> str:
        """The line in the error summary: the message names the field already."""
        return self.error or ""


#: What the KvK number is asked for, said next to the field (it is not required).
KVK_HINT = (
    "8 cijfers. Werkplaatsen helpen bedrijven die bij de Kamer van Koophandel staan "
    "ingeschreven; met je nummer hoeft de werkplaats dat niet na te vragen."
)

#: Said above the reminder's box: it is a choice of its own, apart from the contact request.
FOLLOW_UP_HINT = "Niet verplicht: je vraag om contact gaat ook zonder deze herinnering door."

#: How each contact field is rendered: kind, autocomplete token, inputmode, hint, required.
CONTACT_FIELDS = {
    "name": ("text", "name", "", None, True),
    "company": ("text", "organization", "", None, True),
    "email": ("email", "email", "email", "We gebruiken je e-mailadres alleen voor je vraag.", True),
    "phone": ("tel", "tel", "tel", None, False),
    "kvk": ("text", "off", "numeric", KVK_HINT, False),
    "message": (
        "textarea",
        "off",
        "",
        "Bijvoorbeeld: we willen online afspraken laten maken.",
        False,
    ),
    "consent": ("checkbox", "off", "", None, True),
    "follow_up": ("checkbox", "off", "", FOLLOW_UP_HINT, False),
}


def contact_views(form: Form) -> list[InputView]:
    """Describe the contact form's fields for the template."""
    views = []
    for name, (kind, autocomplete, inputmode, hint, required) in CONTACT_FIELDS.items():
        field = form[name]
        data = field.data
        views.append(
            InputView(
                name=name,
                label=str(field.label.text),
                kind=kind,
                autocomplete=autocomplete,
                inputmode=inputmode,
                hint=hint,
                value=data if isinstance(data, str) else "",
                checked=data is True,
                error=field.errors[0] if field.errors else None,
                required=required,
            )
        )
    return views
