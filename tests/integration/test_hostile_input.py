"""Generated hostile input: whatever arrives, the app answers a 2xx, 3xx or 4xx, never a 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scan.config import PROJECT_ROOT
from scan.content import load_bank
from scan.records.scans import step_ids
from tests.journey import start_scan, step_formdata
from tests.strategies import answers_for, lowest_answer, valid_profile

BANK = load_bank(PROJECT_ROOT / "vragen")
QUESTION_IDS = list(BANK.questions_by_id)
OPTION_IDS = sorted({o.id for q in BANK.questions_by_id.values() for o in q.options})
PROFILE_IDS = [p.id for p in BANK.profile]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(OPTION_IDS),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
answer_values = st.one_of(
    st.sampled_from(OPTION_IDS), st.lists(st.sampled_from(OPTION_IDS), max_size=4), json_values
)
payloads = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "answers": st.one_of(
                st.dictionaries(
                    st.one_of(st.sampled_from(QUESTION_IDS), st.text(max_size=12)),
                    answer_values,
                    max_size=len(QUESTION_IDS) + 2,
                ),
                json_values,
            ),
        },
        optional={
            "profile": st.one_of(
                st.dictionaries(st.sampled_from(PROFILE_IDS), json_values, max_size=6), json_values
            ),
            "partner": json_values,
        },
    ),
)


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads)
def test_api_never_answers_5xx(unlimited_client, payload):
    client = unlimited_client
    response = client.post(
        "/api/v1/scans", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code in (201, 400, 422), response.get_data(as_text=True)
    document = response.get_json()
    if response.status_code != 201:
        assert document["errors"]
        assert all(isinstance(m, str) and m for m in document["errors"].values())


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=200),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
)
def test_api_survives_arbitrary_bytes(unlimited_client, body, content_type):
    client = unlimited_client
    response = client.post("/api/v1/scans", data=body, content_type=content_type)
    assert response.status_code in (400, 422)


form_values = st.one_of(
    st.sampled_from(OPTION_IDS), st.text(max_size=40), st.lists(st.text(max_size=10), max_size=3)
)


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    step=st.sampled_from(step_ids(BANK)),
    data=st.dictionaries(
        st.one_of(st.sampled_from(QUESTION_IDS + PROFILE_IDS + ["action"]), st.text(max_size=10)),
        form_values,
        max_size=12,
    ),
)
def test_web_steps_never_answer_5xx(unlimited_client, step, data):
    client = unlimited_client
    token = start_scan(client)
    steps = step_ids(BANK)
    for earlier in steps[: steps.index(step)]:
        client.post(f"/scan/{token}/{earlier}", data=step_formdata(BANK, earlier))
    response = client.post(f"/scan/{token}/{step}", data=data)
    # 400: a NUL character in the generated text, refused before anything else.
    assert response.status_code in (303, 400, 422), response.get_data(as_text=True)[:500]
    if response.status_code == 303:
        target = response.headers["Location"].rsplit("/", 1)[-1]
        # Only a complete page moves on; "back" goes to the step before.
        assert target in (*steps[: steps.index(step) + 2], "resultaat")


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.one_of(st.text(max_size=40), st.from_regex(r"[0-9]{4} ?[A-Za-z]{0,2}")))
def test_the_postcode_page_never_answers_5xx(unlimited_client, typed):
    client = unlimited_client
    body = {"answers": answers_for(BANK, lowest_answer), "profile": valid_profile(BANK, None)}
    token = client.post("/api/v1/scans", json=body).get_json()["token"]
    response = client.post(f"/scan/{token}/postcode", data={"postcode": typed})
    # 400: a NUL character in the generated text, refused before anything else.
    assert response.status_code in (303, 400, 422), response.get_data(as_text=True)[:500]


staff_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "intake",
            "done",
            "utrecht",
            "fryslan",
            "landelijk",
            "admin",
            "medewerker",
            "ja",
            "9" * 30,
            "-1",
            "2026-02-30",
            "<script>x</script>",
            "%",
            "\x00",
        ]
    ),
)
STAFF_KEYS = [
    "status",
    "werkplaats",
    "reason",
    "note",
    "thema",
    "route",
    "partner",
    "van",
    "tot",
    "q",
    "pagina",
    "email",
    "name",
    "role",
    "password",
    "active",
    "id",
    "city",
    "lat",
    "lon",
    "claims",
    "source_url",
    "website",
    "offer",
    "institutions",
    "actie",
]


@pytest.fixture
def admin_client(app):
    from tests.staff import csrf_from, make_lead, signed_in_client

    client, _ = signed_in_client(app, "admin")
    lead_id = make_lead(app, "utrecht")
    token = csrf_from(client.get("/medewerkers/aanvragen").get_data(as_text=True))
    return client, lead_id, token


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(
        [
            "/medewerkers/aanvragen/{lead}/status",
            "/medewerkers/aanvragen/{lead}/notitie",
            "/medewerkers/aanvragen/{lead}/doorsturen",
            "/medewerkers/beheer/werkplaatsen/nieuw",
            "/medewerkers/beheer/werkplaatsen/utrecht",
            "/medewerkers/beheer/accounts/nieuw",
            "/medewerkers/aanvragen",
            "/medewerkers/aanvragen/export.csv",
            "/medewerkers/cijfers",
            "/medewerkers/beheer/logboek",
        ]
    ),
    data=st.dictionaries(st.sampled_from(STAFF_KEYS), staff_values, max_size=8),
)
def test_staff_forms_and_filters_never_answer_5xx(admin_client, target, data):
    client, lead_id, token = admin_client
    url = target.format(lead=lead_id)
    if (
        "aanvragen/" in url
        and url.split("/")[-1] in ("status", "notitie", "doorsturen")
        or ("beheer" in url and url.endswith(("nieuw", "utrecht")))
    ):
        response = client.post(url, data={**data, "csrf_token": token})
    else:
        response = client.get(url, query_string=data)
    assert response.status_code < 500, (url, data, response.status_code)
    response.close()


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("get", "/medewerkers/inloggen?next=%00", {}),
        ("get", "/?partner=k%00vk", {}),
        ("post", "/scan", {"data": {"partner": "kv\x00k"}}),
    ],
)
def test_nul_characters_are_refused_with_a_dutch_400(client, method, url, kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "onzichtbaar teken" in text or "onzichtbaar" in text


@pytest.mark.parametrize("character", ["\\u0000", "\\u001b", "\\u009b", "\\u202e"])
def test_control_characters_in_api_fields_are_refused_by_name_with_422(client, bank, character):
    """A JSON body that parses is judged field by field, the same way a NUL or an ESC."""
    from tests.journey import api_scan

    token = api_scan(client, bank)
    # Written as JSON text: the escape reaches the parser as a partner would send it.
    body = '{"name": "A' + character + 'B", "company": "C", "email": "a@b.nl", "consent": true}'
    response = client.post(
        f"/api/v1/scans/{token}/lead", data=body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "onzichtbaar teken" in response.get_json()["errors"]["name"]


def test_contact_form_with_nul_is_refused_not_stored(client, bank):
    from tests.journey import complete_scan

    token = complete_scan(client, bank)
    response = client.post(
        f"/scan/{token}/contact",
        data={"name": "A\x00B", "company": "C", "email": "a@b.nl", "consent": "ja"},
    )
    assert response.status_code == 400


#: A NUL, an ESC (C0), a C1 control (CSI, U+009B, UTF-8 C2 9B) and a right-to-left override,
#: percent-encoded as they arrive in a URL.
PATH_CONTROLS = {"nul": "%00", "esc": "%1B", "c1": "%C2%9B", "bidi": "%E2%80%AE"}
#: Where they may turn up: a scan's pages, the API, the staff area, and paths nothing routes.
HOSTILE_PATHS = [
    ("get", "/scan/abc{c}def/profiel"),
    ("post", "/scan/abc{c}def/contact"),
    ("get", "/embed/scan/abc{c}def/profiel"),
    ("get", "/medewerkers/aanvragen/1{c}"),
    ("get", "/bestaat{c}niet"),
    ("get", "/api/v1/scans/abc{c}def"),
    ("delete", "/api/v1/scans/abc{c}def"),
    ("post", "/api/v1/scans/abc{c}def/lead"),
    ("get", "/api/v1/bestaat{c}niet"),
]


@pytest.mark.parametrize("character", list(PATH_CONTROLS.values()), ids=list(PATH_CONTROLS))
@pytest.mark.parametrize(("method", "path"), HOSTILE_PATHS, ids=[p for _, p in HOSTILE_PATHS])
def test_control_characters_in_the_url_path_are_refused_with_a_dutch_400(
    client, method, path, character
):
    url = path.format(c=character)
    kwargs = {"json": {"name": "A"}} if url.startswith("/api/") and method == "post" else {}
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400, (url, response.status_code)
    if url.startswith("/api/"):
        assert response.is_json
        errors = response.get_json()["errors"]
        assert errors and "onzichtbaar teken" in " ".join(errors.values())
    else:
        html = response.get_data(as_text=True)
        assert "Er staat een onzichtbaar teken in je invoer" in html
        assert 'lang="nl"' in html
