"""Read-only share links: made and withdrawn on the result page and through the API.

A link has its own id (never the scan's token), shows the result and its PDF and nothing that
changes or reveals more, ends after SHARE_DAYS or when withdrawn (410 with a Dutch page), is
never stored nor indexed, and goes with the scan when it is erased or purged.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from scan.db import database
from scan.models import Scan, ShareLink, utcnow
from scan.records.shares import MAX_OPEN, SHARE_ID_PATTERN
from scan.retention import SHARE_GRACE
from scan.web import datetime_nl
from tests.conftest import LOOPBACK
from tests.integration.test_result_pdf import read_pdf, typical_scan
from tests.journey import CONTACT, count
from tests.openapi import assert_matches
from tests.serving import serving

SHARE_URL = re.compile(r'href="(http://scan\.test/gedeeld/([A-Za-z0-9_-]+))"')


def share_on_page(client, token: str, embed: bool = False) -> tuple[str, str]:
    """Press "Deel je resultaat"; return the new link's URL and id as the page lists them."""
    prefix = "/embed" if embed else ""
    before = set(SHARE_URL.findall(client.get(f"{prefix}/scan/{token}/resultaat").get_data(True)))
    response = client.post(f"{prefix}/scan/{token}/delen")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == f"{prefix}/scan/{token}/resultaat#delen"
    after = set(SHARE_URL.findall(client.get(f"{prefix}/scan/{token}/resultaat").get_data(True)))
    [(url, share_id)] = after - before
    return url, share_id


def _set_link(app, share_id: str, **values) -> None:
    with database(app).sessions() as session:
        session.execute(update(ShareLink).where(ShareLink.id == share_id).values(**values))
        session.commit()


@pytest.fixture
def shared(client, bank):
    """A typical completed scan with one share link: (result document, link URL, link id)."""
    document = typical_scan(client, bank)
    url, share_id = share_on_page(client, document["token"])
    return document, url, share_id


def test_a_link_has_its_own_random_id_and_the_page_lists_it_with_its_end(app, client, shared):
    document, url, share_id = shared
    token = document["token"]
    assert re.fullmatch(SHARE_ID_PATTERN, share_id) and share_id not in token
    assert token not in url
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert "Deel je resultaat" in html and "Je gedeelde links" in html
    with database(app).sessions() as session:
        link = session.get(ShareLink, share_id)
        assert link is not None
        assert link.expires_at - link.created_at == timedelta(days=30)
        assert f"Werkt tot {datetime_nl(link.expires_at)}." in html
    assert f'action="/scan/{token}/delen/{share_id}/intrekken"' in html
    second_url, _ = share_on_page(client, token)
    assert second_url != url


def test_the_shared_page_shows_the_result_and_nothing_that_changes_or_reveals_more(
    client, shared, bank
):
    document, url, share_id = shared
    token = document["token"]
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # What it shows: scores, safety, strengths, advice, the werkplaats and the PDF.
    for theme in bank.themes:
        assert f"Score {document['scores']['themes'][theme.id]['score']} op een schaal" in html
    for check in document["safety"]:
        assert check["label"] in html
    assert document["strengths"][0]["text"] in html
    for item in document["advice"]:
        assert item["title"] in html
    assert "MKB Werkplaats Utrecht" in html
    assert f'href="/gedeeld/{share_id}/resultaat.pdf"' in html
    # What it must not: the token, forms, contact, erasure, resume, re-scan, postcode.
    assert token not in html
    assert "<form" not in html and "<input" not in html and "<button" not in html
    for forbidden in (
        'href="/scan/',
        'href="/embed/',
        "/contact",
        "Vraag om contact</a>",
        "Neem contact met mij op</a>",
        "/verwijderen",
        "Verwijder mijn gegevens",
        "/opnieuw",
        "Doe de scan opnieuw</button>",
        "Bewaar of verwijder",
        "/postcode",
        "/aanmelden",
    ):
        assert forbidden not in html, forbidden
    # Never stored, never indexed, never framed.
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in response.headers


def test_the_shared_page_hides_contact_details_after_a_lead(client, shared):
    document, url, _ = shared
    token = document["token"]
    response = client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"})
    assert response.status_code == 303
    html = client.get(url).get_data(as_text=True)
    for value in (CONTACT["name"], CONTACT["email"], CONTACT["company"], "06 12345678"):
        assert value not in html
    assert "Je hebt om contact gevraagd" not in html and "/contact" not in html


def test_the_shared_pdf_is_the_stappenplan_without_the_token(client, shared):
    document, url, _ = shared
    response = client.get(url + "/resultaat.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    _, text = read_pdf(response.data)
    assert document["advice"][0]["title"] in text and document["token"] not in text


def test_a_withdrawn_link_answers_410_with_a_dutch_page(client, shared):
    document, url, share_id = shared
    token = document["token"]
    response = client.post(f"/scan/{token}/delen/{share_id}/intrekken")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/scan/{token}/resultaat#delen"
    for address in (url, url + "/resultaat.pdf"):
        gone = client.get(address)
        assert gone.status_code == 410
        assert "Deze link is ingetrokken" in gone.get_data(as_text=True)
        assert gone.headers["Cache-Control"] == "no-store"
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert share_id not in html and "Je gedeelde links" not in html
    # A second press (another tab) changes nothing and is no error.
    again = client.post(f"/scan/{token}/delen/{share_id}/intrekken")
    assert again.status_code == 303


def test_an_expired_link_answers_410_and_is_purged_later(app, client, shared):
    _, url, share_id = shared
    _set_link(app, share_id, expires_at=utcnow() - timedelta(minutes=1))
    gone = client.get(url)
    assert gone.status_code == 410
    assert "Deze link is verlopen" in gone.get_data(as_text=True)
    assert "30 dagen" in gone.get_data(as_text=True)
    runner = app.test_cli_runner()
    assert "0 share link(s)" in runner.invoke(args=["purge"]).output
    assert count(app, ShareLink) == 1
    _set_link(app, share_id, expires_at=utcnow() - SHARE_GRACE - timedelta(minutes=1))
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "1 share link(s)" in result.output, result.output
    assert count(app, ShareLink) == 0
    assert client.get(url).status_code == 404


def test_share_days_sets_the_expiry(make_app, bank):
    app = make_app(SHARE_DAYS=7)
    client = app.test_client()
    token = typical_scan(client, bank)["token"]
    _, share_id = share_on_page(client, token)
    with database(app).sessions() as session:
        link = session.get(ShareLink, share_id)
        assert link is not None
        days = (link.expires_at - link.created_at).total_seconds() / 86400
    assert days == 7


@pytest.mark.parametrize("how", ["resultaatpagina", "api", "bewaartermijn"])
def test_links_die_with_the_scan(app, client, shared, how):
    document, url, share_id = shared
    token = document["token"]
    if how == "resultaatpagina":
        assert client.post(f"/scan/{token}/verwijderen").status_code == 303
    elif how == "api":
        assert client.delete(f"/api/v1/scans/{token}").status_code == 204
    else:
        long_ago = utcnow() - timedelta(days=app.config["SCAN_RETENTION_DAYS"] + 1)
        with database(app).sessions() as session:
            session.execute(update(Scan).where(Scan.token == token).values(completed_at=long_ago))
            session.commit()
        result = app.test_cli_runner().invoke(args=["purge"])
        assert "1 completed scan(s)" in result.output, result.output
    assert count(app, ShareLink) == 0
    assert client.get(url).status_code == 404
    assert client.get(url + "/resultaat.pdf").status_code == 404


def test_a_rescan_chain_erased_takes_every_scans_links(app, client, bank, shared):
    document, url, _ = shared
    api = client.post(
        "/api/v1/scans",
        json={**_body_of(client, bank), "previous": document["token"]},
    )
    assert api.status_code == 201
    later = api.get_json()["token"]
    later_url, _ = share_on_page(client, later)
    assert client.delete(f"/api/v1/scans/{later}").status_code == 204
    assert client.get(url).status_code == 404 and client.get(later_url).status_code == 404


def _body_of(client, bank) -> dict:
    document = client.get("/api/v1/openapi.json").get_json()
    content = document["paths"]["/scans"]["post"]["requestBody"]["content"]["application/json"]
    return next(iter(content["examples"].values()))["value"]


def test_sharing_needs_the_pages_form_token(client, bank):
    token = typical_scan(client, bank)["token"]
    response = client.post(f"/scan/{token}/delen", data={"form_token": "1.nep"})
    assert response.status_code == 400
    assert "Verstuur het formulier opnieuw" in response.get_data(as_text=True)
    _, share_id = share_on_page(client, token)
    response = client.post(
        f"/scan/{token}/delen/{share_id}/intrekken", data={"form_token": "1.nep"}
    )
    assert response.status_code == 400
    assert client.get(f"/gedeeld/{share_id}").status_code == 200


def test_at_most_so_many_open_links(client, bank):
    token = typical_scan(client, bank)["token"]
    client.get(f"/scan/{token}/resultaat")  # the page whose form is sent
    for _ in range(MAX_OPEN):
        assert client.post(f"/scan/{token}/delen").status_code == 303
    response = client.post(f"/scan/{token}/delen")
    assert response.status_code == 409
    assert f"Je hebt al {MAX_OPEN} open links" in response.get_data(as_text=True)


def test_an_unfinished_scan_has_nothing_to_share(client):
    draft = client.post("/scan").headers["Location"].split("/")[-2]
    response = client.post(f"/scan/{draft}/delen")
    assert response.status_code == 303 and response.headers["Location"].endswith("/profiel")
    assert client.get("/gedeeld/" + "A" * 22).status_code == 404
    assert client.get("/gedeeld/kort").status_code == 404


def test_under_embed_the_link_points_at_the_full_site_and_opens_a_new_tab(client, bank):
    token = typical_scan(client, bank)["token"]
    url, share_id = share_on_page(client, token, embed=True)
    assert url == f"http://scan.test/gedeeld/{share_id}"
    html = client.get(f"/embed/scan/{token}/resultaat").get_data(as_text=True)
    link = re.search(rf'<a class="share-url" href="{re.escape(url)}"[^>]*>', html)
    assert link and 'target="_blank"' in link.group(0)
    assert f'action="/embed/scan/{token}/delen/{share_id}/intrekken"' in html
    assert client.get(f"/embed/gedeeld/{share_id}").status_code == 404


# --- the API ----------------------------------------------------------------------------------


def test_the_api_makes_lists_and_withdraws_links(app, client, bank):
    openapi = client.get("/api/v1/openapi.json").get_json()
    document = typical_scan(client, bank)
    token = document["token"]
    assert_matches(openapi, "ScanResult", document)
    made = client.post(f"/api/v1/scans/{token}/shares")
    assert made.status_code == 201
    share = made.get_json()
    assert_matches(openapi, "Share", share)
    assert made.headers["Location"] == share["url"] == f"http://scan.test/gedeeld/{share['id']}"
    assert share["expires_at"].endswith("Z")
    assert client.get(share["url"]).status_code == 200
    listed = client.get(f"/api/v1/scans/{token}/shares")
    assert listed.status_code == 200 and listed.get_json() == [share]
    assert listed.headers["Cache-Control"] == "no-store"
    withdrawn = client.delete(f"/api/v1/scans/{token}/shares/{share['id']}")
    assert withdrawn.status_code == 204
    assert client.get(share["url"]).status_code == 410
    assert client.get(f"/api/v1/scans/{token}/shares").get_json() == []
    again = client.delete(f"/api/v1/scans/{token}/shares/{share['id']}")
    assert again.status_code == 404 and "id" in again.get_json()["errors"]


def test_the_api_answers_404_for_another_scans_link_and_unknown_scans(client, bank):
    first = typical_scan(client, bank)["token"]
    other = typical_scan(client, bank)["token"]
    share = client.post(f"/api/v1/scans/{first}/shares").get_json()
    assert client.delete(f"/api/v1/scans/{other}/shares/{share['id']}").status_code == 404
    assert client.get(share["url"]).status_code == 200
    unknown = "x" * 43
    assert client.post(f"/api/v1/scans/{unknown}/shares").status_code == 404
    assert client.get(f"/api/v1/scans/{unknown}/shares").status_code == 404
    assert client.delete(f"/api/v1/scans/{unknown}/shares/{share['id']}").status_code == 404


def test_the_api_refuses_more_open_links_with_409(client, bank):
    token = typical_scan(client, bank)["token"]
    for _ in range(MAX_OPEN):
        assert client.post(f"/api/v1/scans/{token}/shares").status_code == 201
    refused = client.post(f"/api/v1/scans/{token}/shares")
    assert refused.status_code == 409 and "shares" in refused.get_json()["errors"]


def test_making_links_counts_under_the_scan_rate_limit(make_app, bank):
    app = make_app(SCAN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    token = typical_scan(client, bank)["token"]  # the first of two
    assert client.post(f"/api/v1/scans/{token}/shares").status_code == 201
    refused = client.post(f"/api/v1/scans/{token}/shares")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    client.get(f"/scan/{token}/resultaat")
    page = client.post(f"/scan/{token}/delen")
    assert page.status_code == 429


def test_links_are_stored_with_the_scan(app, client, shared):
    document, _, share_id = shared
    with database(app).sessions() as session:
        link = session.scalar(select(ShareLink).where(ShareLink.id == share_id))
        assert link is not None and link.scan.token == document["token"]


def test_the_privacy_page_says_what_a_link_keeps_and_for_how_long(make_app):
    html = make_app(SHARE_DAYS=14).test_client().get("/privacy").get_data(as_text=True)
    section = html[html.index('id="delen"') :]
    assert "een link werkt 14 dagen" in section
    assert f"{SHARE_GRACE.days} dagen na de einddatum" in section
    assert "Trek deze link in" in section


def test_links_made_at_once_stop_at_the_limit(make_app, bank):
    # The scan's row is locked while its open links are counted (SQLite: the write lock;
    # PostgreSQL: FOR UPDATE), so requests at once never make more than MAX_OPEN.
    app = make_app(SERVER_NAME=None, RATE_LIMIT_EXEMPT=LOOPBACK)
    token = typical_scan(app.test_client(), bank)["token"]

    def make(base: str) -> int:
        request = urllib.request.Request(f"{base}/api/v1/scans/{token}/shares", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - ours
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with serving(app) as netloc, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(make, [f"http://{netloc}"] * (MAX_OPEN + 6)))
    assert sorted(statuses) == [201] * MAX_OPEN + [409] * 6
    with database(app).sessions() as session:
        stored = session.scalars(select(ShareLink)).all()
    assert len(stored) == MAX_OPEN
