"""Isolation: a medewerker of werkplaats A never reaches anything of werkplaats B.

The matrix is generated from the URL map: every staff route must be listed in ROUTES with how
to call it, so a new route cannot be added without deciding how it is isolated.
"""

from __future__ import annotations

import csv
import io

import pytest

from scan.staff.auth import csrf_token
from tests.offer import make_training
from tests.staff import csrf_from, make_lead, make_user, signed_in_client

# For each staff rule: (methods to try, form data for POST, who may use it)
#   "lead": the route takes a lead id; B's lead must answer 404 to A.
#   "own": the route shows only the user's own werkplaats (checked by content).
#   "admin": admins only; a medewerker gets 404.
#   "public": needs no sign-in (the sign-in page itself).
ROUTES = {
    "/medewerkers/": ("GET", "own"),
    "/medewerkers/aanvragen": ("GET", "own"),
    "/medewerkers/aanvragen/export.<any(csv, xlsx):kind>": ("GET", "own"),
    "/medewerkers/aanvragen/<int:lead_id>": ("GET", "lead"),
    "/medewerkers/aanvragen/<int:lead_id>/notitie": ("POST", "lead"),
    "/medewerkers/aanvragen/<int:lead_id>/status": ("POST", "lead"),
    "/medewerkers/aanvragen/<int:lead_id>/doorsturen": ("POST", "lead"),
    "/medewerkers/aanvragen/<int:lead_id>/uitnodigen": ("POST", "lead"),
    "/medewerkers/cijfers": ("GET", "own"),
    "/medewerkers/beheer/werkplaatsen": ("GET", "admin"),
    "/medewerkers/beheer/werkplaatsen/nieuw": ("GET", "admin"),
    "/medewerkers/beheer/werkplaatsen/<werkplaats_id>": ("GET", "admin"),
    "/medewerkers/beheer/accounts": ("GET", "admin"),
    "/medewerkers/beheer/accounts/nieuw": ("GET", "admin"),
    "/medewerkers/beheer/accounts/<int:user_id>": ("GET", "admin"),
    "/medewerkers/beheer/accounts/<int:user_id>/deblokkeren": ("POST", "admin"),
    "/medewerkers/beheer/logboek": ("GET", "admin"),
    # Issue 20: the offer. "session": takes a session id; B's session answers 404 to A.
    "/medewerkers/aanbod": ("GET", "own"),
    "/medewerkers/aanbod/nieuw": ("GET", "own"),
    "/medewerkers/aanbod/<int:training_id>": ("POST", "session"),
    "/medewerkers/aanbod/<int:training_id>/annuleren": ("POST", "session"),
    "/medewerkers/aanbod/<int:training_id>/deelnemers": ("GET", "session"),
    "/medewerkers/aanbod/<int:training_id>/deelnemers.<any(csv, xlsx):kind>": ("GET", "session"),
    "/medewerkers/aanbod/<int:training_id>/aanwezigheid": ("POST", "session"),
    "/medewerkers/inloggen": ("GET", "public"),
    "/medewerkers/uitloggen": ("POST", "public"),
}


def staff_rules(app):
    return sorted({r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/medewerkers")})


def test_every_staff_route_is_in_the_matrix(app):
    assert set(staff_rules(app)) == set(ROUTES)


@pytest.fixture
def two_werkplaatsen(app):
    mine = make_lead(app, "utrecht", company="Eigen Bakkerij", partner="kvk")
    theirs = make_lead(app, "fryslan", company="Andermans Smederij", partner="kvk")
    queue = make_lead(app, None, company="Wachtrij Kapsalon")
    client, _ = signed_in_client(app, "medewerker", "utrecht")
    other_user, _ = make_user(app, "medewerker", "fryslan")
    return client, mine, theirs, queue, other_user


def url_for_rule(rule: str, lead_id: int, user_id: int, training_id: int = 0) -> str:
    return (
        rule.replace("<int:lead_id>", str(lead_id))
        .replace("<int:training_id>", str(training_id))
        .replace("<int:user_id>", str(user_id))
        .replace("<werkplaats_id>", "fryslan")
        .replace("<any(csv, xlsx):kind>", "csv")
    )


@pytest.mark.parametrize("rule", sorted(ROUTES))
def test_medewerker_of_a_cannot_reach_b(app, two_werkplaatsen, rule):
    client, mine, theirs, queue, other_user = two_werkplaatsen
    method, kind = ROUTES[rule]
    token = csrf_from(client.get(f"/medewerkers/aanvragen/{mine}").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "status": "intake",
        "note": "x",
        "werkplaats": "groningen-woo",
        "reason": "test",
    }
    if kind == "session":  # issue 20: a session of B answers 404; A's own works
        mine_session, theirs_session = make_training(app), make_training(app, "fryslan")
        for training_id, works in ((theirs_session, False), (mine_session, True)):
            url = url_for_rule(rule, mine, other_user, training_id)
            response = client.get(url) if method == "GET" else client.post(url, data=data)
            if works:
                assert response.status_code in (200, 303, 409, 422), (rule, response.status_code)
            else:
                assert response.status_code == 404, rule
        return
    for lead_id in (theirs, queue):
        url = url_for_rule(rule, lead_id, other_user)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        if kind in ("lead", "admin"):
            assert response.status_code == 404, (rule, lead_id)
        elif kind == "own":
            body = response.get_data(as_text=True)
            assert response.status_code in (200, 302)
            assert "Andermans Smederij" not in body and "Wachtrij Kapsalon" not in body
    if kind == "lead":
        url = url_for_rule(rule, mine, other_user)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        assert response.status_code in (200, 303), rule  # the medewerker's own lead works


def test_inbox_and_exports_hold_only_own_leads(app, two_werkplaatsen):
    client, *_ = two_werkplaatsen
    html = client.get("/medewerkers/aanvragen").get_data(as_text=True)
    assert "Eigen Bakkerij" in html and "Andermans Smederij" not in html
    # An admin-only filter in the URL does not widen a medewerker's view.
    widened = client.get("/medewerkers/aanvragen?werkplaats=fryslan").get_data(as_text=True)
    assert "Andermans Smederij" not in widened
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/medewerkers/aanvragen/export.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    companies = {row[4] for row in rows[1:]}
    assert companies == {"Eigen Bakkerij"}
    xlsx = client.get("/medewerkers/aanvragen/export.xlsx").data
    assert b"Andermans" not in xlsx and xlsx[:2] == b"PK"


def test_dashboard_counts_only_own_leads(app, two_werkplaatsen):
    client, *_ = two_werkplaatsen
    html = client.get("/medewerkers/cijfers").get_data(as_text=True)
    assert "Cijfers: MKB Werkplaats Utrecht" in html
    assert '<tr><th scope="row">Aanvragen voor contact</th><td>1</td></tr>' in html


def test_admin_sees_everything(app, two_werkplaatsen):
    admin, _ = signed_in_client(app, "admin")
    html = admin.get("/medewerkers/aanvragen").get_data(as_text=True)
    for company in ("Eigen Bakkerij", "Andermans Smederij", "Wachtrij Kapsalon"):
        assert company in html
    queue_only = admin.get("/medewerkers/aanvragen?werkplaats=landelijk").get_data(as_text=True)
    assert "Wachtrij Kapsalon" in queue_only and "Eigen Bakkerij" not in queue_only
    _, _, theirs, queue, _ = two_werkplaatsen
    assert admin.get(f"/medewerkers/aanvragen/{theirs}").status_code == 200
    assert admin.get(f"/medewerkers/aanvragen/{queue}").status_code == 200


def test_a_lead_out_of_reach_answers_a_staff_page_with_a_way_back(app, two_werkplaatsen):
    client, _mine, theirs, _queue, _other = two_werkplaatsen
    for path in (f"/medewerkers/aanvragen/{theirs}", "/medewerkers/bestaat-niet"):
        response = client.get(path)
        assert response.status_code == 404, path
        html = response.get_data(as_text=True)
        # The staff layout and words, not the ondernemer's "is de scan verwijderd".
        assert "Digitale scan · medewerkers" in html, path
        assert "hoort bij een andere werkplaats" in html and "scan verwijderd" not in html
        assert 'href="/medewerkers/aanvragen">Naar de aanvragen</a>' in html
    public = client.get("/scan/nietbestaand/resultaat").get_data(as_text=True)
    assert "Naar de beginpagina van de scan" in public


@pytest.mark.parametrize("rule", sorted(r for r, (_, kind) in ROUTES.items() if kind != "public"))
def test_a_medewerker_without_a_werkplaats_sees_nothing(app, two_werkplaatsen, rule):
    """Fail closed (issue 16): "werkplaats None" read as the national queue in the inbox
    filter and as the whole network in the figures. Such an account reaches no staff page."""
    _, mine, _, queue, other_user = two_werkplaatsen
    client, _ = signed_in_client(app, "medewerker", None)
    methods, _ = ROUTES[rule]
    for lead in (mine, queue):
        url = url_for_rule(rule, lead, other_user)
        if methods == "POST":
            # A valid form token of the session, made as the server makes it: no page of the
            # staff area shows this account a form.
            key = client.get_cookie("scan_staff", domain="scan.test", path="/medewerkers").value
            token = csrf_token(app.config["SECRET_KEY"], key)
            response = client.post(url, data={"csrf_token": token, "status": "intake"})
        else:
            response = client.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
        html = response.get_data(as_text=True)
        assert "Wachtrij Kapsalon" not in html and "Eigen Bakkerij" not in html
