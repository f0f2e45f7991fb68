"""Re-scan through the API (issue 17, part 3): "previous" and "steps_taken" on POST /scans,
"comparison" on the result, and a Dutch 422 per field for every token that cannot be re-done."""

from __future__ import annotations

import pytest

from scan.domain.steps_taken import NONE_ID
from scan.models import Scan
from tests.journey import api_scan, count, start_scan
from tests.openapi import assert_matches
from tests.strategies import answers_for, best_answer, lowest_answer, valid_profile

API = "/api/v1"


def submission(bank, pick=best_answer, **extra) -> dict:
    """A complete, valid body for POST /scans."""
    return {"answers": answers_for(bank, pick), "profile": valid_profile(bank)} | extra


def advice_ids(client, token: str) -> list[str]:
    return [a["id"] for a in client.get(f"{API}/scans/{token}").get_json()["advice"]]


def test_a_rescan_sent_with_previous_carries_its_comparison(client, bank):
    first = api_scan(client, bank)  # lowest answers: much advice
    taken = advice_ids(client, first)[:2]
    response = client.post(f"{API}/scans", json=submission(bank, previous=first, steps_taken=taken))
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    openapi = client.get(f"{API}/openapi.json").get_json()
    assert_matches(openapi, "ScanResult", document)
    found = document["comparison"]
    assert found["previous_token"] == first and found["steps_taken"] == taken
    before = client.get(f"{API}/scans/{first}").get_json()["scores"]
    for theme_id, change in found["themes"].items():
        assert change["before"] == before["themes"][theme_id]["score"]
        assert change["after"] == document["scores"]["themes"][theme_id]["score"]
        assert change["delta"] == change["after"] - change["before"] > 0
    assert found["overall"]["before"] == before["overall"]
    assert client.get(f"{API}/scans/{document['token']}").get_json()["comparison"] == found
    # The re-scan's own page shows the steps too; erasing it erases the chain.
    html = client.get(f"/scan/{document['token']}/resultaat").get_data(as_text=True)
    assert "Stappen die je hebt gezet" in html
    assert client.delete(f"{API}/scans/{document['token']}").status_code == 204
    assert client.get(f"{API}/scans/{first}").status_code == 404


def test_previous_without_steps_taken_reports_none(client, bank):
    first = api_scan(client, bank)
    response = client.post(f"{API}/scans", json=submission(bank, previous=first))
    assert response.status_code == 201
    assert response.get_json()["comparison"]["steps_taken"] == []
    assert client.post(f"{API}/scans", json=submission(bank)).get_json()["comparison"] is None


def _erased(client, bank) -> str:
    token = api_scan(client, bank)
    assert client.delete(f"{API}/scans/{token}").status_code == 204
    return token


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        (lambda client, bank: "x" * 43, "Er is geen afgeronde scan met dit token."),
        (_erased, "Er is geen afgeronde scan met dit token."),
        (lambda client, bank: start_scan(client), "Er is geen afgeronde scan met dit token."),
        (lambda client, bank: "te kort", "Dit is geen token van een scan."),
        (lambda client, bank: 42, "Dit is geen token van een scan."),
    ],
    ids=["unknown", "erased", "unfinished", "malformed", "not-a-string"],
)
def test_a_previous_that_cannot_be_redone_answers_422(client, bank, previous, message):
    token = previous(client, bank)
    scans = count(client.application, Scan)
    response = client.post(f"{API}/scans", json=submission(bank, previous=token))
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"previous": message}}
    assert count(client.application, Scan) == scans  # nothing stored


def test_steps_taken_must_be_advice_the_previous_scan_gave(client, bank, catalogue):
    first = api_scan(client, bank)
    given = advice_ids(client, first)
    other = next(item.id for item in catalogue.items if item.id not in given)
    cases = {
        "not-advised": ([other], "Een van deze id's is geen advies dat de vorige scan gaf."),
        "unknown": (["bestaat-niet"], "Een van deze id's is geen advies dat de vorige scan gaf."),
        "none-and-advice": (
            [given[0], NONE_ID],
            "'Geen van deze' kun je niet samen met andere antwoorden kiezen.",
        ),
        "twice": ([given[0], given[0]], "Je hebt een advies meer dan één keer genoemd."),
        "not-a-list": (given[0], "Geef een lijst met advies-id's (die mag leeg zijn)."),
    }
    for name, (steps, message) in cases.items():
        body = submission(bank, previous=first, steps_taken=steps)
        response = client.post(f"{API}/scans", json=body)
        assert response.status_code == 422, name
        assert response.get_json() == {"errors": {"steps_taken": message}}, name
    response = client.post(f"{API}/scans", json=submission(bank, steps_taken=[NONE_ID]))
    assert response.get_json() == {
        "errors": {"steps_taken": "Geef ook 'previous': de stappen horen bij een eerdere scan."}
    }


def test_a_previous_without_advice_takes_only_none_or_dont_know(client, bank):
    body = submission(bank, best_answer)
    first = client.post(f"{API}/scans", json=body).get_json()["token"]
    assert advice_ids(client, first) == []
    for steps, status in (([], 201), ([NONE_ID], 201), (["weet-ik-niet"], 201), (["x"], 422)):
        response = client.post(
            f"{API}/scans", json=submission(bank, lowest_answer, previous=first, steps_taken=steps)
        )
        assert response.status_code == status, steps
    assert response.get_json()["errors"]["steps_taken"].startswith("De vorige scan gaf geen")
