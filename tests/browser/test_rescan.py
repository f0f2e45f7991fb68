"""Re-scan in a real browser (issue 17): from the result, through "which steps did you take"
and the filled-in steps, to what changed; on the site and in the embed layout, with and
without JavaScript, every page checked with axe.

axe runs as JavaScript in the page, so "without JavaScript" blocks the page's own scripts
(scan.js, embed-frame.js) instead of switching JavaScript off, as test_accessibility.py does:
the DOM axe checks is the one a browser without JavaScript shows. The re-scan inside a
partner's real iframe is walked in test_embed.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scan.db import database
from scan.models import Scan
from tests.browser.test_accessibility import axe_reports

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("layout", ["/scan", "/embed/scan"], ids=["site", "embed"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_rescan_goes_through_the_filled_in_steps_and_shows_what_changed(
    open_browsing, live_server, journey, axe_violations, javascript, layout
):
    bank = live_server.bank
    weak = journey.weak_answers(bank)
    token = journey.finish_scan(live_server, weak, journey.profile_answers(bank))
    catalogue = live_server.app.extensions["scan.catalogue"]
    with database(live_server.app).sessions() as session:
        earlier = session.scalars(select(Scan).where(Scan.token == token)).one()
        advised = [catalogue.items_by_id[a["id"]].title for a in earlier.result["advice"]]
    browsing = open_browsing()
    if not javascript:
        browsing.context.route("**/static/*.js", lambda route: route.abort())
    page = browsing.page
    with axe_reports() as reports:
        page.goto(f"{live_server.url}{layout}/{token}/resultaat")
        reports.append(axe_violations(page, "result with the re-scan form"))
        assert journey.submit(page, "Doe de scan opnieuw").status == 200
        path = journey.step_path(page.url)
        again = path[-2]
        assert (
            again != token
            and path[-1] == "stappen"
            and page.url.startswith(f"{live_server.url}{layout}/")
        )
        # First: which of the earlier advice did the ondernemer take up since?
        group = page.get_by_role("group", name="Welke van deze stappen heb je sinds de vorige")
        assert group.get_by_role("checkbox").count() == len(advised) + 2
        journey.submit(page, "Volgende stap")  # nothing ticked: the page says what to do
        reports.append(axe_violations(page, "steps taken, with its error"))
        assert page.get_by_role("link", name="Kies minstens één antwoord", exact=False).count()
        group.get_by_label(advised[0], exact=True).check()
        reports.append(axe_violations(page, "steps taken, one ticked"))
        assert journey.submit(page, "Volgende stap").status == 200
        assert journey.step_path(page.url)[-1] == "profiel"
        # Everything is filled in: the ondernemer only changes what changed (one answer here).
        journey.submit(page, "Volgende stap")
        first = bank.themes[0]
        better = first.questions[0]
        # The earlier (weakest) answer is ticked, as the ondernemer left it.
        assert journey.checked_values(page, better.id) == [weak[better.id]]
        reports.append(axe_violations(page, "a filled-in theme step of the re-scan"))
        journey.choose(page, better, journey.best_answers(bank)[better.id])
        for _ in bank.themes[:-1]:
            assert journey.submit(page, "Volgende stap").status == 200
        assert journey.submit(page, "Bekijk je resultaat").status == 200
        assert journey.step_path(page.url)[-2:] == [again, "resultaat"]
        heading = page.get_by_role("heading", name="Wat is er veranderd sinds je vorige scan?")
        assert heading.is_visible()
        section = page.locator("#veranderd")
        assert better.text in section.inner_text()
        steps = section.get_by_role("heading", name="Stappen die je hebt gezet")
        assert steps.is_visible() and advised[0] in section.inner_text()
        reports.append(axe_violations(page, "re-scan result with the comparison"))
    browsing.assert_private()
