"""Export of the inbox to CSV and XLSX, safe against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import xlsxwriter

from ..models import Lead
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
#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise(value: str) -> str:
    """Make a text cell inert: a leading quote stops spreadsheets from running it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def rows(leads: Iterable[Lead]) -> Iterable[list[str]]:
    """Yield the header and one row of text per lead."""
    yield [title for title, _ in COLUMNS]
    for lead in leads:
        yield [get(lead) for _, get in COLUMNS]


def to_csv(leads: Iterable[Lead]) -> Iterable[str]:
    """Yield the CSV export line by line (semicolons, as Dutch Excel expects), with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in rows(leads):
        # CSV has no cell types: a text that looks like a formula is defused with a quote.
        writer.writerow([neutralise(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def to_xlsx(leads: Iterable[Lead]) -> bytes:
    """Return the XLSX export; every cell is typed as text, so nothing runs as a formula."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("Aanvragen")
    bold = workbook.add_format({"bold": True})
    for row_number, row in enumerate(rows(leads)):
        for column, value in enumerate(row):
            sheet.write_string(row_number, column, value, bold if row_number == 0 else None)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()
