"""JSON API v1: shapes from DESIGN, shared scoring, and no 5xx on any malformed payload."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scan.db import get_session
from scan.loading import current_catalogue
from scan.records.results import present_result
from scan.records.scans import find_scan
from tests.journey import complete_scan
from tests.openapi import assert_matches
from tests.strategies import (
    answers_for,
    answers_strategy,
    best_answer,
    lowest_answer,
    valid_profile,
)

API = "/api/v1"


@pytest.fixture
def openapi(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def payload(bank, pick=best_answer, **overrides) -> dict:
    body = {"answers": answers_for(bank, pick), "profile": valid_profile(bank)}
    body.update(overrides)
    return body


def post_scan(client, body, **kwargs):
    return client.post(f"{API}/scans", json=body, **kwargs)


def test_questionnaire_lists_every_question_with_points(client, bank, openapi):
    response = client.get(f"{API}/questionnaire")
    assert response.status_code == 200
    document = response.get_json()
    assert_matches(openapi, "Questionnaire", document)
    assert document["version"] == bank.version
    assert [t["id"] for t in document["themes"]] == [
        "online-sales-marketing",
        "data",
        "automatisering",
    ]
    question = document["themes"][0]["questions"][0]
    source = bank.themes[0].questions[0]
    assert question["max_points"] == source.max_points
    assert {o["id"] for o in question["options"]} == set(source.options_by_id)
    assert [p["id"] for p in document["profile"]] == [p.id for p in bank.profile]
    postcode = next(p for p in document["profile"] if p["id"] == "postcode")
    assert postcode["format"] == "postcode" and postcode["required"] is False


@pytest.mark.parametrize(("pick", "score"), [(lowest_answer, 0), (best_answer, 100)])
def test_extremes_score_zero_and_hundred_on_every_theme(client, bank, openapi, pick, score):
    response = post_scan(client, payload(bank, pick))
    assert response.status_code == 201
    document = response.get_json()
    assert_matches(openapi, "ScanResult", document)
    assert document["scores"]["overall"] == score
    level = 4 if score == 100 else 1
    for theme in bank.themes:
        assert document["scores"]["themes"][theme.id] == {
            "score": score,
            "level": {"id": level, "name": theme.level(level).name},
            "measured": True,
        }
    assert document["result_url"] == f"http://scan.test/scan/{document['token']}/resultaat"
    assert response.headers["Location"] == document["result_url"]


def test_api_and_web_share_scoring_and_storage(client, bank):
    document = post_scan(client, payload(bank, lowest_answer)).get_json()
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    assert "kom je uit op 0," in html
    web_token = complete_scan(client, bank, lowest_answer)
    assert client.get(f"{API}/scans/{web_token}").get_json()["scores"] == document["scores"]


def test_get_returns_the_stored_result_and_delete_erases_it(client, bank, openapi):
    created = post_scan(client, payload(bank, partner="kvk")).get_json()
    token = created["token"]
    response = client.get(f"{API}/scans/{token}")
    assert response.status_code == 200
    assert_matches(openapi, "ScanResult", response.get_json())
    assert response.get_json()["scores"] == created["scores"]
    assert client.delete(f"{API}/scans/{token}").status_code == 204
    assert client.get(f"{API}/scans/{token}").status_code == 404
    assert client.get(f"/scan/{token}/resultaat").status_code == 404
    assert client.delete(f"{API}/scans/{token}").status_code == 404


def test_unfinished_draft_answers_404(client):
    token = client.post("/scan").headers["Location"].split("/")[-2]
    response = client.get(f"{API}/scans/{token}")
    assert response.status_code == 404
    assert "errors" in response.get_json()


def test_multiple_question_accepts_an_empty_list(client, bank):
    body = payload(bank)
    multiple = next(q for q in bank.themes[0].questions if q.type == "multiple")
    body["answers"][multiple.id] = []
    response = post_scan(client, body)
    assert response.status_code == 201
    assert response.get_json()["scores"]["themes"][bank.themes[0].id]["score"] < 100


def test_unknown_top_level_keys_are_refused_by_name(client, bank):
    """A typo like "anwsers" must not pass unnoticed; the document says additionalProperties."""
    response = post_scan(client, payload(bank, extra={"x": 1}))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"extra": "Dit veld bestaat niet."}


def _first(bank, kind="single"):
    return next(q for t in bank.themes for q in t.questions if q.type == kind)


def _case(name, change, key, status=422):
    return pytest.param(change, key, status, id=name)


MALFORMED = [
    _case("answers not an object", lambda b, p: p.update(answers=[1, 2]), "answers"),
    _case("answers missing", lambda b, p: p.pop("answers"), "answers"),
    _case(
        "missing question",
        lambda b, p: p["answers"].pop(_first(b).id),
        lambda b: f"answers.{_first(b).id}",
    ),
    _case(
        "unknown question",
        lambda b, p: p["answers"].update({"bestaat-niet": "x"}),
        "answers.bestaat-niet",
    ),
    _case(
        "option of another question",
        lambda b, p: p["answers"].update(
            {_first(b).id: b.themes[1].questions[0].options[1].id + "-x"}
        ),
        lambda b: f"answers.{_first(b).id}",
    ),
    _case(
        "list for a single question",
        lambda b, p: p["answers"].update({_first(b).id: [_first(b).options[0].id]}),
        lambda b: f"answers.{_first(b).id}",
    ),
    _case(
        "string for a multiple question",
        lambda b, p: p["answers"].update({_first(b, "multiple").id: "geen"}),
        lambda b: f"answers.{_first(b, 'multiple').id}",
    ),
    _case(
        "exclusive combined",
        lambda b, p: p["answers"].update(
            {_first(b, "multiple").id: [_first(b, "multiple").options[0].id, "weet-ik-niet"]}
        ),
        lambda b: f"answers.{_first(b, 'multiple').id}",
    ),
    _case(
        "duplicate options",
        lambda b, p: p["answers"].update(
            {_first(b, "multiple").id: [_first(b, "multiple").options[0].id] * 2}
        ),
        lambda b: f"answers.{_first(b, 'multiple').id}",
    ),
    _case(
        "number as answer",
        lambda b, p: p["answers"].update({_first(b).id: 3}),
        lambda b: f"answers.{_first(b).id}",
    ),
    _case(
        "null as answer",
        lambda b, p: p["answers"].update({_first(b).id: None}),
        lambda b: f"answers.{_first(b).id}",
    ),
    _case("bad postcode", lambda b, p: p["profile"].update(postcode="12345"), "profile.postcode"),
    _case(
        "never issued letters",
        lambda b, p: p["profile"].update(postcode="1234 SS"),
        "profile.postcode",
    ),
    _case(
        "postcode as number", lambda b, p: p["profile"].update(postcode=1234), "profile.postcode"
    ),
    _case(
        "unknown sector", lambda b, p: p["profile"].update(sector="ruimtevaart"), "profile.sector"
    ),
    _case("missing size", lambda b, p: p["profile"].pop("size"), "profile.size"),
    _case(
        "unknown profile key", lambda b, p: p["profile"].update(leeftijd="40"), "profile.leeftijd"
    ),
    _case("profile not an object", lambda b, p: p.update(profile="x"), "profile"),
    _case("partner not a slug", lambda b, p: p.update(partner="KvK Nederland"), "partner"),
    _case("partner a number", lambda b, p: p.update(partner=7), "partner"),
]


@pytest.mark.parametrize(("change", "key", "status"), MALFORMED)
def test_malformed_payload_gets_field_errors_in_dutch(client, bank, openapi, change, key, status):
    body = payload(bank)
    change(bank, body)
    response = post_scan(client, body)
    assert response.status_code == status
    document = response.get_json()
    assert_matches(openapi, "Errors", document)
    expected = key(bank) if callable(key) else key
    assert expected in document["errors"], document["errors"]
    assert document["errors"][expected]  # a message, not an empty string


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        pytest.param(b"{not json", "application/json", 400, id="broken json"),
        pytest.param(b'{"answers": {}}', "text/plain", 400, id="wrong content type"),
        pytest.param(b"", "application/json", 400, id="empty body"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", 400, id="deep nesting"),
        pytest.param(b"1" * 5000, "application/json", 400, id="huge integer"),
        pytest.param(b'"text"', "application/json", 400, id="json string"),
        pytest.param(b"[]", "application/json", 400, id="json list"),
        pytest.param(b"null", "application/json", 400, id="json null"),
        pytest.param(b"\xff\xfe", "application/json", 400, id="not utf-8"),
        pytest.param(b'{"answers": "\\ud800"}', "application/json", 400, id="lone surrogate"),
    ],
)
def test_bodies_that_are_not_a_json_object_answer_400(client, body, content_type, status):
    response = client.post(f"{API}/scans", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["errors"]


def test_body_over_one_mebibyte_answers_413_as_json(client):
    body = json.dumps({"answers": {}, "padding": "x" * (1024 * 1024)})
    response = client.post(f"{API}/scans", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["errors"]


def test_many_unknown_keys_give_a_bounded_error_document(client, bank):
    body = payload(bank)
    body["answers"].update({f"vraag-{i}": "x" for i in range(5000)})
    response = post_scan(client, body)
    assert response.status_code == 422
    assert len(response.get_json()["errors"]) <= 50


def test_unknown_api_route_and_method_answer_json(client):
    response = client.get(f"{API}/bestaat-niet")
    assert response.status_code == 404 and response.get_json()["errors"]
    response = client.put(f"{API}/scans")
    assert response.status_code == 405 and response.get_json()["errors"]


def test_openapi_document_describes_every_api_route(app, openapi):
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", path) for path in openapi["paths"]}
    routes = {
        rule.rule.removeprefix("/api/v1")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") and rule.endpoint != "api.openapi"
    }
    assert routes == documented


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_api_document_says_what_the_result_page_shows(app, client, bank, data):
    """The document is built from the stored result on its own; it must match the page's view."""
    answers = data.draw(answers_strategy(bank))
    postcode = data.draw(st.sampled_from(["3511 AB", "9712 CP", "6211 LE", None]))
    body = {"answers": answers, "profile": valid_profile(bank, postcode=postcode)}
    document = post_scan(client, body).get_json()
    with app.test_request_context():
        scan = find_scan(get_session(), document["token"])
        result = present_result(scan, bank, current_catalogue())
    assert document["scores"]["overall"] == result.overall
    assert document["scores"]["themes"] == {
        t.theme_id: {"score": t.score, "level": {"id": t.level, "name": t.level_name}}
        | {"measured": True}
        if t.score is not None
        else {"score": None, "level": None, "measured": False}
        for t in result.themes
    }
    assert document["advice"] == [
        {
            "id": a.id,
            "title": a.title,
            "kind": a.kind,
            "theme": a.theme_id,
            "reasons": list(a.reasons),
            "because": document["advice"][a.rank - 1]["because"],
            "priority": a.rank,
            "sessions": [],  # no werkplaats has planned any here (issue 20)
        }
        for a in result.advice
    ]
    assert document["safety"] == [
        {"id": c.id, "label": c.label, "status": c.status, "question": c.question}
        for c in result.safety or ()
    ]
    assert document["strengths"] == [
        {"question": s.question_id, "text": s.text} for s in result.strengths
    ]
    assert document["route"] == result.route
    werkplaats = result.werkplaats
    assert document["werkplaats"] == (
        None
        if werkplaats is None
        else {
            "id": werkplaats.id,
            "name": werkplaats.name,
            "city": werkplaats.city,
            "distance_km": werkplaats.distance_km,
        }
    )


def stored_then_changed(app, client, bank, change) -> dict:
    """Post a scan of the lowest answers, then rewrite its stored result with change(result)."""
    created = post_scan(client, payload(bank, pick=lowest_answer)).get_json()
    with app.app_context():
        session = get_session()
        scan = find_scan(session, created["token"])
        scan.result = change(scan.result)
        session.commit()
    return created


def test_advice_removed_from_the_catalogue_since_is_left_out_of_page_and_document(
    app, client, bank
):
    gone = {"id": "uit-de-catalogus", "kind": "training", "theme": "data", "reasons": []}
    created = stored_then_changed(
        app, client, bank, lambda result: {**result, "advice": [gone, *result["advice"]]}
    )
    token = created["token"]
    assert created["advice"], "the lowest answers get advice"
    document = client.get(f"{API}/scans/{token}").get_json()
    assert [a["id"] for a in document["advice"]] == [a["id"] for a in created["advice"]]
    page = client.get(f"/scan/{token}/resultaat")
    assert page.status_code == 200
    assert created["advice"][0]["title"] in page.get_data(as_text=True)


def test_a_result_stored_before_the_safety_check_still_shows(app, client, bank, openapi):
    """Results frozen before 2026-12 have no safety, strengths, because or priority."""

    def before_the_safety_check(result: dict) -> dict:
        old = {k: v for k, v in result.items() if k not in ("safety", "strengths")}
        old["advice"] = [
            {k: v for k, v in a.items() if k not in ("because", "priority")} for a in old["advice"]
        ]
        return old

    created = stored_then_changed(app, client, bank, before_the_safety_check)
    token = created["token"]
    document = client.get(f"{API}/scans/{token}").get_json()
    assert_matches(openapi, "ScanResult", document)
    assert document["safety"] == [] and document["strengths"] == []
    assert [a["priority"] for a in document["advice"]] == list(
        range(1, len(document["advice"]) + 1)
    )
    assert all(a["because"] == [] for a in document["advice"])
    page = client.get(f"/scan/{token}/resultaat")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="veiligheid"' not in html  # no list rather than a list that says "in orde"
    assert created["advice"][0]["title"] in html


def test_a_theme_not_measured_shows_no_score_and_no_level(app, client, bank, openapi):
    """Stored as the scoring leaves it when most questions do not apply: score and level null."""
    not_measured = {"score": None, "level": None, "costliest": []}
    created = stored_then_changed(
        app,
        client,
        bank,
        lambda result: {**result, "themes": {**result["themes"], "data": not_measured}},
    )
    token = created["token"]
    document = client.get(f"{API}/scans/{token}").get_json()
    assert_matches(openapi, "ScanResult", document)
    assert document["scores"]["themes"]["data"] == {"score": None, "level": None, "measured": False}
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    title = bank.themes_by_id["data"].title
    assert f"{title}: niet gemeten" in html
    assert "Past niet bij ons" in html
    assert "Gemiddeld over de 2 gemeten thema’s" in html


def test_a_safety_line_whose_question_left_the_bank_is_left_out_of_page_and_document(
    app, client, bank
):
    gone = {"id": "privacy", "question": "weg-vraag", "answer": "niet", "status": "risk"}

    def with_a_removed_question(result: dict) -> dict:
        return {**result, "safety": [gone, *result["safety"]]}

    created = stored_then_changed(app, client, bank, with_a_removed_question)
    document = client.get(f"{API}/scans/{created['token']}").get_json()
    assert document["safety"] == created["safety"]  # the line is gone from the API too
    html = client.get(f"/scan/{created['token']}/resultaat").get_data(as_text=True)
    assert html.count('class="safety safety-') == len(created["safety"])


def test_the_questionnaire_says_which_sectors_get_a_question_or_option(client, bank, openapi):
    document = client.get(f"{API}/questionnaire").get_json()
    assert_matches(openapi, "Questionnaire", document)
    questions = {q["id"]: q for t in document["themes"] for q in t["questions"]}
    assert questions["auto-werkbon"]["sectors"] == ["bouw"]
    assert questions["osm-website"]["sectors"] is None
    online = questions["osm-online-regelen"]
    platforms = {o["id"]: o.get("sectors") for o in online["options"]}
    assert platforms["bezorgplatform"] == ["horeca"] and platforms["offerte"] is None
    by_sector = online["max_points_by_sector"]
    assert set(by_sector) == set(bank.sector_ids)
    assert by_sector["horeca"] == bank.for_sector("horeca").questions_by_id[online["id"]].max_points
    assert "max_points_by_sector" not in questions["osm-website"]


@pytest.mark.parametrize("sector", ["bouw", "horeca", "webwinkel", "zakelijk"])
def test_every_sector_scores_100_on_its_own_best_answers(client, bank, openapi, sector):
    body = {
        "answers": answers_for(bank, best_answer, sector),
        "profile": valid_profile(bank, sector=sector),
    }
    response = post_scan(client, body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["scores"]["overall"] == 100


def test_a_question_of_another_sector_is_refused_by_name(client, bank):
    body = payload(bank)  # a firm in bouw (valid_profile's first sector)
    body["answers"]["auto-opdrachten"] = "los"
    response = post_scan(client, body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "answers.auto-opdrachten": "Deze vraag hoort niet bij de gekozen sector."
    }
