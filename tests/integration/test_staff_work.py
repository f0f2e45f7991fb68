"""Working with leads: notes, status, reassignment, filters, export, dashboard, admin, audit."""

from __future__ import annotations

import csv
import io
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from scan.db import database
from scan.models import Lead, Scan, Werkplaats, utcnow
from scan.staff.models import AuditEvent, LeadNote, StaffUser
from tests.serving import serving
from tests.staff import PASSWORD, csrf_from, make_lead, make_user, post_form, signed_in_client


def audit_actions(app) -> list[tuple[str, int | None, dict]]:
    with database(app).sessions() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(e.action, e.lead_id, e.detail) for e in events]


def lead_row(app, lead_id) -> Lead:
    with database(app).sessions() as session:
        return session.get(Lead, lead_id)


def test_viewing_contact_details_is_audited(app):
    lead_id = make_lead(app, "utrecht")
    client, email = signed_in_client(app)
    html = client.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    assert "ondernemer" in html and "Contactgegevens" in html
    assert ("lead.view", lead_id, {}) in audit_actions(app)
    # The lead's history shows what was done to it, not every opening of the page.
    page = f"/medewerkers/aanvragen/{lead_id}"
    assert post_form(client, f"{page}/status", {"status": "intake"}, page).status_code == 303
    again = client.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    history = again[again.index('id="history-title"') :]
    assert "status gewijzigd (Nieuw → Intake)" in history
    assert "contactgegevens bekeken" not in history
    assert [a for a, lead, _ in audit_actions(app) if lead == lead_id].count("lead.view") == 3


def test_script_in_lead_fields_and_notes_is_escaped(app):
    payload = '<script>alert("x")</script>'
    lead_id = make_lead(app, "utrecht", company=payload, name=payload, message=payload)
    client, _ = signed_in_client(app)
    url = f"/medewerkers/aanvragen/{lead_id}"
    post_form(client, f"{url}/notitie", {"note": payload}, url)
    for page in (url, "/medewerkers/aanvragen"):
        html = client.get(page).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_notes_are_appended_with_author_and_time(app):
    lead_id = make_lead(app, "utrecht")
    client, email = signed_in_client(app)
    url = f"/medewerkers/aanvragen/{lead_id}"
    assert (
        post_form(
            client, f"{url}/notitie", {"note": "Gebeld, intake volgende week."}, url
        ).status_code
        == 303
    )
    assert post_form(client, f"{url}/notitie", {"note": "Intake gepland."}, url).status_code == 303
    empty = post_form(client, f"{url}/notitie", {"note": "  "}, url)
    assert empty.status_code == 422 and "Schrijf een notitie." in empty.get_data(as_text=True)
    with database(app).sessions() as session:
        notes = session.scalars(select(LeadNote).order_by(LeadNote.id)).all()
        assert [n.body for n in notes] == ["Gebeld, intake volgende week.", "Intake gepland."]
        assert {n.author_email for n in notes} == {email}
    html = client.get(url).get_data(as_text=True)
    assert html.index("Gebeld, intake") < html.index("Intake gepland.")


def test_status_follows_the_workflow(app):
    lead_id = make_lead(app, "utrecht")
    client, _ = signed_in_client(app)
    url = f"/medewerkers/aanvragen/{lead_id}"
    skipped = post_form(client, f"{url}/status", {"status": "done"}, url)
    assert skipped.status_code == 422
    assert "kan een aanvraag niet naar" in skipped.get_data(as_text=True)
    unchosen = post_form(client, f"{url}/status", {"status": ""}, url)
    assert unchosen.status_code == 422
    assert "Kies de nieuwe status." in unchosen.get_data(as_text=True)
    for status in ("intake", "traject", "done"):
        assert post_form(client, f"{url}/status", {"status": status}, url).status_code == 303
    row = lead_row(app, lead_id)
    assert (row.status, row.track) == ("done", "traject")
    changes = [d for action, _, d in audit_actions(app) if action == "lead.status"]
    assert [(c["old"], c["new"]) for c in changes] == [
        ("new", "intake"),
        ("intake", "traject"),
        ("traject", "done"),
    ]


def test_reassign_needs_a_reason_and_hands_the_lead_over(app):
    lead_id = make_lead(app, "utrecht", company="Verhuisbedrijf")
    client, _ = signed_in_client(app)
    url = f"/medewerkers/aanvragen/{lead_id}"
    missing = post_form(client, f"{url}/doorsturen", {"werkplaats": "fryslan", "reason": ""}, url)
    assert missing.status_code == 422 and "Schrijf kort waarom" in missing.get_data(as_text=True)
    done = post_form(
        client, f"{url}/doorsturen", {"werkplaats": "fryslan", "reason": "Vestiging in Sneek"}, url
    )
    assert (
        done.status_code == 303
        and "/medewerkers/aanvragen?doorgestuurd=" in done.headers["Location"]
    )
    assert lead_row(app, lead_id).werkplaats_id == "fryslan"
    inbox = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "De aanvraag is doorgestuurd naar Digitale Werkplaats Fryslân." in inbox
    spoofed = client.get("/medewerkers/aanvragen?doorgestuurd=Log+in+op+evil.example")
    assert "is doorgestuurd" not in spoofed.get_data(as_text=True)
    assert client.get(url).status_code == 404  # out of the medewerker's sight now
    reassign = next(d for a, _, d in audit_actions(app) if a == "lead.reassign")
    assert reassign == {"old": "utrecht", "new": "fryslan", "reason": "Vestiging in Sneek"}


def test_inbox_filters_search_and_pages(app):
    now = utcnow()
    make_lead(app, "utrecht", company="Oude Bakker", created_at=now - timedelta(days=40))
    make_lead(app, "utrecht", company="Kapsalon Knip", kvk="12345678", status="intake")
    make_lead(app, "utrecht", company="Fietsenmaker", partner="kvk", route="traject")
    for number in range(27):
        make_lead(app, "utrecht", company=f"Vulbedrijf {number:02d}")
    client, _ = signed_in_client(app)

    def companies(query: str) -> set[str]:
        html = client.get(f"/medewerkers/aanvragen?{query}").get_data(as_text=True)
        return set(re.findall(r'">([^<]+)</a></td>', html))

    assert companies("status=intake") == {"Kapsalon Knip"}
    assert companies("q=knip") == {"Kapsalon Knip"}
    assert companies("q=1234") == {"Kapsalon Knip"}  # KvK number
    assert companies("q=%25") == set()  # a wildcard is searched literally
    assert companies("partner=kvk") == {"Fietsenmaker"}
    assert companies("route=traject") == {"Fietsenmaker"}
    cutoff = (now - timedelta(days=30)).date().isoformat()
    assert "Oude Bakker" in companies(f"tot={cutoff}")
    assert "Oude Bakker" not in companies(f"van={cutoff}")
    first = client.get("/medewerkers/aanvragen").get_data(as_text=True)
    assert "30 aanvragen, pagina 1 van 2" in first
    assert "Oude Bakker" in companies("pagina=2")  # oldest last
    bad = client.get("/medewerkers/aanvragen?van=gisteren&status=zoek")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "Vul een datum in als jjjj-mm-dd" in text and "Kies een bestaande status." in text


def test_export_is_safe_against_formula_injection_and_audited(app):
    evil = '=HYPERLINK("http://evil.example","klik")'
    make_lead(app, "utrecht", company=evil, name="+31 6 12345678", message="@SUM(1,2)")
    client, _ = signed_in_client(app)
    text = client.get("/medewerkers/aanvragen/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["Bedrijf"] == "'" + evil
    assert record["Naam"] == "'+31 6 12345678"
    assert record["Vraag"] == "'@SUM(1,2)"
    xlsx = client.get("/medewerkers/aanvragen/export.xlsx").data
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula cells at all
    assert "HYPERLINK" in strings  # the text is there, as text
    exports = [d for a, _, d in audit_actions(app) if a == "export"]
    assert [(e["format"], e["rows"]) for e in exports] == [("csv", 1), ("xlsx", 1)]


def test_dashboard_reports_the_programme_terms(app):
    for status, track in (
        ("new", None),
        ("intake", None),
        ("training", "training"),
        ("done", "traject"),
        ("declined", None),
    ):
        make_lead(app, "utrecht", status=status, track=track, partner="kvk")
    client, _ = signed_in_client(app)
    html = client.get("/medewerkers/cijfers").get_data(as_text=True)

    def figure(label):
        return re.search(rf"<th scope=\"row\">{label}</th><td>([^<]+)</td>", html).group(1)

    assert figure("Bereikt: ondernemers die de scan afrondden") == "5"
    assert figure("Aanvragen voor contact") == "5"
    assert figure("Conversie \\(aanvragen per afgeronde scan\\)") == "100,0%"
    assert figure("In gesprek geweest \\(intake of verder\\)") == "3"
    assert figure("Getraind \\(training gevolgd of bezig\\)") == "1"
    assert figure("Geholpen in een intensief traject") == "1"
    assert figure("kvk") == "5"
    assert html.count('<svg class="chart"') == 3
    # The week of the five scans, in words (taken from a stored scan: no race with midnight).
    with database(app).sessions() as session:
        completed = session.scalar(select(Scan.completed_at).limit(1))
    year, week, _ = completed.date().isocalendar()
    assert figure(f"week {week} \\({year}\\)") == "5"


def test_admin_adds_a_werkplaats_whose_claims_route_new_scans(app, bank):
    admin, _ = signed_in_client(app, "admin")
    url = "/medewerkers/beheer/werkplaatsen/nieuw"
    bad = post_form(
        admin,
        url,
        {
            "id": "Twente!",
            "name": "",
            "lat": "99",
            "lon": "x",
            "source_url": "geen",
            "claims": "abc",
        },
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    for message in (
        "Kies een korte id",
        "Vul de naam in",
        "breedtegraad",
        "lengtegraad",
        "postcodegebieden",
        "openbare pagina",
    ):
        assert message in text
    assert 'value="Twente!"' in text  # kept
    ok = post_form(
        admin,
        url,
        {
            "id": "test-oost",
            "name": "Testwerkplaats Oost",
            "city": "Enschede",
            "lat": "52,2215",
            "lon": "6,8937",
            "claims": "3500-3599",
            "source_url": "https://example.org/bron",
            "active": "ja",
        },
    )
    assert ok.status_code == 303
    with database(app).sessions() as session:
        assert session.get(Werkplaats, "test-oost").claims == ["3500-3599"]
    from tests.strategies import answers_for, lowest_answer, valid_profile

    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank, "3511 AB")}
    routed = app.test_client().post("/api/v1/scans", json=body).get_json()["werkplaats"]
    assert routed["id"] == "test-oost"  # the claim beats Utrecht, which is much closer


def test_admin_manages_accounts_and_the_last_admin_stays(app):
    admin, admin_email = signed_in_client(app, "admin")
    url = "/medewerkers/beheer/accounts/nieuw"
    bad = post_form(admin, url, {"email": "geen", "role": "medewerker", "password": "kort"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "12 tekens" in text and "kies er een" in text
    ok = post_form(
        admin,
        url,
        {
            "email": "Nieuwe@Werkplaats.test",
            "role": "medewerker",
            "werkplaats": "fryslan",
            "password": "lang-genoeg-wachtwoord",
        },
    )
    assert ok.status_code == 303
    # The list says what was saved.
    confirmed = admin.get(ok.headers["Location"]).get_data(as_text=True)
    assert "Het account van nieuwe@werkplaats.test is opgeslagen." in confirmed
    # The notice names a saved account only: a made-up link shows nothing.
    for made_up in ("Log in op evil.example", "99999"):
        spoofed = admin.get(f"/medewerkers/beheer/accounts?opgeslagen={made_up}")
        assert "is opgeslagen" not in spoofed.get_data(as_text=True)
    users = admin.get("/medewerkers/beheer/accounts").get_data(as_text=True)
    assert "nieuwe@werkplaats.test" in users and "is opgeslagen" not in users
    own_id = int(
        re.search(
            rf'href="/medewerkers/beheer/accounts/(\d+)">{re.escape(admin_email)}', users
        ).group(1)
    )
    demote = post_form(
        admin,
        f"/medewerkers/beheer/accounts/{own_id}",
        {"email": admin_email, "role": "medewerker", "werkplaats": "utrecht", "active": "ja"},
    )
    assert demote.status_code == 422 and "laatste beheerder" in demote.get_data(as_text=True)
    log = admin.get("/medewerkers/beheer/logboek").get_data(as_text=True)
    rows = log[log.index("<tbody>") :]
    # In words, not codes: the action and the werkplaats by name.
    assert "account aangemaakt" in rows and "ingelogd" in rows
    assert "user.create" not in rows and "Digitale Werkplaats Fryslân" in rows
    assert csrf_from(log)


def test_two_admins_demoting_each_other_at_once_leave_one(make_app, monkeypatch):
    """Each admin's count saw two admins and each demotion went through: none was left.

    The count now locks the admin rows (PostgreSQL) or the change holds the write lock
    from its start (SQLite). A pause after the count makes the race certain, not lucky.
    """
    import scan.staff.views_admin as views_admin

    app = make_app(SERVER_NAME=None)
    ids = {}
    for name in ("anna", "bram"):
        ids[name], _ = make_user(app, "admin", email=f"{name}@netwerk.test")
    counted = views_admin.count_admins

    def slow_count(session):
        number = counted(session)
        time.sleep(0.5)
        return number

    monkeypatch.setattr(views_admin, "count_admins", slow_count)
    with serving(app) as netloc:
        base = f"http://{netloc}/medewerkers"

        def signed_in(email: str):
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            with opener.open(f"{base}/inloggen", timeout=30) as page:
                token = csrf_from(page.read().decode())
            form = {"email": email, "password": PASSWORD, "csrf_token": token}
            opener.open(f"{base}/inloggen", urllib.parse.urlencode(form).encode(), timeout=30)
            return opener

        def demote(name: str, other: str):
            opener = signed_in(f"{name}@netwerk.test")
            url = f"{base}/beheer/accounts/{ids[other]}"
            with opener.open(url, timeout=30) as page:
                token = csrf_from(page.read().decode())
            form = {
                "email": f"{other}@netwerk.test",
                "role": "medewerker",
                "werkplaats": "utrecht",
                "active": "ja",
                "csrf_token": token,
            }
            barrier.wait(timeout=30)
            try:
                with opener.open(url, urllib.parse.urlencode(form).encode(), timeout=60) as done:
                    return done.status
            except urllib.error.HTTPError as error:
                error.close()
                return error.code

        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = list(pool.map(demote, ("anna", "bram"), ("bram", "anna")))
    assert sorted(statuses) == [200, 422] or sorted(statuses) == [200, 200], statuses
    with database(app).sessions() as session:
        roles = session.scalars(select(StaffUser.role).order_by(StaffUser.email)).all()
    assert roles.count("admin") == 1, (statuses, roles)


@pytest.mark.parametrize(
    "password",
    ["password1234", "123456789012", "wachtwoord1234", "Welkom2026!!", "annanetwerk2026"],
)
def test_common_and_personal_passwords_are_refused(app, password):
    """Finding 11 of issue 16: 'password1234' was accepted because it had 12 characters."""
    admin, _ = signed_in_client(app, "admin")
    form = {
        "email": "anna@netwerk.test",
        "name": "Anna Netwerk",
        "role": "medewerker",
        "werkplaats": "utrecht",
        "password": password,
    }
    response = post_form(admin, "/medewerkers/beheer/accounts/nieuw", form)
    assert response.status_code == 422
    assert "te makkelijk te raden" in response.get_data(as_text=True)
    with database(app).sessions() as session:
        assert session.scalar(select(StaffUser).where(StaffUser.email == form["email"])) is None
