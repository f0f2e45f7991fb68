"""Pure: the statuses a lead goes through at a werkplaats, and which changes are allowed."""

from __future__ import annotations

STATUSES = {
    "new": "Nieuw",
    "intake": "Intake",
    "training": "Training",
    "traject": "Intensief traject",
    "done": "Afgerond",
    "declined": "Afgewezen",
}

#: new -> intake -> training | traject -> done; declined from anywhere before done.
NEXT = {
    "new": ("intake", "declined"),
    "intake": ("training", "traject", "declined"),
    "training": ("done", "declined"),
    "traject": ("done", "declined"),
    "done": (),
    "declined": (),
}


def allowed_next(status: str) -> tuple[str, ...]:
    """Return the statuses a lead in `status` may move to."""
    return NEXT.get(status, ())


def transition_error(current: str, new: str) -> str | None:
    """Return a Dutch reason why the change is not allowed, or None."""
    if not new:
        return "Kies de nieuwe status."
    if new not in STATUSES:
        return "Kies een bestaande status."
    if new not in allowed_next(current):
        return f"Van '{STATUSES[current]}' kan een aanvraag niet naar '{STATUSES[new]}'."
    return None
