"""The result page: chart, advice with reasons, route, werkplaats; the API's routing."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scan.content import DONT_KNOW_ID
from scan.domain.routing import centroid, haversine_km
from tests.strategies import answers_for, best_answer, lowest_answer, valid_profile


def scan_via_api(client, bank, pick=lowest_answer, postcode="4331 AB", **profile):
    answers = answers_for(bank, pick)
    for theme in bank.themes:
        answers[theme.importance.id] = "heel-belangrijk"
    body = {
        "answers": answers,
        "profile": valid_profile(bank, postcode)
        | {"size": "micro", "time": "uur-per-week"}
        | profile,
    }
    response = client.post("/api/v1/scans", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_result_page_shows_chart_advice_route_and_werkplaats(client, bank):
    document = scan_via_api(client, bank)
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert '<table class="score-table">' in html  # the chart's text equivalent
    assert "We raden je een intensief traject met studenten aan" in html
    # One traject at a time (adviezen/regels.yaml), named in the route text.
    [traject] = [item for item in document["advice"] if item["kind"] == "traject"]
    assert f"voor {bank.themes_by_id[traject['theme']].title.lower()}." in html
    assert "niet meer dan één traject" in html
    assert html.count("<summary>Waarom dit advies?</summary>") == len(document["advice"])
    for item in document["advice"]:
        assert item["title"] in html
        for reason in item["reasons"]:
            assert reason.replace("'", "&#39;") in html
    # Middelburg (Zeeland) has no werkplaats: the nearest is named, with its distance.
    assert "MKB Werkplaats Utrecht" in html
    distance = f"{document['werkplaats']['distance_km']:.1f}".replace(".", ",")
    assert f"{distance} km" in html
    # It is far away: the page says so and claims neither "in je buurt" nor online help.
    assert "De dichtstbijzijnde werkplaats" in html and "Dat is niet in je buurt" in html
    assert (
        "in de buurt" not in html.lower() and "online" not in html[html.index('id="werkplaats"') :]
    )
    assert f'href="/scan/{document["token"]}/contact"' in html
    assert "GeoNames" in html


def test_the_result_says_how_often_weet_ik_niet_was_chosen(client, bank):
    def pick(question):
        if question.id in {q.id for q in bank.themes_by_id["data"].questions}:
            return [DONT_KNOW_ID] if question.type == "multiple" else DONT_KNOW_ID
        return best_answer(question)

    document = scan_via_api(client, bank, pick=pick)
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    data = html[html.index('id="theme-data"') : html.index('id="theme-automatisering"')]
    count = len(bank.themes_by_id["data"].questions)
    assert f"Bij {count} van de {count} vragen koos je ‘Weet ik niet’." in data
    assert "telt als 0 punten" in data
    # The other themes were answered: no such note there.
    assert html.count("koos je ‘Weet ik niet’") == 1


def test_strong_business_hears_what_goes_well_and_gets_no_route(client, bank):
    document = scan_via_api(client, bank, best_answer)
    assert document["route"] == "training" and document["advice"] == []
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    # No "we advise trainings" above an empty list: the page says why there is no step.
    assert "We raden je trainingen en kleine stappen aan" not in html
    assert "Op elke vraag van de scan gaf je al het beste antwoord" in html
    assert "Intensief traject met studenten" not in html
    [strengths] = re.findall(r'<ul class="strengths">(.*?)</ul>', html, re.S)
    assert strengths.count("<li>") == 2 * len(bank.themes)  # two per theme at the top
    assert 'id="eerst"' not in html


def test_weak_business_gets_a_traject_with_reasons_through_the_api(client, bank):
    document = scan_via_api(client, bank)
    assert document["route"] == "traject"
    trajecten = [a for a in document["advice"] if a["kind"] == "traject"]
    assert trajecten
    assert all(any("belangrijk" in r for r in a["reasons"]) for a in trajecten)


def test_no_postcode_means_the_national_queue(client, bank):
    document = scan_via_api(client, bank, postcode=None)
    assert document["werkplaats"] is None
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    assert "Je vulde geen postcode in" in html
    # What happens next names who gets the request first: a coordinator, not "de werkplaats".
    assert "Een landelijke coördinator stuurt je vraag" in html
    assert "De werkplaats krijgt je vraag" not in html


def test_werkplaatsen_api_lists_the_seeded_ones(client, app):
    response = client.get("/api/v1/werkplaatsen")
    assert response.status_code == 200
    listed = response.get_json()
    seeds = app.extensions["scan.werkplaats_seeds"]
    assert {w["id"] for w in listed} == {s.id for s in seeds}
    assert all(set(w) == {"id", "name", "city", "lat", "lon", "active"} for w in listed)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(number=st.integers(1000, 9999), letters=st.sampled_from(["AB", "xz", "", " cd"]))
def test_api_routes_any_postcode_to_the_nearest_active_werkplaats(
    client, bank, app, number, letters
):
    postcode = f"{number}{letters}"
    document = scan_via_api(client, bank, postcode=postcode)
    point = centroid(f"{number}")
    if point is None:
        assert document["werkplaats"] is None
        return
    listed = [w for w in client.get("/api/v1/werkplaatsen").get_json() if w["active"]]
    distances = {w["id"]: haversine_km(point.lat, point.lon, w["lat"], w["lon"]) for w in listed}
    nearest = min(distances, key=lambda i: (distances[i], i))
    assert document["werkplaats"]["id"] == nearest
    assert document["werkplaats"]["distance_km"] == round(distances[nearest], 1)


@pytest.mark.parametrize("postcode", ["0123 AB", "1234 SS", "12345", "1234 A B"])
def test_malformed_postcodes_are_refused_in_dutch(client, bank, postcode):
    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank, postcode)}
    response = client.post("/api/v1/scans", json=body)
    assert response.status_code == 422
    message = response.get_json()["errors"]["profile.postcode"]
    assert re.search(r"postcode|letters", message, re.IGNORECASE)


def test_a_postcode_can_be_added_after_the_result_until_contact_is_asked(client, bank):
    document = scan_via_api(client, bank, postcode=None)
    token = document["token"]
    result = f"/scan/{token}/resultaat"
    page = f"/scan/{token}/postcode"
    assert f'href="{page}">Vul alsnog je postcode in</a>' in client.get(result).get_data(
        as_text=True
    )
    form = client.get(page).get_data(as_text=True)
    assert 'autocomplete="postal-code"' in form

    # A wrong postcode: a Dutch message, what was typed stays in the field.
    wrong = client.post(page, data={"postcode": "0123 AB"})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "begint niet met een 0" in html and 'value="0123 AB"' in html
    empty = client.post(page, data={"postcode": " "})
    assert empty.status_code == 422 and "Vul de postcode van je bedrijf in" in empty.get_data(
        as_text=True
    )
    # Without the page's form token nothing is stored, and the postcode comes back.
    forged = client.post(page, data={"postcode": "3511 AB", "form_token": ""})
    assert forged.status_code == 400 and 'value="3511 AB"' in forged.get_data(as_text=True)

    done = client.post(page, data={"postcode": "3511 ab"})
    assert done.status_code == 303 and done.headers["Location"] == f"{result}#werkplaats"
    routed = client.get(f"/api/v1/scans/{token}").get_json()
    assert routed["werkplaats"]["id"] == "utrecht"
    assert routed["scores"] == document["scores"] and routed["advice"] == document["advice"]
    html = client.get(result).get_data(as_text=True)
    assert "MKB Werkplaats Utrecht" in html and "Pas je postcode aan" in html

    # Once the request went to a werkplaats, the postcode stays: the page leads back.
    contact = {"name": "Sanne Bos", "company": "Bos Bloemen", "email": "sanne@bos.test"}
    contact["consent"] = True
    assert client.post(f"/api/v1/scans/{token}/lead", json=contact).status_code == 201
    assert client.get(page).headers["Location"] == result
    assert "Pas je postcode aan" not in client.get(result).get_data(as_text=True)


def test_the_postcode_page_of_an_unfinished_or_unknown_scan(client):
    draft = client.post("/scan").headers["Location"].split("/")[-2]
    assert client.get(f"/scan/{draft}/postcode").status_code == 303
    assert client.get(f"/scan/{'x' * 43}/postcode").status_code == 404


def test_no_gap_names_an_answer_the_page_praises(client, bank):
    """A ticked option of a multiple question, or an answer with a strength, is no gap."""

    def pick(question):
        if question.type == "multiple":  # one positive option ticked: part done
            return [next(o.id for o in question.options if o.points)]
        near_top = [o for o in question.options if o.strength and o.points < question.max_points]
        return near_top[0].id if near_top else lowest_answer(question)

    document = scan_via_api(client, bank, pick=pick)
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    gaps = re.findall(r'<ul class="gaps">(.*?)</ul>', html, re.S)
    for question in (q for t in bank.themes for q in t.questions):
        shown = any(question.text in part for part in gaps)
        answer = pick(question)
        chosen = question.options_by_id[answer[0] if isinstance(answer, list) else answer]
        if question.type == "multiple" or chosen.strength:
            assert not shown, question.id


def test_no_advice_without_all_best_answers_does_not_say_all_answers_were_best(client, bank):
    def pick(question):  # the best single answers, one ticked option in a multiple question
        if question.type == "multiple":
            return [next(o.id for o in question.options if o.points)]
        return best_answer(question)

    document = scan_via_api(client, bank, pick=pick)
    assert document["advice"] == [] and document["scores"]["overall"] < 100
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    assert "gaf je al het beste antwoord" not in html
    assert "Bij je antwoorden past nu geen losse stap uit ons aanbod" in html
