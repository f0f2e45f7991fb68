"""A session's participants as the werkplaats sees them: access, attendance and the export.

A medewerker reaches the sessions of their own werkplaats only (an admin any): isolation is
in the query, as for leads, and a session of another werkplaats is simply not found (404).
Ticking attendance moves a lead that came to a training on to "training", which is what the
dashboard's "getraind" counts; every change is written to the audit log.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import xlsxwriter
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from ..content.advice import Catalogue
from ..records.offer_models import CANCELLED, REGISTERED, WAITING, Registration, TrainingSession
from ..web import local
from .audit import record
from .export import neutralise
from .models import StaffUser

#: The status a lead moves to when it came to a session, from the statuses before it.
ATTENDED_MOVES = {"new": "training", "intake": "training"}
#: A session that only serves trajecten is an intake moment: coming to it is the intake.
INTAKE_MOVES = {"new": "intake"}
STATUS_LABELS = {REGISTERED: "Aangemeld", WAITING: "Wachtlijst", CANCELLED: "Afgemeld"}


def visible_trainings(user: StaffUser) -> Select[TrainingSession]:
    """Select the sessions this user may see: their werkplaats's, or all for an admin."""
    query = select(TrainingSession)
    if user.is_admin:
        return query
    if user.werkplaats_id is None:  # fail closed, as inbox.visible_leads does
        return query.where(false())
    return query.where(TrainingSession.werkplaats_id == user.werkplaats_id)


def training_for(session: Session, user: StaffUser, training_id: int) -> TrainingSession | None:
    """Return a session the user may see, or None (the caller answers 404)."""
    return session.scalar(visible_trainings(user).where(TrainingSession.id == training_id))


def serves_training(training: TrainingSession, catalogue: Catalogue) -> bool:
    """Tell whether a session serves a training (else it is a traject's intake moment)."""
    kinds = {item.kind for a in training.advice_ids if (item := catalogue.item(a)) is not None}
    return "training" in kinds or not kinds


def record_attendance(
    session: Session,
    user: StaffUser,
    training: TrainingSession,
    registrations: Iterable[Registration],
    present: set[int],
    catalogue: Catalogue,
) -> int:
    """Store who came (ids in `present`) and who did not; return how many leads moved on.

    Only registrations with a place are ticked. A lead that came moves from new or intake to
    training (a traject's intake moment: from new to intake); a later status is kept, and
    un-ticking never moves a lead back: statuses only go forward.
    """
    moves = ATTENDED_MOVES if serves_training(training, catalogue) else INTAKE_MOVES
    moved = 0
    for registration in registrations:
        if registration.status != REGISTERED:
            continue
        came = registration.id in present
        registration.attended = came
        lead = registration.lead
        new = moves.get(lead.status) if came else None
        if new is None:
            continue
        record(
            session,
            user,
            "lead.status",
            lead_id=lead.id,
            werkplaats_id=lead.werkplaats_id,
            old=lead.status,
            new=new,
        )
        lead.status = new
        if new == "training":
            lead.track = new
        moved += 1
    record(
        session,
        user,
        "offer.attendance",
        werkplaats_id=training.werkplaats_id,
        training=training.id,
        present=len(present),
    )
    return moved


EXPORT_HEADER = ("Naam", "Bedrijf", "E-mail", "Telefoon", "Status", "Aangemeld op", "Aanwezig")


def _attended(registration: Registration) -> str:
    if registration.attended is None:
        return ""
    return "ja" if registration.attended else "nee"


def export_rows(registrations: Iterable[Registration]) -> Iterator[list[str]]:
    """Yield the header and one row of text per registration."""
    yield list(EXPORT_HEADER)
    for r in registrations:
        yield [
            r.name,
            r.company,
            r.email,
            r.phone or "",
            STATUS_LABELS.get(r.status, r.status),
            local(r.created_at).strftime("%Y-%m-%d %H:%M"),
            _attended(r),
        ]


def participants_csv(registrations: Iterable[Registration]) -> str:
    """The participant list as CSV (semicolons, a BOM), formulas defused as in the inbox."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in export_rows(registrations):
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue()


def participants_xlsx(registrations: Iterable[Registration]) -> bytes:
    """The participant list as XLSX; every cell is text, so nothing runs as a formula."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("Deelnemers")
    bold = workbook.add_format({"bold": True})
    for row_number, row in enumerate(export_rows(registrations)):
        for column, value in enumerate(row):
            sheet.write_string(row_number, column, value, bold if row_number == 0 else None)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()
