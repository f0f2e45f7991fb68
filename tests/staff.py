"""Factories for the staff tests: accounts, signed-in clients, leads at a werkplaats."""

from __future__ import annotations

import re
from itertools import count

from scan.db import database
from scan.domain.contact import Contact
from scan.models import Scan, Werkplaats
from scan.records.leads import add_lead
from scan.records.scans import completion, create_draft, step_ids
from scan.staff.auth import hash_password
from scan.staff.models import StaffUser
from tests.strategies import answers_for, lowest_answer, valid_profile

PASSWORD = "een-lang-genoeg-wachtwoord"
_numbers = count(1)
_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def make_user(app, role="medewerker", werkplaats_id="utrecht", email=None, password=PASSWORD):
    """Store a staff account and return its id and e-mail address."""
    email = email or f"{role}{next(_numbers)}@werkplaats.test"
    with database(app).sessions() as session:
        user = StaffUser(
            email=email,
            role=role,
            werkplaats_id=werkplaats_id if role == "medewerker" else None,
            password_hash=hash_password(password),
        )
        session.add(user)
        session.commit()
        return user.id, email


def csrf_from(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    match = _TOKEN.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through the real form and return the response."""
    page = client.get("/medewerkers/inloggen").get_data(as_text=True)
    return client.post(
        "/medewerkers/inloggen",
        data={"email": email, "password": password, "csrf_token": csrf_from(page)},
    )


def signed_in_client(app, role="medewerker", werkplaats_id="utrecht"):
    """Return a test client signed in as a new account, and the account's e-mail."""
    _, email = make_user(app, role, werkplaats_id)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client, email


def post_form(client, url: str, data: dict, page_url: str | None = None):
    """Post a staff form with the CSRF token of the page that holds it."""
    html = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_from(html)})


def make_lead(app, werkplaats_id: str | None = "utrecht", company: str | None = None, **fields):
    """Store a completed scan with a lead at a werkplaats; return the lead id."""
    bank = app.extensions["scan.bank"]
    catalogue = app.extensions["scan.catalogue"]
    number = next(_numbers)
    with database(app).sessions() as session:
        scan = create_draft(session, bank, fields.pop("partner", None))
        scan.profile = valid_profile(bank) | {"postcode": "3511"}
        scan.answers = answers_for(bank, lowest_answer)
        scan.steps_done = step_ids(bank)
        values = completion(session, bank, catalogue, scan.answers, scan.profile)
        for column, value in values.items():
            setattr(scan, column, value)
        scan.werkplaats = session.get(Werkplaats, werkplaats_id) if werkplaats_id else None
        contact = Contact(
            name=fields.pop("name", f"Ondernemer {number}"),
            company=company or f"Bedrijf {number}",
            email=fields.pop("email", f"ondernemer{number}@bedrijf.test"),
            phone=fields.pop("phone", None),
            kvk=fields.pop("kvk", None),
            message=fields.pop("message", "Een vraag."),
        )
        lead = add_lead(session, scan, contact)
        for name, value in fields.items():
            setattr(lead, name, value)
        session.commit()
        return lead.id


def scan_count(app) -> int:
    """Count stored scans."""
    with database(app).sessions() as session:
        return session.query(Scan).count()
