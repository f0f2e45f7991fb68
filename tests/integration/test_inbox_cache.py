"""Kept inbox pages (scan/staff/views_leads.py) are the pages a fresh render makes.

Two apps share one database, as two workers do: `kept` keeps rendered inbox pages, `fresh`
renders every request afresh (RENDER_CACHE=False) and also stands in for the other worker
that changes leads and werkplaatsen. A kept page must never outlive such a change.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from scan.db import database
from scan.models import Lead, Werkplaats
from tests.staff import csrf_from, make_lead, make_user, sign_in

INBOX = "/medewerkers/aanvragen"
CSRF = re.compile(r'name="csrf_token" value="[0-9a-f]+"')


@pytest.fixture
def apps(make_app):
    """(kept, fresh): the same app with and without the render cache, on one database."""
    return make_app(), make_app(RENDER_CACHE=False)


def _client(app, email: str):
    client = app.test_client()
    assert sign_in(client, email).status_code == 303
    return client


def _page(client, path: str = INBOX) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _stable(html: str) -> str:
    """The page without its CSRF token, which belongs to the session."""
    return CSRF.sub('name="csrf_token" value=""', html)


def _companies(html: str) -> list[str]:
    return re.findall(r'">([^<]+)</a></td>', html)


def test_kept_pages_are_fresh_renders_for_each_user_and_filter(apps):
    kept, fresh = apps
    make_lead(kept, "utrecht", company="Bakkerij Utrecht", status="intake")
    make_lead(kept, "fryslan", company="Zuivel Fryslan")
    make_lead(kept, None, company="Landelijk Bedrijf")
    _, medewerker = make_user(kept, "medewerker", "utrecht")
    _, admin = make_user(kept, "admin")
    for email in (medewerker, admin, medewerker):
        ours, reference = _client(kept, email), _client(fresh, email)
        for path in (INBOX, f"{INBOX}?status=intake", f"{INBOX}?werkplaats=landelijk"):
            first, again = _page(ours, path), _page(ours, path)
            assert _stable(first) == _stable(again) == _stable(_page(reference, path))
    # The same URL, two users: each sees only what they may see.
    assert _companies(_page(_client(kept, medewerker))) == ["Bakkerij Utrecht"]
    assert len(_companies(_page(_client(kept, admin)))) == 3


def test_every_session_gets_a_kept_page_with_its_own_csrf_token(apps):
    kept, _fresh = apps
    _, email = make_user(kept, "medewerker", "utrecht")
    first, second = _client(kept, email), _client(kept, email)
    first_page, second_page = _page(first), _page(second)
    assert csrf_from(first_page) != csrf_from(second_page)
    signed_out = second.post("/medewerkers/uitloggen", data={"csrf_token": csrf_from(second_page)})
    assert signed_out.status_code == 303
    assert second.get(INBOX).status_code == 302  # to the sign-in page
    assert first.get(INBOX).status_code == 200  # the other session lives on


def test_kept_pages_follow_changes_made_by_another_worker(apps):
    kept, other_worker = apps
    lead_id = make_lead(kept, "utrecht", company="Eerste Bedrijf")
    _, email = make_user(kept, "medewerker", "utrecht")
    _, admin_email = make_user(kept, "admin")
    client, admin = _client(kept, email), _client(kept, admin_email)
    assert "Werkplaats Domstad" not in _page(admin)
    assert _companies(_page(client)) == ["Eerste Bedrijf"]
    assert "1 aanvraag." in _page(client)

    make_lead(other_worker, "utrecht", company="Tweede Bedrijf")
    html = _page(client)
    assert _companies(html) == ["Tweede Bedrijf", "Eerste Bedrijf"] and "2 aanvragen." in html

    with database(other_worker).engine.begin() as connection:
        connection.execute(update(Lead).where(Lead.id == lead_id).values(status="intake"))
    assert _companies(_page(client, f"{INBOX}?status=intake")) == ["Eerste Bedrijf"]
    assert "Werkplaats Domstad" not in _page(admin)  # kept now, with the leads as they are

    with database(other_worker).engine.begin() as connection:
        connection.execute(
            update(Werkplaats).where(Werkplaats.id == "utrecht").values(name="Werkplaats Domstad")
        )
    assert "Aanvragen van Werkplaats Domstad" in _page(client)
    # The admin's page names the werkplaats in its filter and in the lead's row.
    html = _page(admin)
    assert "Werkplaats Domstad</option>" in html and "<td>Werkplaats Domstad</td>" in html
