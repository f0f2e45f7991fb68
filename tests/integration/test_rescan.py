"""Re-scan (issue 17, part 1 and the web side of 2 and 6): start again pre-filled, see what
changed, erase and keep a chain as one."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from scan.db import database
from scan.domain.steps_taken import NONE_ID, QUESTION_ID, STEP
from scan.models import Lead, Scan, utcnow
from scan.records.scans import step_ids
from tests.journey import CONTACT, complete_scan, count
from tests.openapi import assert_matches
from tests.strategies import asked, best_answer, lowest_answer


def stored(app, token: str) -> Scan:
    with database(app).sessions() as session:
        return session.scalars(select(Scan).where(Scan.token == token)).one()


def rescan(client, token: str):
    """Press "Doe de scan opnieuw" on the result page (the client sends the page's token)."""
    return client.post(f"/scan/{token}/opnieuw")


def safety_question(bank):
    """The first safety item and the id of its question."""
    item = bank.safety[0]
    return item, item.question


def finish(client, bank, token: str, pick, taken=(NONE_ID,)) -> None:
    """Send every step of a re-scan: the steps `taken`, then the answers `pick` chooses."""
    from tests.journey import step_formdata

    if client.get(f"/scan/{token}").headers["Location"].endswith(f"/{STEP}"):
        response = client.post(f"/scan/{token}/{STEP}", data={QUESTION_ID: list(taken)})
        assert response.status_code == 303, response.get_data(as_text=True)
    for step in step_ids(bank):
        response = client.post(f"/scan/{token}/{step}", data=step_formdata(bank, step, pick))
        assert response.status_code == 303, response.get_data(as_text=True)


def safety_fixed_on_rescan(client, bank):
    """A weakest scan, then its re-scan with the first safety item's answer now the best."""
    first = complete_scan(client, bank, lowest_answer)
    item, question_id = safety_question(bank)
    second = rescan(client, first).headers["Location"].split("/")[-2]

    def better(question):
        return best_answer(question) if question.id == question_id else lowest_answer(question)

    finish(client, bank, second, better)
    return first, second, item, question_id


def test_a_rescan_starts_filled_in_and_linked_to_the_earlier_scan(app, client, bank):
    first = complete_scan(client, bank, lowest_answer)
    response = rescan(client, first)
    assert response.status_code == 303
    second = response.headers["Location"].split("/")[-2]
    # First: which of the earlier advice did you take up? Then every step again.
    assert response.headers["Location"].endswith(f"/scan/{second}/{STEP}")
    assert second != first
    earlier, again = stored(app, first), stored(app, second)
    assert again.previous_token == first and again.status == "draft"
    assert again.answers == earlier.answers and again.profile == earlier.profile
    assert again.steps_done == []  # every step is shown again, to change what changed
    client.post(f"/scan/{second}/{STEP}", data={QUESTION_ID: NONE_ID})
    # The pages show the earlier answers ticked: the profile, and each theme once reached.
    page = client.get(f"/scan/{second}/profiel").get_data(as_text=True)
    assert re.search(rf'name="sector" value="{earlier.profile["sector"]}"\s+checked', page)
    client.post(f"/scan/{second}/profiel", data=earlier.profile | {"postcode": "3511 AB"})
    theme = asked(bank).themes[0]
    question = theme.questions[0]
    page = client.get(f"/scan/{second}/{theme.id}").get_data(as_text=True)
    chosen = earlier.answers[question.id]
    assert re.search(rf'name="{question.id}" value="{chosen}"\s+checked', page)


def test_the_rescan_result_says_what_changed_in_words(app, client, bank):
    first, second, item, question_id = safety_fixed_on_rescan(client, bank)
    html = client.get(f"/scan/{second}/resultaat").get_data(as_text=True)
    assert "Wat is er veranderd sinds je vorige scan?" in html
    question = asked(bank).questions_by_id[question_id]
    before = question.options_by_id[lowest_answer(question)].label
    after = question.options_by_id[best_answer(question)].label
    assert f"Van ‘{before}’ naar ‘{after}’." in html
    assert "Nu op orde" in html and item.label in html
    theme = next(t for t in asked(bank).themes if question_id in t.questions_by_id)
    earlier, again = stored(app, first), stored(app, second)
    delta = again.result["themes"][theme.id]["score"] - earlier.result["themes"][theme.id]["score"]
    assert delta > 0 and f"+{delta}" in html
    # The earlier result shows no comparison: it was the first.
    assert "Wat is er veranderd" not in client.get(f"/scan/{first}/resultaat").get_data(
        as_text=True
    )


def test_a_rescan_needs_the_pages_form_token(app, bank):
    client = app.test_client()
    first = complete_scan(client, bank)
    from flask.testing import FlaskClient

    plain = FlaskClient(app)  # a post that did not come from our result page
    response = plain.post(f"/scan/{first}/opnieuw")
    assert response.status_code == 400
    assert "Verstuur het formulier opnieuw" in response.get_data(as_text=True)
    assert count(app, Scan) == 1


def test_answers_the_bank_no_longer_has_are_not_carried_over(app, client, bank):
    first = complete_scan(client, bank, lowest_answer)
    with database(app).sessions() as session:
        earlier = session.scalars(select(Scan).where(Scan.token == first)).one()
        earlier.answers = {**earlier.answers, "een-vraag-van-vroeger": "ja"}
        earlier.bank_version = "2025.01-1"
        session.commit()
    second = rescan(client, first).headers["Location"].split("/")[-2]
    assert "een-vraag-van-vroeger" not in stored(app, second).answers
    finish(client, bank, second, lowest_answer)
    html = client.get(f"/scan/{second}/resultaat").get_data(as_text=True)
    assert "We vergelijken alleen de vragen die in allebei stonden." in html
    assert "Je gaf dezelfde antwoorden als vorige keer." in html


def test_erasing_any_scan_of_a_chain_erases_all_of_it(app, client, bank):
    first = complete_scan(client, bank)
    assert (
        client.post(f"/scan/{first}/contact", data={**CONTACT, "consent": "ja"}).status_code == 303
    )
    second = rescan(client, first).headers["Location"].split("/")[-2]
    finish(client, bank, second, best_answer)
    page = client.get(f"/scan/{second}/verwijderen").get_data(as_text=True)
    assert "die andere scan" in page and "contactgegevens" in page
    assert client.post(f"/scan/{second}/verwijderen").status_code == 303
    assert count(app, Scan) == 0 and count(app, Lead) == 0
    # Through the API, from the other end of a chain.
    third = complete_scan(client, bank)
    fourth = rescan(client, third).headers["Location"].split("/")[-2]
    assert client.delete(f"/api/v1/scans/{third}").status_code == 204
    assert client.get(f"/scan/{fourth}/profiel").status_code == 404
    assert count(app, Scan) == 0


def test_retention_counts_from_the_newest_scan_of_a_chain(app, client, bank):
    first = complete_scan(client, bank)
    second = rescan(client, first).headers["Location"].split("/")[-2]
    finish(client, bank, second, best_answer)
    with database(app).sessions() as session:
        earlier = session.scalars(select(Scan).where(Scan.token == first)).one()
        earlier.completed_at = utcnow() - timedelta(days=3 * 365)
        session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["purge"]).exit_code == 0
    assert count(app, Scan) == 2  # the old one stays while its re-scan stays
    with database(app).sessions() as session:
        again = session.scalars(select(Scan).where(Scan.token == second)).one()
        again.completed_at = utcnow() - timedelta(days=3 * 365)
        session.commit()
    runner.invoke(args=["purge"])
    runner.invoke(args=["purge"])
    assert count(app, Scan) == 0


def test_a_rescan_started_in_the_embed_stays_in_the_embed(app, client, bank):
    first = complete_scan(client, bank, lowest_answer)
    page = client.get(f"/embed/scan/{first}/resultaat").get_data(as_text=True)
    assert f'action="/embed/scan/{first}/opnieuw"' in page
    response = client.post(f"/embed/scan/{first}/opnieuw")
    assert response.status_code == 303
    assert re.search(rf"^/embed/scan/[^/]+/{STEP}$", response.headers["Location"])


def test_the_comparison_chart_shows_both_scans_per_theme(client, bank):
    first = complete_scan(client, bank, lowest_answer)
    second = rescan(client, first).headers["Location"].split("/")[-2]
    finish(client, bank, second, best_answer)
    html = client.get(f"/scan/{second}/resultaat").get_data(as_text=True)
    chart = html[
        html.index('id="vergelijking-title"') : html.index("</svg>", html.index("vergelijking"))
    ]
    for theme in asked(bank).themes:
        assert f"{theme.title}, vorige keer: " in chart and f"{theme.title}, nu: " in chart


def test_the_api_shows_a_rescans_comparison_as_documented(client, bank):
    first, second, item, question_id = safety_fixed_on_rescan(client, bank)
    openapi = client.get("/api/v1/openapi.json").get_json()
    document = client.get(f"/api/v1/scans/{second}").get_json()
    assert_matches(openapi, "ScanResult", document)
    found = document["comparison"]
    assert found["previous_token"] == first and found["partial"] is False
    question = asked(bank).questions_by_id[question_id]
    assert found["changed_answers"] == [
        {"question": question_id, "before": lowest_answer(question), "after": best_answer(question)}
    ]
    assert item.id in found["resolved_safety"]
    theme = next(t for t in asked(bank).themes if question_id in t.questions_by_id)
    assert found["themes"][theme.id]["delta"] > 0
    earlier = client.get(f"/api/v1/scans/{first}").get_json()
    assert earlier["comparison"] is None
    assert_matches(openapi, "ScanResult", earlier)


def advice_titles(app, catalogue, token: str) -> list[str]:
    """The titles of a stored scan's advice, in its order."""
    return [catalogue.items_by_id[a["id"]].title for a in stored(app, token).result["advice"]]


def test_a_rescan_first_asks_which_of_the_earlier_advice_was_taken(app, client, bank, catalogue):
    first = complete_scan(client, bank, lowest_answer)
    second = rescan(client, first).headers["Location"].split("/")[-2]
    page = client.get(f"/scan/{second}/{STEP}").get_data(as_text=True)
    assert "Welke van deze stappen heb je sinds de vorige scan gezet?" in page
    assert "Stap 1 van 5" in page  # the question is a step of its own, before the four
    labels = re.findall(r'<label for="stappen-gezet-\d+">([^<]+)</label>', page)
    titles = advice_titles(app, catalogue, first)
    assert titles and labels == [*titles, "Geen van deze", "Weet ik niet"]
    advice_ids = [a["id"] for a in stored(app, first).result["advice"]]
    # Nothing chosen, or "Geen" with an advice: the page comes back with what was ticked.
    assert client.post(f"/scan/{second}/{STEP}", data={}).status_code == 422
    response = client.post(f"/scan/{second}/{STEP}", data={QUESTION_ID: [advice_ids[0], NONE_ID]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Geen van deze&#39; kun je niet samen met andere antwoorden kiezen." in html
    assert re.search(rf'value="{advice_ids[0]}"\s+checked', html)
    assert stored(app, second).steps_taken is None
    taken = advice_ids[:2]
    response = client.post(f"/scan/{second}/{STEP}", data={QUESTION_ID: taken})
    assert response.status_code == 303 and response.headers["Location"].endswith("/profiel")
    assert stored(app, second).steps_taken == taken
    # Shown again with the choice ticked, and listed on the result with the change.
    page = client.get(f"/scan/{second}/{STEP}").get_data(as_text=True)
    assert all(re.search(rf'value="{i}"\s+checked', page) for i in taken)
    finish(client, bank, second, lowest_answer)
    html = client.get(f"/scan/{second}/resultaat").get_data(as_text=True)
    section = html[html.index("Stappen die je hebt gezet") :]
    assert all(title in section[: section.index("</ul>")] for title in titles[:2])
    assert client.get(f"/api/v1/scans/{second}").get_json()["comparison"]["steps_taken"] == taken


def test_a_rescan_says_so_when_no_advice_was_taken_or_it_is_not_known(app, client, bank):
    first = complete_scan(client, bank, lowest_answer)
    for answer, words in (
        (NONE_ID, "nog geen van de adviezen van vorige keer hebt opgepakt"),
        ("weet-ik-niet", "niet zeker welke adviezen van vorige keer je hebt opgepakt"),
    ):
        second = rescan(client, first).headers["Location"].split("/")[-2]
        finish(client, bank, second, lowest_answer, taken=(answer,))
        html = client.get(f"/scan/{second}/resultaat").get_data(as_text=True)
        assert words in html and "Stappen die je hebt gezet" not in html
        assert client.get(f"/api/v1/scans/{second}").get_json()["comparison"]["steps_taken"] == []


def test_without_earlier_advice_the_rescan_skips_the_question(app, client, bank):
    first = complete_scan(client, bank, best_answer)
    assert stored(app, first).result["advice"] == []
    response = rescan(client, first)
    second = response.headers["Location"].split("/")[-2]
    assert response.headers["Location"].endswith(f"/scan/{second}/profiel")
    assert client.get(f"/scan/{second}/{STEP}").status_code == 303
    assert "Stap 1 van 4" in client.get(f"/scan/{second}/profiel").get_data(as_text=True)
    assert stored(app, second).steps_taken == []


def test_the_steps_question_comes_back_whole_when_the_database_is_down(
    make_app, tmp_path, bank, catalogue
):
    down = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'weg' / 'scan.db'}")
    offered = [item.id for item in catalogue.items[:3]]
    from scan.journey.forgery import issue_form_token

    with down.test_request_context():
        form_token = issue_form_token("t" * 43)
    data = {"form_token": form_token, "offered": offered, "rescan": "1", QUESTION_ID: offered[1]}
    response = down.test_client().post("/scan/" + "t" * 43 + f"/{STEP}", data=data)
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    labels = re.findall(r'<label for="stappen-gezet-\d+">([^<]+)</label>', html)
    assert labels == [
        *(catalogue.items_by_id[i].title for i in offered),
        "Geen van deze",
        "Weet ik niet",
    ]
    assert re.search(rf'value="{offered[1]}"\s+checked', html)
    assert "Stap 1 van 5" in html
