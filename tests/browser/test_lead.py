"""After the result: the advice with its reasons, asking for contact, erasing it all; print.

The main flow runs without JavaScript, like the journey test: the result page, "Waarom dit
advies?", the contact form with errors, the same request sent twice (one lead), and erasing
the scan. With JavaScript on, a quick double click stores one lead too; the contact form is
also sent by keyboard only. What the app stored is read through the live app's database,
never through the pages under test.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select

from scan.db import database
from scan.domain.contact import CONSENT_VERSION, consent_text
from scan.models import Lead, OutboxMail, Scan
from tests.browser.test_keyboard import MAX_TABS, active, check_focus_indicator

pytestmark = pytest.mark.browser

#: What the ondernemer types, by field name.
CONTACT = {
    "name": "Jan de Vries",
    "company": "Bakkerij De Vries",
    "email": "jan@bakkerijdevries.nl",
    "phone": "06 12345678",
    "kvk": "12345678",
    "message": "We willen online bestellingen aannemen.",
}
#: The visible labels of those fields: the tests find every field by its label.
LABELS = {
    "name": "Je naam",
    "company": "Naam van je bedrijf",
    "email": "E-mailadres",
    "phone": "Telefoonnummer (niet verplicht)",
    "kvk": "KvK-nummer (niet verplicht)",
    "message": "Waar wil je hulp bij? (niet verplicht)",
}
BAD_EMAIL = "jan@bakkerijdevries"
SEND = "Verstuur mijn vraag"
CONTACT_LINK = "Neem contact met mij op"
#: A4 pages at most for the printed result.
MAX_PRINTED_PAGES = 3
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


# --- what the app stored ----------------------------------------------------------------------


def count_rows(server, model) -> int:
    with database(server.app).sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def leads_of(server, token: str) -> list[Lead]:
    with database(server.app).sessions() as session:
        query = select(Lead).join(Lead.scan).where(Scan.token == token)
        return list(session.scalars(query))


def api_result(server, token: str) -> dict:
    """The result document of the JSON API: what the result page must show."""
    response = server.app.test_client().get(f"/api/v1/scans/{token}")
    assert response.status_code == 200
    return response.get_json()


def posts_to(server, path: str) -> list[int]:
    """The statuses the app answered to the POSTs on `path`, in order."""
    return [r.status for r in server.responses if r.method == "POST" and r.path == path]


def assert_lead_is(lead: Lead, werkplaats: dict | None) -> None:
    stored = {name: getattr(lead, name) for name in CONTACT}
    assert stored == CONTACT
    assert lead.consent_version == CONSENT_VERSION and lead.consent_at is not None
    assert lead.werkplaats_id == (werkplaats["id"] if werkplaats else None)


# --- driving the pages ------------------------------------------------------------------------


def complete_scan_in_browser(browsing, journey, answers, profile) -> str:
    """Walk the journey with the shared helpers, from the landing page to the result."""
    page, bank = browsing.page, browsing.server.bank
    response = page.goto(browsing.server.url + "/")
    assert response is not None and response.status == 200
    journey.submit(page, "Start de scan")
    token = journey.step_path(page.url)[1]
    journey.fill_profile(page, bank, profile)
    journey.submit(page, "Volgende stap")
    for index, theme in enumerate(bank.themes):
        assert journey.step_path(page.url) == ["scan", token, theme.id]
        journey.answer_theme(page, theme.all_questions, answers)
        last = index == len(bank.themes) - 1
        response = journey.submit(page, "Bekijk je resultaat" if last else "Volgende stap")
        assert response.status == 200
    assert journey.step_path(page.url) == ["scan", token, "resultaat"]
    return token


def follow(page, link_name: str):
    """Click a link by its text and return the final response of the navigation."""
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name=link_name, exact=True).click()
    response = navigation.value
    assert response is not None, f"the link {link_name!r} did not navigate"
    return response


def fill_contact(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.get_by_label(LABELS[name], exact=True).fill(value)


def consent_box(page, werkplaats: str | None = "MKB Werkplaats Utrecht"):
    """The consent checkbox, whose label names who receives the details (POSTCODE: Utrecht)."""
    return page.get_by_role("checkbox", name=consent_text(werkplaats), exact=True)


def assert_confirmation(page, journey, token: str) -> None:
    assert journey.step_path(page.url) == ["scan", token, "contact", "verstuurd"]
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Je vraag is verstuurd"
    assert page.get_by_role("heading", name="Wat gebeurt er nu?").is_visible()
    main = page.get_by_role("main").inner_text()
    assert "Bedankt." in main
    # Contact details are never shown again: anyone with the result link could read them.
    assert all(CONTACT[field] not in main for field in ("name", "email", "phone"))


# --- the tests --------------------------------------------------------------------------------


def test_result_contact_and_erase_without_javascript(open_browsing, live_server, journey):
    server = live_server
    browsing = open_browsing(javascript=False)
    page = browsing.page
    answers, profile = journey.weak_answers(server.bank), journey.traject_profile(server)
    token = complete_scan_in_browser(browsing, journey, answers, profile)
    expected = api_result(server, token)
    assert expected["route"] == "traject" and expected["advice"] and expected["werkplaats"]

    # The chart has a table as its text equivalent, with every theme's score.
    assert page.get_by_role("img", name="Je score per thema").count() == 1
    table = page.get_by_role("table", name="Je score en niveau per thema")
    for theme in server.bank.themes:
        row = table.get_by_role("row", name=re.compile("^" + re.escape(theme.title)))
        score = expected["scores"]["themes"][theme.id]["score"]
        assert row.get_by_role("cell").first.inner_text() == str(score)

    # The first step on its own, then the route and the rest, in the order the app ranked it.
    first = page.get_by_role("region", name="Doe dit eerst")
    advice_region = page.get_by_role("region", name="Meer advies")
    assert "intensief traject met studenten" in advice_region.inner_text()
    items = advice_region.locator("ol.advice-list > li")
    titles = [a["title"] for a in expected["advice"]]
    assert first.get_by_role("heading", level=3).all_inner_texts() == titles[:1]
    assert items.get_by_role("heading", level=3).all_inner_texts() == titles[1:]
    cards = page.locator("article.advice")
    assert cards.get_by_text("Waarom dit advies?", exact=True).count() == len(titles)

    # The card's text is folded away ("Meer over ..."), so the page stays short on a phone.
    more = items.first.locator("details.advice-more")
    assert more.get_attribute("open") is None
    assert not more.locator(".advice-body").is_visible()
    more.locator("summary").click()
    expect(more).to_have_attribute("open", "")
    assert more.locator(".advice-body").is_visible()

    # "Waarom dit advies?" is a <details>: closed at first, opened by a click without JS.
    why = items.first.locator("details.why")
    reasons = why.get_by_role("listitem")
    assert why.get_attribute("open") is None and not reasons.first.is_visible()
    why.get_by_text("Waarom dit advies?", exact=True).click()
    expect(why).to_have_attribute("open", "")
    assert reasons.first.is_visible()
    assert reasons.all_inner_texts() == expected["advice"][1]["reasons"]  # rank 2: the list's first

    # The werkplaats the lead goes to, with the distance.
    werkplaats = page.get_by_role("region", name="De werkplaats bij jou in de buurt")
    text = werkplaats.inner_text()
    assert expected["werkplaats"]["name"] in text and expected["werkplaats"]["city"] in text
    distance = f"{expected['werkplaats']['distance_km']:.1f}".replace(".", ",") + " km"
    assert distance in text

    # Ask for contact: consent is not ticked beforehand.
    response = follow(page, CONTACT_LINK)
    assert response.status == 200
    contact_path = f"/scan/{token}/contact"
    assert journey.step_path(page.url) == ["scan", token, "contact"]
    assert expected["werkplaats"]["name"] in page.get_by_role("main").inner_text()
    assert not consent_box(page).is_checked()
    tokens = {
        name: page.get_by_label(LABELS[name], exact=True).get_attribute("autocomplete")
        for name in ("name", "company", "email", "phone")
    }
    assert tokens == {"name": "name", "company": "organization", "email": "email", "phone": "tel"}

    # Sent with a bad e-mail address and without consent: 422, an error summary, nothing lost.
    typed = {**CONTACT, "email": BAD_EMAIL}
    fill_contact(page, typed)
    response = journey.submit(page, SEND)
    assert response.status == 422
    assert page.title().startswith("Fout:")
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    hrefs = [link.get_attribute("href") for link in summary.get_by_role("link").all()]
    assert hrefs == ["#email", "#consent"]
    for href in hrefs:
        field = page.locator(href)
        assert field.count() == 1 and field.get_attribute("aria-invalid") == "true", href
    for name, value in typed.items():
        assert page.get_by_label(LABELS[name], exact=True).input_value() == value, name
    assert not consent_box(page).is_checked()
    summary.get_by_role("link").last.click()
    assert page.evaluate("document.activeElement.id") == "consent"
    assert count_rows(server, Lead) == 0

    # Put right and sent: the confirmation says what happens next.
    page.get_by_label(LABELS["email"], exact=True).fill(CONTACT["email"])
    consent_box(page).check()
    response = journey.submit(page, SEND)
    assert response.status == 200
    assert_confirmation(page, journey, token)
    [lead] = leads_of(server, token)
    assert_lead_is(lead, expected["werkplaats"])

    # Back in history: Chromium has to send the earlier form again (no-store, a POST), and
    # gets it back with its errors; put right and sent again, it is the same request twice.
    try:
        page.go_back()
    except PlaywrightError as exc:
        assert "ERR_CACHE_MISS" in str(exc), exc
        # Chromium's "Confirm Form Resubmission" page; reloading it sends the form again.
        expect(page).to_have_url(re.compile("^chrome-error://"))
        response = page.reload()
        assert response is not None and response.request.method == "POST"
        assert response.status == 422
    assert journey.step_path(page.url) == ["scan", token, "contact"]
    page.get_by_label(LABELS["email"], exact=True).fill(CONTACT["email"])
    consent_box(page).check()
    response = journey.submit(page, SEND)
    assert response.status == 200
    assert_confirmation(page, journey, token)
    assert posts_to(server, contact_path)[-1] == 303
    assert posts_to(server, contact_path).count(303) == 2, "the same request reached the app twice"
    assert [stored.id for stored in leads_of(server, token)] == [lead.id]
    assert count_rows(server, Lead) == 1

    # The result page now says contact was asked for, and offers no second request.
    response = follow(page, "Terug naar je resultaat")
    assert journey.step_path(page.url) == ["scan", token, "resultaat"]
    assert page.get_by_text("Je hebt om contact gevraagd").is_visible()
    assert page.get_by_role("link", name=CONTACT_LINK).count() == 0

    # Erase everything: a confirmation page first, then a POST.
    result_url = page.url
    response = follow(page, "Verwijder mijn gegevens")
    assert response.status == 200
    assert journey.step_path(page.url) == ["scan", token, "verwijderen"]
    assert "contactgegevens" in page.get_by_role("main").inner_text()
    assert count_rows(server, Scan) == 1, "opening the confirmation page erases nothing"
    response = journey.submit(page, "Ja, verwijder alles")
    assert response.status == 200
    assert page.url == server.url + "/verwijderd"
    assert page.get_by_role("heading", level=1).inner_text() == "Je gegevens zijn verwijderd"
    assert count_rows(server, Scan) == 0
    assert count_rows(server, Lead) == 0
    assert count_rows(server, OutboxMail) == 0, "the lead's mail with its personal data is gone"

    # The old links lead nowhere now.
    for url in (result_url, server.url + contact_path):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        assert page.get_by_text("Deze pagina bestaat niet").first.is_visible()

    assert not [r.url for r in browsing.network.requests if r.resource_type == "script"], (
        "JavaScript was off, so no script may have been loaded"
    )
    browsing.assert_private()


def test_double_click_on_send_stores_one_lead(open_browsing, live_server, journey):
    """A double click with JavaScript on: both requests reach the app, one lead is stored."""
    server = live_server
    answers, profile = journey.weak_answers(server.bank), journey.traject_profile(server)
    token = journey.finish_scan(server, answers, profile)
    path = f"/scan/{token}/contact"
    browsing = open_browsing()
    page = browsing.page
    response = page.goto(server.url + path)
    assert response is not None and response.status == 200
    fill_contact(page, CONTACT)
    consent_box(page).check()
    button = page.get_by_role("button", name=SEND, exact=True)
    button.scroll_into_view_if_needed()  # a mouse click lands only inside the viewport
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Chromium drops a first submission that has not left yet when the second click comes,
    # so whether two clicks 0 ms apart both reach the app is luck. Holding the first answer
    # back until the second click has been handled makes the double submission certain.
    with server.holding_answers("POST", path) as held:
        page.mouse.click(x, y)
        held.wait_for(1)
        page.mouse.click(x, y)
        held.wait_for(2)
    expect(page).to_have_url(re.compile(re.escape(path) + "/verstuurd$"))
    assert_confirmation(page, journey, token)
    assert posts_to(server, path) == [303, 303]
    [lead] = leads_of(server, token)
    assert_lead_is(lead, api_result(server, token)["werkplaats"])
    browsing.assert_private()


def test_contact_form_by_keyboard_only(open_browsing, live_server, journey):
    """From the result page to the confirmation with Tab, typing, Space and Enter only."""
    server = live_server
    answers, profile = journey.weak_answers(server.bank), journey.traject_profile(server)
    token = journey.finish_scan(server, answers, profile)
    browsing = open_browsing()
    page = browsing.page
    response = page.goto(f"{server.url}/scan/{token}/resultaat")
    assert response is not None and response.status == 200
    focus_checks: dict = {}

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = active(page)
        if element and element["tag"] == "a" and element["text"] == CONTACT_LINK:
            break
    else:
        pytest.fail(f"Tab never reached the link {CONTACT_LINK!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert journey.step_path(page.url) == ["scan", token, "contact"]

    typed: set[str] = set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = active(page)
        if element is None:
            continue
        if element["tag"] == "button" and element["text"] == SEND:
            check_focus_indicator(page, "send button", focus_checks)
            break
        name = element["name"]
        if name in CONTACT and name not in typed:
            check_focus_indicator(page, "text field", focus_checks)
            page.keyboard.type(CONTACT[name])
            typed.add(name)
        elif name == "consent" and element["type"] == "checkbox":
            assert not element["checked"], "consent must not be ticked beforehand"
            check_focus_indicator(page, "consent checkbox", focus_checks)
            page.keyboard.press("Space")
            assert active(page)["checked"], "Space did not tick the consent checkbox"
    else:
        pytest.fail(f"Tab never reached the button {SEND!r}")
    assert typed == set(CONTACT), f"Tab never reached: {sorted(set(CONTACT) - typed)}"
    assert consent_box(page).is_checked()
    assert set(focus_checks) == {"text field", "consent checkbox", "send button"}

    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value is not None and navigation.value.status == 200
    assert_confirmation(page, journey, token)
    [lead] = leads_of(server, token)
    assert_lead_is(lead, api_result(server, token)["werkplaats"])
    browsing.assert_private()


def test_result_page_prints(open_browsing, live_server, journey):
    """Print hides the site's chrome and the buttons, keeps scores and advice, on few pages."""
    server = live_server
    answers, profile = journey.weak_answers(server.bank), journey.traject_profile(server)
    token = journey.finish_scan(server, answers, profile)
    expected = api_result(server, token)
    browsing = open_browsing()
    page = browsing.page
    response = page.goto(f"{server.url}/scan/{token}/resultaat")
    assert response is not None and response.status == 200
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")

    hidden = {
        "the site header": page.locator("header.site-header"),
        "the site footer": page.locator("footer.site-footer"),
        "the skip link": page.get_by_role("link", name="Ga direct naar de inhoud"),
        "the contact button": page.get_by_role("link", name=CONTACT_LINK),
        "the erase link": page.get_by_role("link", name="Verwijder mijn gegevens"),
        "the page navigation": page.get_by_role("navigation", name="Op deze pagina"),
    }
    shown = [what for what, locator in hidden.items() if locator.is_visible()]
    assert not shown, f"visible in print: {shown}"

    main = page.get_by_role("main")
    assert main.get_by_role("heading", name="Je resultaat", level=1).is_visible()
    assert main.get_by_role("table", name="Je score en niveau per thema").is_visible()
    for theme in server.bank.themes:
        region = main.get_by_role("region", name=re.compile("^" + re.escape(theme.title)))
        assert region.is_visible(), f"the section of {theme.title!r} is hidden in print"
        assert region.get_by_role("heading", level=3).is_visible()
    advice = main.get_by_role("region", name="Meer advies")
    assert advice.is_visible()
    titles = main.locator("article.advice").get_by_role("heading", level=3)
    assert titles.count() == len(expected["advice"])
    assert all(title.is_visible() for title in titles.all()), "advice hidden in print"

    # The reasons print too, also from a closed "Waarom dit advies?" (its summary is hidden).
    reasons = main.locator("details.why li")
    assert reasons.count() == sum(len(a["reasons"]) for a in expected["advice"])
    assert all(reason.is_visible() for reason in reasons.all()), "reasons hidden in print"
    assert main.get_by_text(expected["werkplaats"]["name"]).first.is_visible()

    # Printed as it is, and after opening every <details>: a few A4 pages either way.
    counts = {}
    for state in ("as shown", "with every details opened"):
        if state != "as shown":
            page.locator("details").evaluate_all("els => els.forEach(e => { e.open = true; })")
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF-")
        counts[state] = len(PDF_PAGE.findall(pdf))
    print(f"printed result pages: {counts}")
    assert all(1 <= n <= MAX_PRINTED_PAGES for n in counts.values()), counts
    browsing.assert_private()
