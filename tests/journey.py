"""Drive the web journey through the Flask test client."""

from __future__ import annotations

from sqlalchemy import func, select

from scan.content import Bank
from scan.db import database
from scan.records.scans import PROFILE_STEP, step_ids
from tests.strategies import answers_for, asked, best_answer, lowest_answer, valid_profile


def start_scan(client, partner: str | None = None) -> str:
    """Press the start button and return the new scan's token."""
    response = client.post("/scan", data={"partner": partner} if partner else {})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith(f"/{PROFILE_STEP}")
    return location.split("/")[-2]


def step_formdata(bank: Bank, step: str, pick=best_answer, postcode: str = "3511 AB") -> dict:
    """Form data that answers every question of a step."""
    if step == PROFILE_STEP:
        return valid_profile(bank, postcode)
    theme = asked(bank).themes_by_id[step]
    return {q.id: pick(q) for q in theme.all_questions}


def complete_scan(client, bank: Bank, pick=best_answer) -> str:
    """Walk through every step and return the token of the completed scan."""
    token = start_scan(client)
    for step in step_ids(bank):
        response = client.post(f"/scan/{token}/{step}", data=step_formdata(bank, step, pick))
        assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/scan/{token}/resultaat")
    return token


def api_scan(client, bank: Bank, postcode: str = "8911 AB") -> str:
    """Submit a complete scan (lowest answers) through the API and return its token."""
    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank, postcode)}
    response = client.post("/api/v1/scans", json=body)
    assert response.status_code == 201
    return response.get_json()["token"]


#: Contact details as an ondernemer types them in the contact form.
CONTACT = {
    "name": "Fatima de Vries",
    "company": "Bakkerij De Korenschoof",
    "email": "fatima@korenschoof.test",
    "phone": "06 12345678",
    "kvk": "1234 5678",
    "message": "Hoe krijg ik online bestellen voor elkaar?",
}


def count(app, model) -> int:
    """Count the stored rows of a model."""
    with database(app).sessions() as session:
        return session.scalar(select(func.count()).select_from(model))
