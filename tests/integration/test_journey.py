"""The anonymous web journey through the Flask client: start, steps, errors, back, resume."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from scan.db import database
from scan.models import Scan
from scan.records.scans import step_ids
from tests.journey import complete_scan, start_scan, step_formdata
from tests.strategies import answers_for, best_answer, lowest_answer, valid_profile


def stored_scan(app, token: str) -> Scan:
    with database(app).sessions() as session:
        return session.scalars(select(Scan).where(Scan.token == token)).one()


def count_scans(app) -> int:
    with database(app).sessions() as session:
        return session.scalar(select(func.count()).select_from(Scan))


def checked_values(html: str, name: str) -> set[str]:
    pattern = (
        rf'<input type="(?:radio|checkbox)" id="[^"]+" name="{re.escape(name)}"'
        r' value="([^"]+)"\s+checked'
    )
    return set(re.findall(pattern, html))


def test_landing_explains_the_scan_and_starts_with_a_post(client, bank):
    html = client.get("/").get_data(as_text=True)
    assert f"{bank.minutes.min} tot {bank.minutes.max} minuten" in html
    assert "zonder naam" in html.lower() and "anoniem" not in html.lower()
    assert re.search(r'<form method="post" action="/scan"', html)
    # A GET on the start address creates nothing: it is sent to the landing page.
    for prefix in ("", "/embed"):
        response = client.get(f"{prefix}/scan")
        assert response.status_code == 303
        assert response.headers["Location"] == f"{prefix}/"
    # The partner and the embedding page come along.
    response = client.get("/embed/scan?partner=kvk&origin=https://www.kvk.nl")
    assert response.headers["Location"] == "/embed/?partner=kvk&origin=https://www.kvk.nl"


def test_get_requests_create_no_drafts(app, client):
    client.get("/")
    client.get("/?partner=kvk")
    client.get("/scan")
    assert count_scans(app) == 0


def test_start_creates_a_draft_with_an_unguessable_token(app, client):
    token = start_scan(client)
    assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
    scan = stored_scan(app, token)
    assert scan.status == "draft"
    assert scan.bank_version == app.extensions["scan.bank"].version


def test_partner_is_carried_from_landing_to_the_draft(app, client):
    assert 'name="partner" value="kvk"' in client.get("/?partner=kvk").get_data(as_text=True)
    token = start_scan(client, partner="kvk")
    assert stored_scan(app, token).partner == "kvk"


def test_malformed_partner_is_dropped(app, client):
    assert 'name="partner"' not in client.get("/?partner=<script>").get_data(as_text=True)
    token = start_scan(client, partner="Not a slug!")
    assert stored_scan(app, token).partner is None


def test_progress_indicator_counts_the_steps(client, bank):
    token = start_scan(client)
    html = client.get(f"/scan/{token}/profiel").get_data(as_text=True)
    assert f"Stap 1 van {len(step_ids(bank))}" in html
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    html = client.get(f"/scan/{token}/{bank.themes[0].id}").get_data(as_text=True)
    assert "Stap 2 van 4" in html


def test_full_journey_scores_and_shows_the_result(app, client, bank):
    token = complete_scan(client, bank, best_answer)
    scan = stored_scan(app, token)
    assert scan.status == "completed" and scan.completed_at is not None
    assert scan.result["overall"] == 100
    assert scan.profile["postcode"] == "3511"  # only the four digits are kept
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert "kom je uit op 100," in html
    for theme in bank.themes:
        assert theme.title in html
        assert theme.level(4).name in html


def test_result_names_the_questions_that_cost_most(client, bank):
    token = complete_scan(client, bank, lowest_answer)
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert "kom je uit op 0," in html
    for theme in bank.themes:
        assert theme.level(1).name in html
    costly = max(bank.themes[0].questions, key=lambda q: q.max_points)
    assert costly.text in html


def test_missing_answers_show_a_dutch_error_summary_and_keep_the_rest(app, client, bank):
    token = start_scan(client)
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    theme = bank.themes[0]
    data = step_formdata(bank, theme.id)
    skipped = theme.questions[1]
    del data[skipped.id]
    response = client.post(f"/scan/{token}/{theme.id}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Fout:" in html
    assert 'class="error-summary"' in html
    assert f'href="#{skipped.id}-0"' in html
    assert f'id="{skipped.id}-0"' in html
    assert "Kies een antwoord" in html
    kept = theme.questions[0]
    assert checked_values(html, kept.id) == {best_answer(kept)}
    # The valid answers are stored too: closing the browser now loses nothing.
    assert stored_scan(app, token).answers[kept.id] == best_answer(kept)


def test_bad_postcode_is_refused_in_dutch_and_kept_in_the_field(client, bank):
    token = start_scan(client)
    data = step_formdata(bank, "profiel", postcode="0123 AB")
    response = client.post(f"/scan/{token}/profiel", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "begint niet met een 0" in html
    assert 'value="0123 AB"' in html
    assert 'autocomplete="postal-code"' in html


def test_empty_postcode_is_allowed(app, client, bank):
    token = start_scan(client)
    response = client.post(
        f"/scan/{token}/profiel", data=step_formdata(bank, "profiel", postcode="")
    )
    assert response.status_code == 303
    assert stored_scan(app, token).profile["postcode"] is None


def test_exclusive_option_cannot_be_combined(client, bank):
    token = start_scan(client)
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    theme = bank.themes[0]
    multiple = next(q for q in theme.questions if q.type == "multiple")
    data = step_formdata(bank, theme.id)
    data[multiple.id] = [multiple.options[0].id, "weet-ik-niet"]
    response = client.post(f"/scan/{token}/{theme.id}", data=data)
    assert response.status_code == 422
    assert "kun je niet samen met andere antwoorden kiezen" in response.get_data(as_text=True)


def test_unchecked_multiple_question_asks_for_an_explicit_choice(client, bank):
    token = start_scan(client)
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    theme = bank.themes[0]
    multiple = next(q for q in theme.questions if q.type == "multiple")
    data = step_formdata(bank, theme.id)
    del data[multiple.id]
    response = client.post(f"/scan/{token}/{theme.id}", data=data)
    assert response.status_code == 422
    assert "Kies minstens één antwoord" in response.get_data(as_text=True)


def test_option_of_another_question_is_refused(client, bank):
    token = start_scan(client)
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    theme = bank.themes[0]
    data = step_formdata(bank, theme.id)
    data[theme.questions[0].id] = "<script>alert(1)</script>"
    response = client.post(f"/scan/{token}/{theme.id}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "hoort niet bij deze vraag" in html
    assert "<script>alert(1)" not in html


def test_back_button_keeps_the_answers_of_both_pages(app, client, bank):
    token = start_scan(client)
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    theme = bank.themes[0]
    first = theme.questions[0]
    response = client.post(
        f"/scan/{token}/{theme.id}", data={first.id: best_answer(first), "action": "back"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/scan/{token}/profiel")
    profile_html = client.get(f"/scan/{token}/profiel").get_data(as_text=True)
    sector = bank.profile_by_id["sector"]
    assert checked_values(profile_html, "sector") == {sector.options[0].id}
    assert 'value="3511"' in profile_html
    theme_html = client.get(f"/scan/{token}/{theme.id}").get_data(as_text=True)
    assert checked_values(theme_html, first.id) == {best_answer(first)}


def test_back_with_an_answer_that_cannot_be_stored_shows_it_instead_of_losing_it(client, bank):
    token = start_scan(client)
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    theme = bank.themes[0]
    multiple = next(q for q in theme.questions if q.type == "multiple")
    combination = [multiple.options[0].id, "weet-ik-niet"]
    response = client.post(
        f"/scan/{token}/{theme.id}", data={multiple.id: combination, "action": "back"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "kun je niet samen met andere antwoorden kiezen" in html
    assert checked_values(html, multiple.id) == set(combination)
    assert "Kies een antwoord" not in html  # unanswered questions may wait when going back


def test_resume_link_continues_at_the_first_unfinished_step(client, bank):
    token = start_scan(client)
    client.post(f"/scan/{token}/profiel", data=step_formdata(bank, "profiel"))
    fresh = client.application.test_client()  # a browser that was closed: nothing shared
    response = fresh.get(f"/scan/{token}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/scan/{token}/{bank.themes[0].id}")
    html = fresh.get(f"/scan/{token}/profiel").get_data(as_text=True)
    assert checked_values(html, "sector") == {bank.profile_by_id["sector"].options[0].id}


def test_steps_cannot_be_skipped(client, bank):
    token = start_scan(client)
    last = bank.themes[-1].id
    response = client.get(f"/scan/{token}/{last}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/scan/{token}/profiel")
    client.get(response.headers["Location"])  # the browser shows the profile step
    # A form of the last step, made by hand with the profile page's token: sent back.
    response = client.post(f"/scan/{token}/{last}", data=step_formdata(bank, last))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/scan/{token}/profiel")


def test_unfinished_result_redirects_to_the_open_step(client):
    token = start_scan(client)
    response = client.get(f"/scan/{token}/resultaat")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/scan/{token}/profiel")


def test_completed_scan_steps_lead_to_the_result(client, bank):
    token = complete_scan(client, bank)
    response = client.get(f"/scan/{token}/profiel")
    assert response.headers["Location"].endswith(f"/scan/{token}/resultaat")


def test_unknown_token_and_step_answer_a_dutch_404(client):
    response = client.get("/scan/" + "x" * 43 + "/profiel")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)
    token = start_scan(client)
    assert client.get(f"/scan/{token}/onbekend").status_code == 404
    assert client.get("/scan/kort/resultaat").status_code == 404


def test_journey_sets_no_cookie_and_forbids_caching_and_framing(client, bank):
    responses = [client.get("/"), client.post("/scan")]
    token = responses[-1].headers["Location"].split("/")[-2]
    for step in step_ids(bank):
        responses.append(client.get(f"/scan/{token}/{step}"))
        responses.append(client.post(f"/scan/{token}/{step}", data=step_formdata(bank, step)))
    responses.append(client.get(f"/scan/{token}/resultaat"))
    for response in responses:
        assert "Set-Cookie" not in response.headers
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "same-origin"
    for response in responses[2:]:
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get_cookie("session") is None


def test_pages_load_nothing_from_another_host(client, bank):
    token = complete_scan(client, bank)
    pages = ["/", f"/scan/{token}/profiel", f"/scan/{token}/resultaat", "/privacy"]
    for page in pages:
        html = client.get(page, follow_redirects=True).get_data(as_text=True)
        # What a browser fetches by itself: src attributes and <link href>. Links in <a> are
        # only followed when the ondernemer clicks them.
        loaded = re.findall(r'\ssrc="([^"]+)"', html) + re.findall(
            r'<link[^>]*href="([^"]+)"', html
        )
        assert loaded
        for resource in loaded:
            assert resource.startswith("/"), resource
        assert "@import" not in html and "url(http" not in html


def test_oversized_form_is_refused(client, bank):
    token = start_scan(client)
    response = client.post(f"/scan/{token}/profiel", data={"sector": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Te veel gegevens" in response.get_data(as_text=True)


def test_a_form_without_its_token_stores_nothing_and_keeps_the_choices(app, client, bank):
    token = start_scan(client)
    data = step_formdata(bank, "profiel")
    for form_token in ("", "verzonnen", "x" * 80):
        response = client.post(f"/scan/{token}/profiel", data={**data, "form_token": form_token})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "Verstuur het formulier opnieuw" in html
        assert checked_values(html, "sector") == {data["sector"]}  # nothing typed is lost
        assert 'name="form_token" value="' in html  # a fresh token to send it again
    assert stored_scan(app, token).profile == {}
    other = start_scan(client)
    with app.test_request_context():
        from scan.journey.forgery import issue_form_token

        foreign = issue_form_token(other)
    refused = client.post(f"/scan/{token}/profiel", data={**data, "form_token": foreign})
    assert refused.status_code == 400  # a token of another scan does not fit


def test_a_form_token_expires_after_a_day_and_cannot_be_altered(app, client, bank):
    from scan.journey.forgery import FORM_TOKEN_MAX_AGE, issue_form_token

    token = start_scan(client)
    data = step_formdata(bank, "profiel")
    now = time.time()
    with app.test_request_context():
        stale = issue_form_token(token, now=now - FORM_TOKEN_MAX_AGE - 60)
        future = issue_form_token(token, now=now + 3600)
        fresh = issue_form_token(token, now=now - FORM_TOKEN_MAX_AGE + 60)
    stamp, _, signature = fresh.partition(".")
    moved = f"{int(stamp, 16) + 1:x}.{signature}"  # a later time with the old signature
    for form_token in (stale, future, moved):
        response = client.post(f"/scan/{token}/profiel", data={**data, "form_token": form_token})
        assert response.status_code == 400, form_token
    accepted = client.post(f"/scan/{token}/profiel", data={**data, "form_token": fresh})
    assert accepted.status_code == 303


def _answers_as(bank, sector: str, step: str, pick=best_answer) -> dict:
    theme = bank.for_sector(sector).themes_by_id[step]
    return {q.id: pick(q) for q in theme.all_questions}


def test_each_sector_gets_its_questions_and_a_new_sector_reopens_what_changed(app, client, bank):
    token = start_scan(client)
    profile = step_formdata(bank, "profiel") | {"sector": "bouw"}
    client.post(f"/scan/{token}/profiel", data=profile)
    for step in ("online-sales-marketing", "data"):
        response = client.post(f"/scan/{token}/{step}", data=_answers_as(bank, "bouw", step))
        assert response.status_code == 303
    page = client.get(f"/scan/{token}/automatisering").get_data(as_text=True)
    assert "Hoe maak je je werkbonnen?" in page
    assert "Hoe verwerk je een nieuwe opdracht of bestelling?" not in page
    assert '<input type="hidden" name="sector" value="bouw">' in page

    # The installateur was a shop after all: the platform it ticked (Werkspot) and its
    # bookkeeping's top rung (the bank, where a shop's is kassa and bank) are not a shop's
    # options, so both steps open again; automatisering was never done.
    response = client.post(f"/scan/{token}/profiel", data=profile | {"sector": "detailhandel"})
    assert response.headers["Location"].endswith(f"/scan/{token}/online-sales-marketing")
    assert stored_scan(app, token).steps_done == ["profiel"]
    page = client.get(f"/scan/{token}/online-sales-marketing").get_data(as_text=True)
    assert "Werkspot" not in page and "Bol, Etsy of Amazon" in page
    for step in ("online-sales-marketing", "data", "automatisering"):
        data = _answers_as(bank, "detailhandel", step)
        response = client.post(f"/scan/{token}/{step}", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/scan/{token}/resultaat")
    scan = stored_scan(app, token)
    assert scan.status == "completed"
    # Only what a shop is asked is kept and scored: the werkbon was never its question.
    assert "auto-werkbon" not in scan.answers and "auto-opdrachten" in scan.answers
    assert scan.overall_score == 100


def test_a_partner_with_a_trailing_line_break_is_not_a_partner(app, client, bank):
    """Finding 10 of issue 16: Python's `$` matched before a final line feed, so "kvk\\n" was
    stored beside "kvk" as another partner."""
    token = start_scan(client, partner="kvk\n")
    assert stored_scan(app, token).partner is None
    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank, "3511 AB")}
    refused = client.post("/api/v1/scans", json={**body, "partner": "kvk\n"})
    assert refused.status_code == 422 and "partner" in refused.get_json()["errors"]
    assert client.post("/api/v1/scans", json={**body, "partner": "kvk"}).status_code == 201
