"""Re-scans for staff (issue 17, part 5): a lead's chain of scans, the dashboard's re-scan
figures and the T0/T1 columns of the export, on chains made through the journey."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from scan.db import database
from scan.domain.steps_taken import NONE_ID, QUESTION_ID, STEP
from scan.models import Lead, Scan
from tests.journey import CONTACT, start_scan, step_formdata
from tests.sql import statements
from tests.staff import post_form, signed_in_client
from tests.strategies import asked, best_answer, lowest_answer

UTRECHT, FRYSLAN = "3511 AB", "8911 AB"
MARCH = {"van": "2026-03-01", "tot": "2026-03-31"}


def best_in(bank, theme_id: str):
    """A pick: the best answers on one theme, the lowest everywhere else."""
    questions = asked(bank).themes_by_id[theme_id].questions_by_id

    def pick(question):
        return best_answer(question) if question.id in questions else lowest_answer(question)

    return pick


def walk(client, bank, token: str, pick, postcode: str, taken=(NONE_ID,)) -> str:
    """Send every open step of a scan (a re-scan's steps-taken question too); return token."""
    while True:
        step = client.get(f"/scan/{token}").headers["Location"].rsplit("/", 1)[-1]
        if step == "resultaat":
            return token
        if step == STEP:
            data = {QUESTION_ID: list(taken)}
        else:
            data = step_formdata(bank, step, pick, postcode)
        response = client.post(f"/scan/{token}/{step}", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)


def first_scan(client, bank, pick, postcode=UTRECHT, partner=None) -> str:
    """A completed first scan (T0); returns its token."""
    return walk(client, bank, start_scan(client, partner), pick, postcode)


def rescan(client, bank, earlier: str, pick, taken=(NONE_ID,), postcode=UTRECHT, done=True):
    """A re-scan of `earlier` through "Doe de scan opnieuw", completed unless done=False."""
    response = client.post(f"/scan/{earlier}/opnieuw")
    assert response.status_code == 303
    token = response.headers["Location"].split("/")[-2]
    return walk(client, bank, token, pick, postcode, taken) if done else token


def stored(app, token: str) -> Scan:
    with database(app).sessions() as session:
        return session.scalars(select(Scan).where(Scan.token == token)).one()


def advice_ids(app, token: str) -> list[str]:
    return [advice["id"] for advice in stored(app, token).result["advice"]]


def completed_on(app, moments: dict[str, datetime]) -> None:
    """Set when scans were completed, so the period is known."""
    with database(app).sessions() as session:
        for token, moment in moments.items():
            session.scalars(select(Scan).where(Scan.token == token)).one().completed_at = moment
        session.commit()


def ask_contact(app, client, token: str) -> int:
    """Send the contact form of a completed scan; return the lead's id."""
    response = client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with database(app).sessions() as session:
        return session.scalars(select(Lead.id).join(Scan).where(Scan.token == token)).one()


def day(month: int, date: int, hour: int = 12) -> datetime:
    return datetime(2026, month, date, hour, tzinfo=UTC)


class _Tables(HTMLParser):
    """The text of each cell of each table with an id, row by row."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self.current = dict(attrs)["id"]
            self.tables[self.current] = []
        elif self.current and tag == "tr":
            self.tables[self.current].append([])
        elif self.current and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag == "li":
            self.cell.append("; " if self.cell else "")

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif self.cell is not None and tag in ("td", "th") and self.current:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[list[str]]:
    """The rows of the table with this id, header included, as cell texts."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables[table_id]


def figures(html: str) -> dict[str, str]:
    return {label: value for label, value in table(html, "herhaalde-scans-cijfers")}


@pytest.fixture
def firms(app, client, bank):
    """Seven firms with known scans; see each line for its chain.

    LOW: every answer the lowest (scores 0, every safety item at risk). OSM: only the online
    theme at its best (100, 0, 0; overall 33; still every risk). DATA: only data at its best.
    BEST: all at their best (100 everywhere, every safety item in order, no advice).
    """
    low, best = lowest_answer, best_answer
    osm, data = best_in(bank, "online-sales-marketing"), best_in(bank, "data")
    # A (Utrecht, via kvk): LOW -> OSM ("Geen van deze") -> OSM (took the first advice).
    a0 = first_scan(client, bank, low, partner="kvk")
    a1 = rescan(client, bank, a0, osm)
    taken = advice_ids(app, a1)[0]
    a2 = rescan(client, bank, a1, osm, taken=(taken,))
    # B (Utrecht): LOW -> DATA, nothing taken. C (Utrecht): LOW -> BEST, "Weet ik niet".
    b0 = first_scan(client, bank, low)
    b1 = rescan(client, bank, b0, data)
    c0 = first_scan(client, bank, low)
    c1 = rescan(client, bank, c0, best, taken=("weet-ik-niet",))
    # H (Utrecht): LOW -> LOW, nothing taken: no step forward.
    h0 = first_scan(client, bank, low)
    h1 = rescan(client, bank, h0, low)
    # D (Fryslân): LOW -> BEST. E (Utrecht): LOW -> DATA in April. F (Utrecht): one scan.
    d0 = first_scan(client, bank, low, postcode=FRYSLAN)
    d1 = rescan(client, bank, d0, best, postcode=FRYSLAN)
    e0 = first_scan(client, bank, low)
    e1 = rescan(client, bank, e0, data)
    f0 = first_scan(client, bank, best)
    # G (Utrecht): LOW, and a re-scan still a draft.
    g0 = first_scan(client, bank, low)
    g1 = rescan(client, bank, g0, low, done=False)
    completed_on(
        app,
        {
            **{t: day(1, 10) for t in (a0, b0, c0, h0, d0, e0, g0)},
            a1: day(3, 5),
            a2: day(3, 31, 21),  # 23:00 in Utrecht: the last hour of the period
            b1: day(3, 10),
            c1: day(3, 1, 0),  # the first hour of the period (UTC)
            h1: day(3, 20),
            d1: day(3, 15),
            e1: day(4, 1, 0),  # just after it
            f0: day(3, 2),
        },
    )
    return {
        "a": (a0, a1, a2),
        "b": (b0, b1),
        "c": (c0, c1),
        "h": (h0, h1),
        "d": (d0, d1),
        "e": (e0, e1),
        "f": (f0,),
        "g": (g0, g1),
        "taken": taken,
    }


def test_dashboard_rescan_figures_of_a_werkplaats_in_a_period(app, bank, catalogue, firms):
    client, _ = signed_in_client(app, "medewerker", "utrecht")
    # A medewerker's scope is their werkplaats, whatever the URL asks.
    response = client.get("/medewerkers/cijfers", query_string={**MARCH, "werkplaats": "fryslan"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # In March in Utrecht: A's two re-scans, B, C and H (D is Fryslân's, E is April's, G a
    # draft). Firms A, B, C, H; forward: A (a step taken), B (data +100), C (+100, safety).
    assert figures(html) == {
        "Herhaalde scans afgerond": "5",
        "Bedrijven die de scan herhaalden": "4",
        "Waarvan een stap vooruit": "3 (75,0%)",
    }
    # Latest re-scan per firm against the scan before it: A 0/0/0 (OSM -> OSM), B 0/+100/0,
    # C +100/+100/+100, H 0/0/0. Medians: 0, +50, 0.
    osm, data, auto = (theme.title for theme in bank.themes)
    assert table(html, "herhaalde-scans-thema")[1:] == [
        [osm, "0", "4"],
        [data, "+50", "4"],
        [auto, "0", "4"],
    ]
    # Answered the steps question: A1 ("Geen"), A2 (took the first advice), B1, H1 ("Geen");
    # C1 said "Weet ik niet". The taken advice is a safety step that LOW and OSM both gave,
    # so it was offered on all four and taken once.
    low_advice, osm_advice = advice_ids(app, firms["a"][0]), advice_ids(app, firms["a"][1])
    taken = firms["taken"]
    assert taken in low_advice and taken in osm_advice
    uptake = table(html, "herhaalde-scans-advies")
    title = catalogue.items_by_id[taken].title
    assert uptake[0] == ["Advies", "Geadviseerd", "Gezet", "Aandeel"]
    assert uptake[1] == [title, "4", "1", "25,0%"]
    only_low = next(i for i in low_advice if i not in osm_advice)
    assert [catalogue.items_by_id[only_low].title, "3", "0", "0,0%"] in uptake
    only_osm = next(i for i in osm_advice if i not in low_advice)
    assert [catalogue.items_by_id[only_osm].title, "1", "0", "0,0%"] in uptake
    assert len(uptake) - 1 == len(set(low_advice) | set(osm_advice))


def test_dashboard_rescan_figures_per_scope_partner_and_period(app, firms):
    admin, _ = signed_in_client(app, "admin")

    def shown(**args):
        response = admin.get("/medewerkers/cijfers", query_string=args)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        found = figures(html)
        medians = [row[1] for row in table(html, "herhaalde-scans-thema")[1:]]
        return [found[k] for k in found], medians

    # The network in March: Utrecht's five and D's; firm D moved forward too. Medians over
    # A 0/0/0, B 0/100/0, C, D 100/100/100, H 0/0/0.
    assert shown(**MARCH) == (["6", "5", "4 (80,0%)"], ["0", "+100", "0"])
    assert shown(**MARCH, werkplaats="fryslan") == (["1", "1", "1 (100,0%)"], ["+100"] * 3)
    # Through kvk: only A's chain; its latest re-scan took a step, scores unchanged.
    assert shown(**MARCH, werkplaats="utrecht", partner="kvk") == (
        ["2", "1", "1 (100,0%)"],
        ["0", "0", "0"],
    )
    # Any time in Utrecht: E's April re-scan (data +100) comes in. Firms A, B, C, E, H.
    assert shown(werkplaats="utrecht") == (["6", "5", "4 (80,0%)"], ["0", "+100", "0"])
    # From 1 April on: only E.
    assert shown(werkplaats="utrecht", van="2026-04-01") == (
        ["1", "1", "1 (100,0%)"],
        ["0", "+100", "0"],
    )
    # Choosing another werkplaats at the top keeps the period and the partner.
    html = admin.get("/medewerkers/cijfers", query_string={**MARCH, "partner": "kvk"}).get_data(
        as_text=True
    )
    top = html[: html.index('id="herhaalde-scans"')]
    for name, value in (*MARCH.items(), ("partner", "kvk")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in top
    # The national queue has no re-scans: no medians, and the table says so.
    html = admin.get("/medewerkers/cijfers", query_string={"werkplaats": "landelijk"}).get_data(
        as_text=True
    )
    assert figures(html)["Waarvan een stap vooruit"] == "0 (-)"
    assert 'id="herhaalde-scans-thema"' not in html


def test_dashboard_refuses_a_bad_period_or_partner_in_dutch(app):
    client, _ = signed_in_client(app, "medewerker", "utrecht")
    response = client.get(
        "/medewerkers/cijfers",
        query_string={"van": "2026-04-01", "tot": "2026-03-01", "partner": "KvK!"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "De einddatum ligt voor de begindatum." in html
    assert "Een partner-id bestaat uit kleine letters, cijfers en streepjes." in html


def test_the_rescan_figures_take_as_many_queries_however_many_rescans(app, client, bank, firms):
    admin, _ = signed_in_client(app, "admin")
    with statements(app) as before:
        assert admin.get("/medewerkers/cijfers").status_code == 200
    assert len([s for s in before if "chain_up" in s]) == 1
    rescan(client, bank, rescan(client, bank, firms["f"][0], lowest_answer), lowest_answer)
    with statements(app) as after:
        html = admin.get("/medewerkers/cijfers").get_data(as_text=True)
    assert figures(html)["Herhaalde scans afgerond"] == "9"  # two more
    assert len(after) == len(before)


def test_the_lead_page_shows_every_scan_of_its_chain(app, client, bank, catalogue, firms):
    a0, a1, a2 = firms["a"]
    lead = ask_contact(app, client, a0)
    rescan_lead = ask_contact(app, client, a2)
    staff, _ = signed_in_client(app, "medewerker", "utrecht")
    with statements(app) as sent:
        html = staff.get(f"/medewerkers/aanvragen/{lead}").get_data(as_text=True)
    assert len([s for s in sent if "chain_up" in s]) == 1
    rows = table(html, "scan-chain")
    assert rows[0] == [
        "Scan",
        "Totaal",
        *(theme.title for theme in bank.themes),
        "Stappen gezet",
        "Basisveiligheid nu op orde",
    ]
    title = catalogue.items_by_id[firms["taken"]].title
    assert rows[1:] == [
        ["10-01-2026 (deze aanvraag)", "0", "0", "0", "0", "-", "-"],
        ["05-03-2026", "33 (+33)", "100 (+100)", "0 (+0)", "0 (+0)", "Geen van deze", "-"],
        ["31-03-2026 naar de aanvraag", "33 (+0)", "100 (+0)", "0 (+0)", "0 (+0)", title, "-"],
    ]
    assert f'href="/medewerkers/aanvragen/{rescan_lead}"' in html
    # The re-scan's own lead shows the same chain, marked there.
    assert [row[0] for row in chain_rows(staff, rescan_lead)] == [
        "10-01-2026 naar de aanvraag",
        "05-03-2026",
        "31-03-2026 (deze aanvraag)",
    ]


def chain_rows(staff, lead_id: int) -> list[list[str]]:
    """The rows of the chain table on a lead's page, without its header."""
    html = staff.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    return table(html, "scan-chain")[1:]


def test_the_chain_shows_safety_resolved_steps_unknown_and_drafts(app, client, bank, firms):
    staff, _ = signed_in_client(app, "medewerker", "utrecht")
    c = chain_rows(staff, ask_contact(app, client, firms["c"][0]))
    everything = ["100 (+100)"] * 4
    assert c[1] == [
        "01-03-2026",
        *everything,
        "Weet ik niet",
        "; ".join(i.label for i in bank.safety),
    ]
    g = chain_rows(staff, ask_contact(app, client, firms["g"][0]))
    assert g[1] == ["nog bezig", "-", "-", "-", "-", "-", "-"]
    single = staff.get(f"/medewerkers/aanvragen/{ask_contact(app, client, firms['f'][0])}")
    assert "Het bedrijf deed de scan één keer" in single.get_data(as_text=True)


def test_staff_see_chains_and_links_only_of_leads_they_may_see(app, client, firms):
    lead = ask_contact(app, client, firms["a"][0])
    rescan_lead = ask_contact(app, client, firms["a"][2])
    utrecht, _ = signed_in_client(app, "medewerker", "utrecht")
    page = f"/medewerkers/aanvragen/{rescan_lead}"
    handed = post_form(
        utrecht, f"{page}/doorsturen", {"werkplaats": "fryslan", "reason": "Verhuisd"}, page
    )
    assert handed.status_code == 303
    fryslan, _ = signed_in_client(app, "medewerker", "fryslan")
    response = fryslan.get(f"/medewerkers/aanvragen/{lead}")
    assert response.status_code == 404 and "scan-chain" not in response.get_data(as_text=True)
    assert utrecht.get(page).status_code == 404
    # Each sees the whole chain of its own lead, with no link to the other's.
    assert [row[0] for row in chain_rows(fryslan, rescan_lead)] == [
        "10-01-2026",
        "05-03-2026",
        "31-03-2026 (deze aanvraag)",
    ]
    html = utrecht.get(f"/medewerkers/aanvragen/{lead}").get_data(as_text=True)
    assert [row[0] for row in table(html, "scan-chain")[1:]] == [
        "10-01-2026 (deze aanvraag)",
        "05-03-2026",
        "31-03-2026",
    ]
    assert f"/medewerkers/aanvragen/{rescan_lead}" not in html
    admin, _ = signed_in_client(app, "admin")
    assert chain_rows(admin, lead)[2][0] == "31-03-2026 naar de aanvraag"


def test_the_export_has_the_t0_and_t1_scores_of_each_leads_chain(app, client, bank, firms):
    ask_contact(app, client, firms["a"][0])
    ask_contact(app, client, firms["a"][2])
    ask_contact(app, client, firms["f"][0])
    ask_contact(app, client, firms["g"][0])
    staff, _ = signed_in_client(app, "medewerker", "utrecht")
    with statements(app) as sent:
        response = staff.get("/medewerkers/aanvragen/export.csv")
        body = response.get_data(as_text=True)
    assert len([s for s in sent if "chain_up" in s]) == 1  # for all leads at once
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    themes = [theme.title for theme in bank.themes]
    assert header[-10:] == [
        "T0 datum",
        "T0 totaal",
        *(f"T0 {t}" for t in themes),
        "T1 datum",
        "T1 totaal",
        *(f"T1 {t}" for t in themes),
    ]
    scores = sorted(row[-10:] for row in rows[1:])
    # A's two leads: T0 its first scan (LOW), T1 its newest (OSM, 31 March). F: one scan,
    # no T1. G: T0 only; its re-scan is a draft.
    assert scores == sorted(
        [
            ["2026-01-10", "0", "0", "0", "0", "2026-03-31", "33", "100", "0", "0"],
            ["2026-01-10", "0", "0", "0", "0", "2026-03-31", "33", "100", "0", "0"],
            ["2026-03-02", "100", "100", "100", "100", "", "", "", "", ""],
            ["2026-01-10", "0", "0", "0", "0", "", "", "", "", ""],
        ]
    )
    xlsx = staff.get("/medewerkers/aanvragen/export.xlsx").get_data()
    strings = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/sharedStrings.xml").decode()
    assert "T0 totaal" in strings and f"T1 {themes[-1]}" in strings
