"""Pure routing: a PC4 -> its centroid -> the nearest active werkplaats, claims first.

The centroids come from GeoNames (see scan/data/ATTRIBUTION.md); a PC4 missing from the table
falls back to the centroid of its two-digit area.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Centroid:
    """Where a PC4 lies, and whether that is its own centroid or its area's."""

    lat: float
    lon: float
    precision: str  # "pc4" or "pc2"


@dataclass(frozen=True)
class Site:
    """What routing needs to know of a werkplaats."""

    id: str
    lat: float
    lon: float
    active: bool = True
    #: Inclusive PC4 ranges the werkplaats explicitly serves, e.g. ((8000, 8099),).
    claims: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Route:
    """The werkplaats a PC4 goes to, how far away it is, and why."""

    site: Site
    distance_km: float
    claimed: bool
    precision: str


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres."""
    phi1, lam1, phi2, lam2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin((lam2 - lam1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("scan").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def pc4_table() -> dict[str, tuple[float, float]]:
    """Return every PC4 in the derived table with its (lat, lon)."""
    return {row["pc4"]: (float(row["lat"]), float(row["lon"])) for row in _read("pc4.csv")}


@cache
def pc2_table() -> dict[str, tuple[float, float]]:
    """Return every two-digit area with the mean of its PC4 centroids."""
    return {row["pc2"]: (float(row["lat"]), float(row["lon"])) for row in _read("pc2.csv")}


def centroid(pc4: str) -> Centroid | None:
    """Return the centroid of a PC4, falling back to its two-digit area; None if unknown."""
    if pc4 in pc4_table():
        return Centroid(*pc4_table()[pc4], "pc4")
    if pc4[:2] in pc2_table():
        return Centroid(*pc2_table()[pc4[:2]], "pc2")
    return None


def parse_claims(ranges: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Turn claims like '8000-8099' or '9712' into inclusive integer ranges."""
    claims = []
    for text in ranges:
        low, _, high = text.partition("-")
        low_n, high_n = int(low), int(high or low)
        if not (1000 <= low_n <= high_n <= 9999):
            raise ValueError(f"not a PC4 range: {text!r}")
        claims.append((low_n, high_n))
    return tuple(claims)


def route(pc4: str | None, sites: Iterable[Site]) -> Route | None:
    """Return the werkplaats for a PC4: a claiming one, else the nearest active one.

    No postcode, no known centroid or no active werkplaats: None (the national queue).
    """
    if not pc4:
        return None
    point = centroid(pc4)
    if point is None:
        return None
    active = [s for s in sites if s.active]
    if not active:
        return None
    number = int(pc4)
    claiming = [s for s in active if any(lo <= number <= hi for lo, hi in s.claims)]
    candidates = claiming or active

    def distance(site: Site) -> float:
        return haversine_km(point.lat, point.lon, site.lat, site.lon)

    # Ties (two claims, or equal distances) go to the lowest id, so routing is deterministic.
    best = min(candidates, key=lambda s: (distance(s), s.id))
    return Route(best, distance(best), bool(claiming), point.precision)
