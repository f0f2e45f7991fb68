"""The result as a PDF stappenplan: the result page's partials in a print layout, by WeasyPrint.

Made per request from the stored scan and kept nowhere, so nothing outlives an erasure. The
renderer fetches nothing from any host: its URL fetcher reads the app's own static files from
disk and refuses every other address without opening a connection. Fonts are the machine's
own (Debian's fonts-dejavu-core), embedded as subsets.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, render_template, request, url_for
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

from ..models import Scan
from ..web import limit_rate, local
from .result_view import result_view

logger = logging.getLogger("scan.pdf")

#: PDF/UA-1: a tagged PDF (headings, lists, tables as structure) with its title and language
#: in the metadata, so a screen reader can read it. WeasyPrint tags it for this variant.
PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "result/stappenplan.html"


class LocalFilesOnly(URLFetcher):
    """WeasyPrint's URL fetcher narrowed to the app's static files, read from disk.

    Every other address (another host, this host outside /static/, file:, data:) is refused
    before anything is opened; WeasyPrint then leaves that resource out. `refused` lists them.
    """

    def __init__(self, static_url: str, static_folder: str) -> None:
        super().__init__(allowed_protocols=("http", "https"))
        self.static_url = static_url
        self.static_folder = static_folder
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return one of our static files; raise for anything else, without a request."""
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF: refused to fetch %s (only the app's static files)", url)
            raise ValueError(f"not one of the app's static files: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def _static_path(self, url: str) -> Path | None:
        if not url.startswith(self.static_url):
            return None
        name = unquote(urlsplit(url).path).removeprefix(urlsplit(self.static_url).path)
        found = safe_join(self.static_folder, name)
        return Path(found) if found is not None and Path(found).is_file() else None


def render_pdf(html: str, fetcher: LocalFilesOnly | None = None) -> bytes:
    """Lay out HTML of this app as a tagged A4 PDF, fetching only the app's static files."""
    fetcher = fetcher or local_fetcher()
    return HTML(string=html, base_url=request.url_root, url_fetcher=fetcher).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def local_fetcher() -> LocalFilesOnly:
    """The fetcher for this request: our static folder, under this request's address."""
    folder = current_app.static_folder
    assert folder is not None, "the app has a static folder"
    return LocalFilesOnly(url_for("static", filename="", _external=True), folder)


def stappenplan_html(scan: Scan) -> str:
    """Render the print layout of a completed scan's result (the PDF's HTML)."""
    return render_template(
        TEMPLATE,
        **result_view(scan),
        completed_at=scan.completed_at,
        bank_version=scan.bank_version,
        # Under /embed/ too: the PDF opens in a tab of its own, outside the partner's frame.
        embedded=False,
    )


def pdf_response(scan: Scan) -> Response:
    """Answer a completed scan's stappenplan as a PDF, to open in the browser or save.

    Counted under PDF_RATE_LIMIT first: a PDF costs a worker far more than any page.
    """
    assert scan.completed_at is not None
    limit_rate("pdf")
    day = local(scan.completed_at).strftime("%Y-%m-%d")
    return Response(
        render_pdf(stappenplan_html(scan)),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="stappenplan-digitale-scan-{day}.pdf"'},
    )
