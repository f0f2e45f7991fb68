"""The result as a PDF stappenplan: read back with pypdf, tagged, A4, small, and made offline.

The PDF is made from the same partials as the result page (templates/result/_*.html) in a
print layout; these tests read its text back and find what the result page shows.
"""

from __future__ import annotations

import io
import re
import socket

import pytest
from flask import render_template_string
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from scan.journey.pdf import local_fetcher, render_pdf
from tests.strategies import answers_for, best_answer, lowest_answer, valid_profile

#: The issue's budget for one stappenplan.
MAX_BYTES = 500 * 1024
#: A4 in PDF points (72 per inch): 210 x 297 mm.
A4 = (595.28, 841.89)


def typical_scan(client, bank, postcode: str = "3511 AB") -> dict:
    """A firm that does data well and the rest poorly: strengths, steps and a werkplaats."""
    answers = answers_for(bank, lowest_answer)
    data = bank.themes_by_id["data"]
    answers.update({q.id: best_answer(q) for q in data.questions})
    response = client.post(
        "/api/v1/scans", json={"answers": answers, "profile": valid_profile(bank, postcode)}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def read_pdf(data: bytes) -> tuple[PdfReader, str]:
    """The reader and the text of every page, whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def structure_tags(node) -> set[str]:
    """The structure types (/H1, /Table, ...) in a tagged PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, ArrayObject):
        return set().union(*(structure_tags(child) for child in node))
    if not isinstance(node, DictionaryObject):
        return set()
    found = {str(node["/S"])} if "/S" in node else set()
    return found | (structure_tags(node["/K"]) if "/K" in node else set())


def link_targets(reader: PdfReader) -> list[str]:
    """Every URI the PDF's link annotations point at."""
    found = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


@pytest.fixture
def typical(client, bank):
    document = typical_scan(client, bank)
    response = client.get(f"/scan/{document['token']}/resultaat.pdf")
    assert response.status_code == 200
    return document, response


def test_the_pdf_holds_themes_scores_advice_and_the_werkplaats_as_text(typical, bank):
    document, response = typical
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    reader, text = read_pdf(response.data)
    for theme in bank.themes:
        score = document["scores"]["themes"][theme.id]
        level, name = score["level"]["id"], score["level"]["name"]
        assert f"{theme.title}: niveau {level} van 4, {name}" in text
        assert re.search(rf"{re.escape(theme.title)} {score['score']} {level}:", text)
    assert document["advice"], "a typical firm gets advice"
    for item in document["advice"]:
        assert item["title"] in text, item["title"]
    assert "Duur" in text and "Wat het van je vraagt" in text and "Wat je daarna hebt" in text
    for check in document["safety"]:
        assert check["label"] in text
    assert "Dit gaat al goed" in text and document["strengths"]
    for strength in document["strengths"][:2]:
        assert strength["text"] in text
    werkplaats = document["werkplaats"]
    assert werkplaats["name"] == "MKB Werkplaats Utrecht" and werkplaats["name"] in text
    assert "https://mkbwerkplaatsutrecht.nl/" in text  # its contact: the website, spelled out
    assert f"vragenlijst versie {bank.version}" in text
    assert re.search(r"Scan gedaan op \d\d-\d\d-\d{4}", text)


def test_the_pdf_is_tagged_dutch_titled_a4_small_and_embeds_its_fonts(typical):
    _, response = typical
    assert len(response.data) <= MAX_BYTES
    reader, _ = read_pdf(response.data)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl"
    # pypdf's BooleanObject compares equal to True, but is not True itself.
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    # Headings, lists, the score table and the chart as a figure: a screen reader's structure.
    tags = structure_tags(catalog["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/L", "/LI", "/Table", "/TH", "/Figure", "/P"} <= tags
    assert reader.metadata is not None and reader.metadata.title.startswith("Stappenplan")
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:  # a composite font describes its glyphs below
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font


def test_the_pdf_never_holds_the_scans_token(typical):
    # The PDF is handed to others; the token would let them change and erase the scan.
    document, response = typical
    reader, text = read_pdf(response.data)
    assert document["token"] not in text
    targets = link_targets(reader)
    assert "https://mkbwerkplaatsutrecht.nl/" in targets
    assert not [t for t in targets if document["token"] in t or "/scan/" in t]


def test_the_result_page_and_the_api_link_the_pdf(client, bank):
    document = typical_scan(client, bank)
    token = document["token"]
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert f'href="/scan/{token}/resultaat.pdf"' in html
    assert document["pdf_url"] == f"http://scan.test/scan/{token}/resultaat.pdf"


def test_under_embed_the_pdf_opens_in_a_new_tab(client, bank):
    token = typical_scan(client, bank)["token"]
    html = client.get(f"/embed/scan/{token}/resultaat").get_data(as_text=True)
    link = re.search(rf'<a href="/embed/scan/{token}/resultaat.pdf"[^>]*>', html)
    assert link and 'target="_blank"' in link.group(0) and 'rel="noopener"' in link.group(0)
    response = client.get(f"/embed/scan/{token}/resultaat.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_pdf_is_private_and_only_for_a_completed_scan(client, bank):
    token = typical_scan(client, bank)["token"]
    response = client.get(f"/scan/{token}/resultaat.pdf")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(f"/scan/{'x' * 43}/resultaat.pdf").status_code == 404
    draft = client.post("/scan").headers["Location"].split("/")[-2]
    response = client.get(f"/scan/{draft}/resultaat.pdf")
    assert response.status_code == 303 and response.headers["Location"].endswith("/profiel")


#: A page that asks for everything a renderer could fetch from elsewhere.
GREEDY_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Hebberig</title>
<link rel="stylesheet" href="https://cdn.example.com/style.css">
<link rel="stylesheet" href="{{ url_for('static', filename='stappenplan.css') }}">
<style>
@import url("http://fonts.example.net/font.css");
@font-face { font-family: Ver; src: url(https://fonts.example.net/ver.woff2); }
body { font-family: Ver, sans-serif; background: url(//tracker.example.org/bg.png); }
</style></head>
<body>
<img src="https://tracker.example.org/pixel.png" alt="">
<img src="file:///etc/hostname" alt="">
<img src="/static/../scan/config.py" alt="">
<svg width="10" height="10"><image href="http://images.example.org/a.png" width="10"/></svg>
<p>Alleen lokale bestanden.</p>
</body></html>"""


def test_rendering_fetches_local_static_files_only_and_opens_no_connection(app, monkeypatch):
    # The autouse no_network fixture fails a connection to another host, but WeasyPrint
    # would swallow that failure like any fetch error; so every attempt is also recorded here.
    attempts: list[object] = []
    guarded_connect = socket.socket.connect
    guarded_lookup = socket.getaddrinfo

    def connect(sock, address):
        attempts.append(address)
        return guarded_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(host)
        return guarded_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with app.test_request_context("/scan/x/resultaat.pdf"):
        fetcher = local_fetcher()
        pdf = render_pdf(render_template_string(GREEDY_PAGE), fetcher)
    assert attempts == []
    assert "Alleen lokale bestanden." in read_pdf(pdf)[1]
    refused = " ".join(fetcher.refused)
    for address in (
        "https://cdn.example.com/style.css",
        "http://fonts.example.net/font.css",
        "https://fonts.example.net/ver.woff2",
        "http://tracker.example.org/bg.png",
        "https://tracker.example.org/pixel.png",
        "file:///etc/hostname",
        "http://scan.test/scan/config.py",
        "http://images.example.org/a.png",
    ):
        assert address in refused, address
    assert "stappenplan.css" not in refused  # our own stylesheet was read from disk


def test_making_a_real_pdf_opens_no_connection(client, bank, monkeypatch):
    attempts: list[object] = []
    guarded = socket.getaddrinfo
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, *a, **k: attempts.append(host) or guarded(host, *a, **k)
    )
    token = typical_scan(client, bank)["token"]
    assert client.get(f"/scan/{token}/resultaat.pdf").status_code == 200
    assert attempts == []


def test_pdfs_have_a_rate_limit_of_their_own(make_app, bank):
    # Each PDF costs a worker about half a second: a loop of requests waits, in Dutch.
    client = make_app(PDF_RATE_LIMIT="1 per minute").test_client()
    token = typical_scan(client, bank)["token"]
    assert client.get(f"/scan/{token}/resultaat.pdf").status_code == 200
    refused = client.get(f"/scan/{token}/resultaat.pdf")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Even rustig aan" in refused.get_data(as_text=True)
