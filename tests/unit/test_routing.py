"""Routing: every PC4 resolves, claims win, the nearest active werkplaats otherwise."""

from __future__ import annotations

import csv
import math
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan.domain.routing import (
    Site,
    centroid,
    haversine_km,
    parse_claims,
    pc2_table,
    pc4_table,
    route,
)

# A fixture set of werkplaatsen in well-known cities (not the shipped seed: tests of the
# algorithm must not change when a werkplaats is added to the product).
LEEUWARDEN = Site("leeuwarden", 53.2012, 5.7999)
GRONINGEN = Site("groningen", 53.2194, 6.5665)
UTRECHT = Site("utrecht", 52.0907, 5.1214)
EINDHOVEN = Site("eindhoven", 51.4416, 5.4697)
ROTTERDAM = Site("rotterdam", 51.9244, 4.4777)
SITES = [LEEUWARDEN, GRONINGEN, UTRECHT, EINDHOVEN, ROTTERDAM]


def test_table_is_not_empty_and_has_sane_coordinates():
    table = pc4_table()
    assert len(table) > 4000
    for pc4, (lat, lon) in table.items():
        assert len(pc4) == 4 and pc4[0] != "0"
        assert 50.7 <= lat <= 53.6 and 3.3 <= lon <= 7.3, pc4


def test_every_pc4_in_the_table_resolves_to_a_werkplaats():
    for pc4 in pc4_table():
        found = route(pc4, SITES)
        assert found is not None, pc4
        assert found.precision == "pc4"


@pytest.mark.parametrize(
    ("pc4", "expected"),
    [
        ("8911", "leeuwarden"),  # Leeuwarden
        ("9001", "leeuwarden"),  # Grou
        ("9711", "groningen"),  # Groningen
        ("9401", "groningen"),  # Assen
        ("3511", "utrecht"),  # Utrecht
        ("3811", "utrecht"),  # Amersfoort
        ("5611", "eindhoven"),  # Eindhoven
        ("5211", "eindhoven"),  # 's-Hertogenbosch
        ("3011", "rotterdam"),  # Rotterdam
        ("2511", "rotterdam"),  # Den Haag
        ("4331", "rotterdam"),  # Middelburg, Zeeland: no werkplaats, the nearest one
        ("6211", "eindhoven"),  # Maastricht
    ],
)
def test_known_postcodes_route_to_the_expected_werkplaats(pc4, expected):
    assert route(pc4, SITES).site.id == expected


@pytest.mark.parametrize(
    ("pc4", "near"),
    [
        ("1234", (52.24, 5.14)),  # Loosdrecht/Hilversum area, not Lemiers in Limburg
        ("1954", (52.50, 4.66)),  # Velsen/Heemskerk area, not Tiel
        ("3062", (51.93, 4.53)),  # Rotterdam-Kralingen, not the North Sea
        ("5217", (51.70, 5.30)),  # 's-Hertogenbosch, not The Hague
        ("7146", (52.06, 6.63)),  # Achterhoek, not Deventer
    ],
)
def test_misplaced_geonames_rows_are_corrected(pc4, near):
    point = centroid(pc4)
    assert haversine_km(point.lat, point.lon, *near) < 10


def test_table_marks_every_changed_row():
    text = resources.files("scan").joinpath("data", "pc4.csv").read_text("utf-8")
    statuses = {row["pc4"]: row["status"] for row in csv.DictReader(text.splitlines())}
    for pc4 in ("1234", "1954", "3062", "5217", "7146"):
        assert statuses[pc4] == "corrected"
    assert set(statuses.values()) == {"geonames", "cleaned", "corrected"}


def test_missing_pc4_falls_back_to_its_two_digit_area():
    missing = next(
        f"{n:04d}"
        for n in range(1000, 10000)
        if f"{n:04d}" not in pc4_table() and f"{n:04d}"[:2] in pc2_table()
    )
    point = centroid(missing)
    assert point.precision == "pc2"
    assert (point.lat, point.lon) == pc2_table()[missing[:2]]
    assert route(missing, SITES).precision == "pc2"


def test_distance_is_the_great_circle_distance_to_the_centroid():
    found = route("3511", SITES)
    lat, lon = pc4_table()["3511"]
    assert found.distance_km == pytest.approx(haversine_km(lat, lon, UTRECHT.lat, UTRECHT.lon))
    assert found.distance_km < 3


def test_haversine_known_distance():
    # Amsterdam Centraal to Utrecht Centraal is about 35 km as the crow flies.
    assert haversine_km(52.3791, 4.9003, 52.0894, 5.1100) == pytest.approx(35.3, abs=0.5)
    assert haversine_km(52.0, 5.0, 52.0, 5.0) == 0


def test_claims_win_over_distance():
    claiming = Site("claims-utrecht", 53.2194, 6.5665, claims=parse_claims(["3500-3599"]))
    found = route("3511", [UTRECHT, claiming])
    assert found.site.id == "claims-utrecht" and found.claimed
    assert found.distance_km > 100
    assert route("3811", [UTRECHT, claiming]).site.id == "utrecht"


def test_inactive_werkplaatsen_are_skipped_and_none_means_the_national_queue():
    inactive = Site("utrecht", UTRECHT.lat, UTRECHT.lon, active=False)
    assert route("3511", [inactive, ROTTERDAM]).site.id == "rotterdam"
    assert route("3511", [inactive]) is None
    assert route(None, SITES) is None
    assert route("", SITES) is None


def test_inactive_claim_does_not_capture_postcodes():
    claiming = Site("x", 53.0, 6.0, active=False, claims=((3500, 3599),))
    assert route("3511", [UTRECHT, claiming]).site.id == "utrecht"


@pytest.mark.parametrize("claim", ["0999-1100", "5000-4000", "12345", "abc"])
def test_malformed_claims_are_refused(claim):
    with pytest.raises(ValueError):
        parse_claims([claim])


# No deadline: the first example may load the PC4 table; speed is bench/'s job.
@settings(deadline=None)
@given(st.integers(1000, 9999))
def test_route_is_the_nearest_active_site_for_any_pc4(number):
    pc4 = f"{number:04d}"
    found = route(pc4, SITES)
    point = centroid(pc4)
    if point is None:
        assert found is None
        return
    distances = [haversine_km(point.lat, point.lon, s.lat, s.lon) for s in SITES]
    assert math.isclose(found.distance_km, min(distances))
