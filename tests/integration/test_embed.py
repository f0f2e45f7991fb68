"""The /embed/ journey for partner sites: layout, framing policy, partner, no cookies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scan.config import ConfigError
from scan.db import database
from scan.models import Lead, Scan
from scan.records.scans import step_ids
from tests.journey import step_formdata

PARTNER_ORIGIN = "https://www.kvk.nl"


@pytest.fixture
def embed_app(make_app):
    return make_app(EMBED_ALLOWED_ORIGINS=f"{PARTNER_ORIGIN} https://partner.example:8443")


def test_embed_landing_uses_the_minimal_layout_and_may_be_framed_by_partners(embed_app):
    client = embed_app.test_client()
    response = client.get(f"/embed/?partner=kvk&origin={PARTNER_ORIGIN}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="site-header"' not in html and 'class="embed-footer"' in html
    assert f'data-parent-origin="{PARTNER_ORIGIN}"' in html
    assert 'action="/embed/scan"' in html
    assert f'name="origin" value="{PARTNER_ORIGIN}"' in html
    assert "embed-frame.js" in html
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN} https://partner.example:8443" in policy
    assert "X-Frame-Options" not in response.headers
    assert "'unsafe-inline'" not in policy


def test_an_origin_that_is_not_allowed_gets_no_messages(embed_app):
    html = embed_app.test_client().get("/embed/?origin=https://evil.example").get_data(as_text=True)
    assert "data-parent-origin" not in html and 'name="origin"' not in html


def test_every_other_page_refuses_framing(embed_app):
    client = embed_app.test_client()
    for url in ("/", "/privacy", "/medewerkers/inloggen", "/api/v1/questionnaire"):
        response = client.get(url)
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url


def test_whole_embed_journey_stays_under_embed_and_keeps_the_partner(embed_app, bank):
    client = embed_app.test_client()
    start = client.post("/embed/scan", data={"partner": "kvk", "origin": PARTNER_ORIGIN})
    assert start.status_code == 303
    location = start.headers["Location"]
    assert location.startswith("/embed/scan/") and location.endswith("/profiel")
    token = location.split("/")[-2]
    responses = [start]
    for step in step_ids(bank):
        page = client.get(f"/embed/scan/{token}/{step}")
        assert f'data-parent-origin="{PARTNER_ORIGIN}"' in page.get_data(as_text=True)
        posted = client.post(f"/embed/scan/{token}/{step}", data=step_formdata(bank, step))
        assert posted.headers["Location"].startswith("/embed/scan/"), step
        responses += [page, posted]
    result = client.get(f"/embed/scan/{token}/resultaat")
    html = result.get_data(as_text=True)
    assert f'href="/embed/scan/{token}/contact"' in html
    assert 'target="_blank" rel="noopener">GeoNames' in html
    assert f"http://scan.test/scan/{token}/resultaat" in html  # the link to keep: full site
    lead = client.post(
        f"/embed/scan/{token}/contact",
        data={"name": "Sam", "company": "Sam BV", "email": "sam@sam.test", "consent": "ja"},
    )
    assert lead.headers["Location"] == f"/embed/scan/{token}/contact/verstuurd"
    responses += [result, lead, client.get(lead.headers["Location"])]
    for response in responses:
        assert "Set-Cookie" not in response.headers
    with database(embed_app).sessions() as session:
        scan = session.scalars(select(Scan).where(Scan.token == token)).one()
        assert (scan.partner, scan.embed_origin) == ("kvk", PARTNER_ORIGIN)
        assert session.scalars(select(Lead)).one().partner == "kvk"


def test_embed_start_ignores_an_origin_that_is_not_allowed(embed_app):
    client = embed_app.test_client()
    start = client.post("/embed/scan", data={"origin": "https://evil.example"})
    token = start.headers["Location"].split("/")[-2]
    with database(embed_app).sessions() as session:
        scan = session.scalars(select(Scan).where(Scan.token == token)).one()
        assert scan.embed_origin is None


def test_plain_site_scan_has_no_embed_origin(embed_app):
    client = embed_app.test_client()
    start = client.post("/scan", data={"origin": PARTNER_ORIGIN})
    assert start.headers["Location"].startswith("/scan/")
    token = start.headers["Location"].split("/")[-2]
    with database(embed_app).sessions() as session:
        assert session.scalars(select(Scan).where(Scan.token == token)).one().embed_origin is None


@pytest.mark.parametrize("value", ["www.kvk.nl", "https://kvk.nl/pad", "ftp://kvk.nl"])
def test_malformed_allowed_origins_stop_start_up(make_app, value):
    with pytest.raises(ConfigError, match="EMBED_ALLOWED_ORIGINS"):
        make_app(EMBED_ALLOWED_ORIGINS=value)


def test_embed_scripts_are_small_and_self_contained(client):
    for name in ("embed.js", "embed-frame.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert len(body.encode()) < 5000
        assert (
            "import " not in body
            and "http://" not in body
            and "https://" not in body.split("*/", 1)[-1]
        )
        assert "postMessage" in body
        response.close()
