"""Pages kept by the render cache (scan/views/fragments.py) are the pages a fresh render makes.

Two apps share one database: one keeps rendered pages (as in production), one renders every
request afresh (RENDER_CACHE=False). Whatever order scans, hosts and frames come in, the kept
page must be byte for byte the fresh one, apart from the form token's timestamp.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from scan.db import database
from scan.forgery import form_token_valid
from scan.models import Werkplaats
from scan.scans import PROFILE_STEP, step_ids
from scan.views.fragments import cached_render
from tests.journey import complete_scan, start_scan, step_formdata
from tests.strategies import lowest_answer

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
PARTNER = "https://partner.example"


def _stable(html: str) -> str:
    """The page without its form token, which carries the second it was made."""
    return FORM_TOKEN.sub('name="form_token" value=""', html)


@pytest.fixture
def apps(make_app):
    """(kept, fresh): the same app with and without the render cache, on one database."""
    return (
        make_app(EMBED_ALLOWED_ORIGINS=PARTNER),
        make_app(EMBED_ALLOWED_ORIGINS=PARTNER, RENDER_CACHE=False),
    )


def _same_page(apps, path: str, **kwargs) -> str:
    kept, fresh = (app.test_client() for app in apps)
    first = kept.get(path, **kwargs)
    again = kept.get(path, **kwargs)  # from the cache
    reference = fresh.get(path, **kwargs)
    assert first.status_code == again.status_code == reference.status_code == 200
    for response in (first, again):
        assert _stable(response.get_data(as_text=True)) == _stable(reference.get_data(as_text=True))
    return again.get_data(as_text=True)


def _form_token_is_for(app, html: str, token: str) -> bool:
    value = FORM_TOKEN.search(html).group(1)
    with app.test_request_context(method="POST", data={"form_token": value}):
        return form_token_valid(token)


def test_step_pages_from_the_cache_are_fresh_renders_with_the_scans_own_token(apps, bank):
    kept, _fresh = apps
    client = kept.test_client()
    first, second = start_scan(client), start_scan(client)
    theme = step_ids(bank)[1]
    # The second scan answered its profile and one theme; the first answered nothing.
    for step in step_ids(bank)[:2]:
        data = step_formdata(bank, step, lowest_answer)
        assert client.post(f"/scan/{second}/{step}", data=data).status_code == 303
    for token in (first, second, first):
        for step in (PROFILE_STEP, theme):
            if token == first and step == theme:
                continue  # not open yet: redirects
            html = _same_page(apps, f"/scan/{token}/{step}")
            other = second if token == first else first
            assert token in html and other not in html
            assert _form_token_is_for(kept, html, token)
    # The same page in the partner's frame is made and kept separately.
    framed = _same_page(apps, f"/embed/scan/{first}/{PROFILE_STEP}")
    assert 'class="embedded"' in framed and f"/embed/scan/{first}/{PROFILE_STEP}" in framed
    plain = _same_page(apps, f"/scan/{first}/{PROFILE_STEP}")
    assert 'class="embedded"' not in plain


def test_the_stored_answers_decide_which_kept_page_is_shown(apps, bank):
    client = apps[0].test_client()
    token = start_scan(client)
    empty = _same_page(apps, f"/scan/{token}/{PROFILE_STEP}")
    assert " checked" not in empty
    data = step_formdata(bank, PROFILE_STEP, lowest_answer)
    assert client.post(f"/scan/{token}/{PROFILE_STEP}", data=data).status_code == 303
    answered = _same_page(apps, f"/scan/{token}/{PROFILE_STEP}")
    assert " checked" in answered and 'value="3511"' in answered


def test_a_page_kept_for_one_host_is_never_shown_for_another(make_app):
    app = make_app(SERVER_NAME=None)
    client = app.test_client()
    token = start_scan(client)
    for host in ("scan.example", "evil.example", "scan.example"):
        html = client.get(f"/scan/{token}/{PROFILE_STEP}", headers={"Host": host}).get_data(
            as_text=True
        )
        assert f"http://{host}/scan/{token}" in html
        other = "evil.example" if host == "scan.example" else "scan.example"
        assert other not in html


def test_result_pages_follow_the_lead_and_the_werkplaats(apps, bank):
    kept, fresh = apps
    client = kept.test_client()
    token = complete_scan(client, bank)
    path = f"/scan/{token}/resultaat"
    before = _same_page(apps, path)
    assert "Neem contact met mij op" in before
    assert '<a href="#werkplaats">Vraag om contact</a>' in before  # under the route
    assert "MKB Werkplaats Utrecht" in before  # 3511 AB routes to Utrecht
    with database(kept).sessions() as session:
        session.execute(
            update(Werkplaats).where(Werkplaats.id == "utrecht").values(name="Werkplaats Dom")
        )
        session.commit()
    renamed = _same_page(apps, path)
    assert "Werkplaats Dom" in renamed and "MKB Werkplaats Utrecht" not in renamed
    # A new postcode, sent from inside a partner's frame: the kept page follows the new route.
    moved = client.post(f"/embed/scan/{token}/postcode", data={"postcode": "9712 AB"})
    assert moved.headers["Location"] == f"/embed{path}#werkplaats"
    rerouted = _same_page(apps, path)
    assert "Werkplaats Online Ondernemen" in rerouted and "Werkplaats Dom" not in rerouted
    back = client.post(f"/scan/{token}/postcode", data={"postcode": "3511 AB"})
    assert back.status_code == 303
    assert "Werkplaats Dom" in _same_page(apps, path)
    contact = {
        "name": "Anna de Vries",
        "company": "Bakkerij De Vries",
        "email": "anna@bakkerij.example",
        "consent": "ja",
    }
    assert client.post(f"/scan/{token}/contact", data=contact).status_code == 303
    after = _same_page(apps, path)
    assert "Je hebt om contact gevraagd" in after and "Neem contact met mij op" not in after
    assert '<a href="#werkplaats">Vraag om contact</a>' not in after
    framed = _same_page(apps, f"/embed{path}")
    assert 'class="embedded"' in framed
    # In the frame, links open a new tab, and each says so to screen readers.
    new_tab = re.findall(r'<a [^>]*target="_blank"[^>]*>(.*?)</a>', framed, flags=re.S)
    assert len(new_tab) >= 4
    assert all("(opent in een nieuw tabblad)" in text for text in new_tab), new_tab
    assert fresh.test_client().get(f"/scan/{token}/resultaat").status_code == 200


def test_landing_pages_from_the_cache_follow_the_partner_and_the_frame(apps):
    plain = _same_page(apps, "/")
    assert 'name="partner"' not in plain and 'class="embedded"' not in plain
    kvk = _same_page(apps, "/?partner=kvk")
    assert 'name="partner" value="kvk"' in kvk
    other = _same_page(apps, "/?partner=rabo")
    assert 'value="rabo"' in other and 'value="kvk"' not in other
    framed = _same_page(apps, f"/embed/?partner=kvk&origin={PARTNER}")
    assert 'class="embedded"' in framed and f'name="origin" value="{PARTNER}"' in framed
    # A frame opened without an allowed origin gets no origin field, even after one that had it.
    unknown = _same_page(apps, "/embed/?partner=kvk&origin=https://evil.example")
    assert 'name="origin"' not in unknown
    assert _same_page(apps, "/") == plain


def test_in_development_a_reloaded_template_is_rendered_afresh(make_app):
    app = make_app()
    renders = []

    def context():
        renders.append(1)
        return {}

    def kept():
        with app.test_request_context("/"):
            return cached_render("partials/assets.html", "key", 4, context)

    app.jinja_env.auto_reload = False
    kept(), kept()
    app.jinja_env.cache.clear()  # what a changed file does to the loaded template
    kept()
    assert len(renders) == 1  # production: templates never change, the page is kept
    app.jinja_env.auto_reload = True
    kept(), kept()
    assert len(renders) == 2
    app.jinja_env.cache.clear()
    kept()
    assert len(renders) == 3  # development: a new template object, a fresh render
