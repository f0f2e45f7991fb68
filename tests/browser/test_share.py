"""Sharing the result in a real browser (issue 19): the ondernemer makes a read-only link, the
person who gets it sees the result and nothing that changes or reveals more, and after the
link is withdrawn sees a Dutch 410 page. With and without JavaScript, every page axe-checked.

"Without JavaScript" blocks the page's own scripts, as test_rescan.py explains.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.test_accessibility import PHONE, axe_reports

pytestmark = pytest.mark.browser

#: A share link's address as the result page lists it (Playwright's role names take no "/").
SHARE_URL = re.compile(r"^http://[^/]+/gedeeld/[A-Za-z0-9_-]{22}$")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_shared_result_shows_the_result_read_only_until_it_is_withdrawn(
    open_browsing, live_server, journey, axe_violations, javascript
):
    bank = live_server.bank
    token = journey.finish_scan(
        live_server, journey.weak_answers(bank), journey.profile_answers(bank)
    )
    owner = open_browsing()
    advisor = open_browsing(viewport=PHONE)
    for browsing in (owner, advisor):
        if not javascript:
            browsing.context.route("**/static/*.js", lambda route: route.abort())
    page = owner.page
    with axe_reports() as reports:
        page.goto(f"{live_server.url}/scan/{token}/resultaat")
        pdf = page.get_by_role("link", name="Download je stappenplan (pdf)")
        assert pdf.get_attribute("href") == f"/scan/{token}/resultaat.pdf"
        assert journey.submit(page, "Deel je resultaat").status == 200
        assert page.url.endswith(f"/scan/{token}/resultaat#delen")
        listed = page.locator("#delen a.share-url")
        assert listed.count() == 1
        shared_url = listed.get_attribute("href")
        assert shared_url and SHARE_URL.match(shared_url) and token not in shared_url
        assert listed.inner_text() == shared_url
        listing = page.locator("#delen").inner_text()
        assert re.search(r"Werkt tot \d\d-\d\d-\d{4} \d\d:\d\d\.", listing)
        reports.append(axe_violations(page, "result page with a shared link"))

        # The person who got the link, in a browser of their own.
        seen = advisor.page
        response = seen.goto(shared_url)
        assert response is not None and response.status == 200
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        assert response.headers["cache-control"] == "no-store"
        main = seen.get_by_role("main")
        for heading in ("Resultaat van een digitale scan", "Dit gaat al goed", "Basisveiligheid"):
            assert main.get_by_role("heading", name=heading, exact=True).is_visible(), heading
        assert main.get_by_role("heading", name="Per thema", exact=True).is_visible()
        text = main.inner_text()
        assert "MKB Werkplaats Utrecht" in text
        for theme in bank.themes:
            region = seen.get_by_role("region", name=re.compile("^" + re.escape(theme.title)))
            assert re.search(r"Score \d+ op een schaal van 0 tot 100", region.inner_text())
        assert seen.locator("#eerst .advice h3").count() == 1
        # Nothing that changes the scan or leads to it: no form, no field, no button.
        assert seen.locator("form, input, textarea, select, button").count() == 0
        hrefs = seen.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert not [h for h in hrefs if token in h or "/scan/" in h or "/embed/" in h]
        for label in ("Neem contact met mij op", "Vraag om contact", "Verwijder mijn gegevens"):
            assert seen.get_by_role("link", name=label).count() == 0, label
        assert seen.get_by_role("button", name="Doe de scan opnieuw").count() == 0
        reports.append(axe_violations(seen, "shared result (phone)"))
        pdf_href = seen.get_by_role("link", name="Download het stappenplan (pdf)").get_attribute(
            "href"
        )
        assert pdf_href and token not in pdf_href
        download = advisor.context.request.get(live_server.url + pdf_href)
        assert download.status == 200 and download.headers["content-type"] == "application/pdf"

        # The ondernemer withdraws it; the link now says so, in Dutch, with a 410.
        withdraw = page.get_by_role("button", name=re.compile(r"^Trek deze link in \(werkt tot "))
        with page.expect_navigation() as navigation:
            withdraw.click()
        assert navigation.value is not None and navigation.value.status == 200
        assert page.locator("#delen a.share-url").count() == 0
        reports.append(axe_violations(page, "result page after withdrawing"))
        response = seen.goto(shared_url)
        assert response is not None and response.status == 410
        assert seen.get_by_role("heading", name="Deze link is ingetrokken").is_visible()
        reports.append(axe_violations(seen, "withdrawn link (410)"))
    owner.assert_private()
    advisor.assert_private()


def test_under_embed_the_pdf_and_the_link_open_in_a_new_tab(
    open_browsing, live_server, journey, axe_violations
):
    bank = live_server.bank
    token = journey.finish_scan(
        live_server, journey.weak_answers(bank), journey.profile_answers(bank)
    )
    browsing = open_browsing()
    page = browsing.page
    with axe_reports() as reports:
        page.goto(f"{live_server.url}/embed/scan/{token}/resultaat")
        assert journey.submit(page, "Deel je resultaat").status == 200
        assert page.url.endswith(f"/embed/scan/{token}/resultaat#delen")
        section = page.locator("#delen")
        pdf = section.get_by_role("link", name=re.compile("^Download je stappenplan"))
        shared = section.locator("a.share-url")
        for link in (pdf, shared):
            assert link.get_attribute("target") == "_blank"
            assert "opent in een nieuw tabblad" in link.inner_text()
        assert pdf.get_attribute("href") == f"/embed/scan/{token}/resultaat.pdf"
        assert (shared.get_attribute("href") or "").startswith(f"{live_server.url}/gedeeld/")
        reports.append(axe_violations(page, "embedded result with a shared link"))
    browsing.assert_private()
