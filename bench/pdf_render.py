"""Time the PDF stappenplan of a typical result, and weigh it.

A typical firm (data done well, the rest weak: strengths, the safety list, eight steps and a
werkplaats) is stored on a fresh SQLite database; then GET /scan/<token>/resultaat.pdf is
sent through the Flask test client RUNS times after one cold request (which also loads
WeasyPrint and Pango and reads the fonts). It prints the median, fastest and slowest of the
warm runs, where the time goes (the template, WeasyPrint's layout and PDF), the file size
against the 500 KB budget, and the number of pages. Nothing is cached between runs: every
request renders from the stored scan, as production does.

Usage, from the project root:

    .venv/bin/python bench/pdf_render.py [--runs 15]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET = 500 * 1024


def typical_token(client, bank) -> str:
    """Store the typical firm's scan through the API and return its token."""
    from tests.strategies import answers_for, best_answer, lowest_answer, valid_profile

    answers = answers_for(bank, lowest_answer)
    answers.update({q.id: best_answer(q) for q in bank.themes_by_id["data"].questions})
    body = {"answers": answers, "profile": valid_profile(bank, "3511 AB")}
    response = client.post("/api/v1/scans", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    value = call()
    return (time.perf_counter() - start) * 1000, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="warm runs (default 15)")
    args = parser.parse_args(argv)

    from pypdf import PdfReader

    from scan import create_app
    from scan.db import database, get_session, upgrade_to_head
    from scan.records.scans import find_scan
    from scan.werkplaatsen import seed_werkplaatsen

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SCAN_ENV": "testing",
                "SECRET_KEY": "p" * 8 + "-bench-only-secret-key-0123456789",
                "DATABASE_URL": f"sqlite:///{tmp}/pdf.db",
                "LOG_LEVEL": "WARNING",
            }
        )
        upgrade_to_head(app)
        with database(app).sessions() as session:
            seed_werkplaatsen(session, app.extensions["scan.werkplaats_seeds"])
            session.commit()
        client = app.test_client()
        token = typical_token(client, app.extensions["scan.bank"])
        url = f"/scan/{token}/resultaat.pdf"

        cold, response = timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        runs = []
        for _ in range(args.runs):
            elapsed, response = timed(lambda: client.get(url))
            runs.append(elapsed)
        data = response.data

        # Where a warm request's time goes: the template, then WeasyPrint.
        from scan.journey.pdf import render_pdf, stappenplan_html

        html_ms, pdf_ms = [], []
        with app.test_request_context(url):
            scan = find_scan(get_session(), token)
            for _ in range(max(3, args.runs // 3)):
                start = time.perf_counter()
                html = stappenplan_html(scan)
                middle = time.perf_counter()
                render_pdf(html)
                html_ms.append((middle - start) * 1000)
                pdf_ms.append((time.perf_counter() - middle) * 1000)
        database(app).engine.dispose()

    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"PDF stappenplan of a typical result ({pages} A4 pages), {args.runs} warm runs")
    print(f"  first request (loads WeasyPrint, Pango, fonts): {cold:8.0f} ms")
    print(f"  median request:                                 {statistics.median(runs):8.0f} ms")
    print(f"  fastest / slowest:                   {min(runs):8.0f} ms / {max(runs):.0f} ms")
    print(f"  of which the template (median):                 {statistics.median(html_ms):8.1f} ms")
    print(f"  of which WeasyPrint (median):                   {statistics.median(pdf_ms):8.0f} ms")
    verdict = "OK" if len(data) <= BUDGET else "OVER BUDGET"
    print(f"  file size: {len(data):,} bytes ({len(data) / 1024:.0f} KB; budget 500 KB): {verdict}")
    return 0 if len(data) <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
