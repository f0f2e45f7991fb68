"""The reminder in a real Chromium: its box on the contact form, and the pages behind the
mail's two links (start the re-scan, unsubscribe), with and without JavaScript, axe-checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scan.db import database
from scan.models import FollowUp, Lead, Scan
from scan.records.follow_ups import add_reminder
from tests.browser.test_accessibility import axe_reports
from tests.staff import make_lead

pytestmark = pytest.mark.browser


def reminder_of(server, lead_id: int) -> FollowUp:
    with database(server.app).sessions() as session:
        return session.scalars(select(FollowUp).where(FollowUp.lead_id == lead_id)).one()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_mail_links_start_a_rescan_and_unsubscribe(
    open_browsing, live_server, journey, axe_violations, javascript
):
    lead_id = make_lead(live_server.app, "utrecht")
    with database(live_server.app).sessions() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        token = add_reminder(session, lead, 90).token
        earlier = lead.scan.token
        session.commit()
    browsing = open_browsing()
    if not javascript:
        browsing.context.route("**/static/*.js", lambda route: route.abort())
    page = browsing.page
    with axe_reports() as reports:
        response = page.goto(f"{live_server.url}/opnieuw/{token}")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "the re-scan link's page"))
        assert journey.submit(page, "Doe de scan opnieuw").status == 200
        again = journey.step_path(page.url)[-2]
        with database(live_server.app).sessions() as session:
            scan = session.scalars(select(Scan).where(Scan.token == again)).one()
            assert scan.previous_token == earlier and scan.status == "draft"

        page.goto(f"{live_server.url}/herinnering/{token}/afmelden")
        reports.append(axe_violations(page, "the unsubscribe page"))
        assert reminder_of(live_server, lead_id).withdrawn_at is None  # opening changed nothing
        assert journey.submit(page, "Meld me af").status == 200
        assert page.get_by_role("heading", name="Je bent afgemeld").is_visible()
        reports.append(axe_violations(page, "unsubscribed"))
        assert reminder_of(live_server, lead_id).withdrawn_at is not None

        page.goto(f"{live_server.url}/opnieuw/{'x' * 43}")
        reports.append(axe_violations(page, "a link that no longer works"))
    browsing.assert_private()


def test_the_reminder_box_is_ticked_by_its_label(open_browsing, live_server, journey):
    token = journey.finish_scan(
        live_server,
        journey.weak_answers(live_server.bank),
        journey.profile_answers(live_server.bank),
    )
    browsing = open_browsing()
    page = browsing.page
    page.goto(f"{live_server.url}/scan/{token}/contact")
    box = page.get_by_label("Stuur me over 90 dagen één e-mail", exact=False)
    assert not box.is_checked()
    box.check()
    # Sent without the required fields: the page comes back with the box still ticked.
    assert journey.submit(page, "Verstuur mijn vraag").status == 422
    assert page.get_by_label("Stuur me over 90 dagen één e-mail", exact=False).is_checked()
    browsing.assert_private()
