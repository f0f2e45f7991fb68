"""Re-scan in a real browser (issue 17): from the result, through the filled-in steps, to what
changed; with and without JavaScript, checked with axe."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_rescan_goes_through_the_filled_in_steps_and_shows_what_changed(
    open_browsing, live_server, journey, axe_violations, javascript
):
    bank = live_server.bank
    weak = journey.weak_answers(bank)
    token = journey.finish_scan(live_server, weak, journey.profile_answers(bank))
    browsing = open_browsing(javascript=javascript)
    page = browsing.page
    page.goto(f"{live_server.url}/scan/{token}/resultaat")
    if javascript:  # axe runs as a script in the page: the no-js browser cannot run it
        assert axe_violations(page, "result with the re-scan form") is None
    assert journey.submit(page, "Doe de scan opnieuw").status == 200
    again = journey.step_path(page.url)[1]
    assert again != token and journey.step_path(page.url)[2] == "profiel"
    # Everything is filled in: the ondernemer only changes what changed (one answer here).
    journey.submit(page, "Volgende stap")
    first = bank.themes[0]
    better = first.questions[0]
    # The earlier (weakest) answer is ticked, as the ondernemer left it.
    assert journey.checked_values(page, better.id) == [weak[better.id]]
    journey.choose(page, better, journey.best_answers(bank)[better.id])
    for _ in bank.themes[:-1]:
        assert journey.submit(page, "Volgende stap").status == 200
    assert journey.submit(page, "Bekijk je resultaat").status == 200
    assert journey.step_path(page.url) == ["scan", again, "resultaat"]
    heading = page.get_by_role("heading", name="Wat is er veranderd sinds je vorige scan?")
    assert heading.is_visible()
    section = page.locator("#veranderd")
    assert better.text in section.inner_text()
    if javascript:
        assert axe_violations(page, "re-scan result with the comparison") is None
    browsing.assert_private()
