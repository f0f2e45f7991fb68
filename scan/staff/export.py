"""Export of the inbox to CSV and XLSX, safe against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice

import xlsxwriter
from sqlalchemy.orm import Session

from ..content import Bank
from ..models import Lead
from ..records.chains import Scores, chain_ends
from ..web import local
from .workflow import STATUSES

COLUMNS = (
    ("Datum", lambda lead: local(lead.created_at).strftime("%Y-%m-%d %H:%M")),
    ("Status", lambda lead: STATUSES.get(lead.status, lead.status)),
    ("Werkplaats", lambda lead: lead.werkplaats.name if lead.werkplaats else "Landelijk"),
    ("Naam", lambda lead: lead.name),
    ("Bedrijf", lambda lead: lead.company),
    ("E-mail", lambda lead: lead.email),
    ("Telefoon", lambda lead: lead.phone or ""),
    ("KvK", lambda lead: lead.kvk or ""),
    ("Vraag", lambda lead: lead.message or ""),
    ("Totaalscore", lambda lead: "" if lead.overall_score is None else str(lead.overall_score)),
    ("Zwakste thema", lambda lead: lead.weakest_theme or ""),
    ("Route", lambda lead: lead.route or ""),
    ("Partner", lambda lead: lead.partner or ""),
)
#: Leads per query for their chains' scores: a few queries per export, never one per lead.
BATCH = 500
#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise(value: str) -> str:
    """Make a text cell inert: a leading quote stops spreadsheets from running it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _batches(leads: Iterable[Lead]) -> Iterator[list[Lead]]:
    found = iter(leads)
    while batch := list(islice(found, BATCH)):
        yield batch


def _chain_header(bank: Bank) -> list[str]:
    """T0 is the first completed scan of the lead's chain, T1 its newest when that is another."""
    return [
        f"{moment} {title}"
        for moment in ("T0", "T1")
        for title in ("datum", "totaal", *(theme.title for theme in bank.themes))
    ]


def _chain_cells(bank: Bank, scores: Scores | None) -> list[str]:
    if scores is None:
        return [""] * (2 + len(bank.themes))
    values = [scores.overall, *(scores.themes.get(theme.id) for theme in bank.themes)]
    return [local(scores.completed_at).strftime("%Y-%m-%d")] + [
        "" if value is None else str(value) for value in values
    ]


def rows(session: Session, leads: Iterable[Lead], bank: Bank) -> Iterable[list[str]]:
    """Yield the header and one row of text per lead, with the T0 and T1 scores of its chain."""
    yield [title for title, _ in COLUMNS] + _chain_header(bank)
    for batch in _batches(leads):
        ends = chain_ends(session, [lead.scan_id for lead in batch])
        for lead in batch:
            found = ends.get(lead.scan_id)
            yield (
                [get(lead) for _, get in COLUMNS]
                + _chain_cells(bank, found.first if found else None)
                + _chain_cells(bank, found.last if found else None)
            )


def to_csv(session: Session, leads: Iterable[Lead], bank: Bank) -> Iterable[str]:
    """Yield the CSV export line by line (semicolons, as Dutch Excel expects), with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in rows(session, leads, bank):
        # CSV has no cell types: a text that looks like a formula is defused with a quote.
        writer.writerow([neutralise(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def to_xlsx(session: Session, leads: Iterable[Lead], bank: Bank) -> bytes:
    """Return the XLSX export; every cell is typed as text, so nothing runs as a formula."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("Aanvragen")
    bold = workbook.add_format({"bold": True})
    for row_number, row in enumerate(rows(session, leads, bank)):
        for column, value in enumerate(row):
            sheet.write_string(row_number, column, value, bold if row_number == 0 else None)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()
