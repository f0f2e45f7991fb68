"""The dashboard's spread per theme: a werkplaats against the network, per sector and size,
with the guard of 15 scans. Seeded scans with known scores; runs on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.integration.test_staff_rescans import table
from tests.peers import FIFTEEN, seed_scans
from tests.staff import signed_in_client

DASHBOARD = "/medewerkers/cijfers"


def rows(html: str, table_id: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table(html, table_id)[1:]}


def test_a_werkplaats_sees_its_spread_against_the_network_and_per_sector_and_size(app):
    seed_scans(app, "detailhandel", "micro", FIFTEEN, werkplaats_id="utrecht")
    seed_scans(app, "bouw", "micro", [(0, 0, 0)] * 5, werkplaats_id="fryslan")
    client, _ = signed_in_client(app, werkplaats_id="utrecht")
    html = client.get(DASHBOARD).get_data(as_text=True)
    groups = rows(html, "spreiding-groepen")
    assert groups["MKB Werkplaats Utrecht"] == [
        "15",
        "35 tot 100 (midden 70)",
        "50 (midden 50)",
        "17,5 tot 52,5 (midden 35)",
    ]
    # The network: those 15 and 5 scans of 0. osm: 0 x6, 10..90, 100 x5 (20 scores, m = 19):
    # divmod(19, 4) = (4, 3) -> (0 + 3 * 0) / 4; (9, 2) -> (40 + 50) / 2; (14, 1) -> 92.5.
    assert groups["Hele netwerk"] == [
        "20",
        "0 tot 92,5 (midden 45)",
        "37,5 tot 50 (midden 50)",
        "0 tot 46,25 (midden 22,5)",
    ]
    sectors = rows(html, "spreiding-sectoren")
    assert sectors["Detailhandel"][0] == "15"
    assert sectors["Bouw en installatie"] == ["minder dan 15", *["te weinig scans"] * 3]
    assert rows(html, "spreiding-groottes")["2 tot en met 9 mensen"][0] == "20"
    assert 'id="spreiding-data-title"' in html


def test_fourteen_scans_are_not_shown_fifteen_are(app):
    seed_scans(app, "horeca", "klein", FIFTEEN[:14], werkplaats_id="fryslan")
    client, _ = signed_in_client(app, werkplaats_id="fryslan")
    groups = rows(client.get(DASHBOARD).get_data(as_text=True), "spreiding-groepen")
    assert groups["Digitale Werkplaats Fryslân"][0] == "minder dan 15"
    assert groups["Hele netwerk"][1] == "te weinig scans"
    seed_scans(app, "horeca", "klein", FIFTEEN[14:], werkplaats_id="fryslan")
    groups = rows(client.get(DASHBOARD).get_data(as_text=True), "spreiding-groepen")
    assert groups["Digitale Werkplaats Fryslân"][:2] == ["15", "35 tot 100 (midden 70)"]


def test_an_admin_sees_the_network_and_the_national_queue(app):
    seed_scans(app, "detailhandel", "micro", FIFTEEN)  # no werkplaats: the national queue
    client, _ = signed_in_client(app, role="admin")
    network = rows(client.get(DASHBOARD).get_data(as_text=True), "spreiding-groepen")
    assert list(network) == ["Hele netwerk"]
    queue = client.get(f"{DASHBOARD}?werkplaats=landelijk").get_data(as_text=True)
    assert rows(queue, "spreiding-groepen")["Landelijke wachtrij"][0] == "15"
