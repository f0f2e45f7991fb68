"""Finished values for the step templates: every question with its options, ids and error."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import Form

from ..content import Option, ProfileItem, Question


@dataclass(frozen=True)
class OptionView:
    """One radio button or checkbox."""

    input_id: str
    value: str
    label: str
    checked: bool
    exclusive: bool


@dataclass(frozen=True)
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


def _options(name: str, options: tuple[Option, ...], chosen: set[str]) -> tuple[OptionView, ...]:
    return tuple(
        OptionView(f"{name}-{i}", o.id, o.label, o.id in chosen, o.exclusive)
        for i, o in enumerate(options)
    )


def question_views(form: Form, items: tuple[Question | ProfileItem, ...]) -> list[QuestionView]:
    """Describe the form's questions for the template, with chosen options and errors."""
    views = []
    for item in items:
        field = form[item.id]
        data = field.data
        chosen = set(data) if isinstance(data, list) else {data} if data else set()
        if item.type == "postcode":
            kind = "postcode"
        elif item.type == "multiple":
            kind = "checkbox"
        else:
            kind = "radio"
        views.append(
            QuestionView(
                name=item.id,
                text=item.text,
                hint=item.hint,
                kind=kind,
                options=_options(item.id, item.options, chosen),
                value=data if isinstance(data, str) else "",
                error=field.errors[0] if field.errors else None,
            )
        )
    return views
