"""List the weight of every page of the anonymous journey with its CSS and JavaScript.

Each page is fetched through the Flask test client on a fresh SQLite database, together with
every stylesheet, script and icon it links to (uncompressed bytes, as a browser would
receive them without gzip). The budget is 56 KB per page; the exit status is 1 when a page is
over it.

Usage, from the project root:

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# 40 KB until 2026-12: the weakest firm's result page now carries every safety step (eight
# since phishing got its own, bank 2026.12-2) and two other advice cards, each with its text
# folded in (no extra request, works without JavaScript); about 13 KB with gzip.
BUDGET = 56 * 1024
ASSET = re.compile(r'(?:<link[^>]+href|<script[^>]+src)="(/static/[^"]+)"')


def journey_weights(client, app) -> list[tuple[str, int, int]]:
    """Walk the journey and return (page, html bytes, asset bytes) of every page on the way."""
    from scan.records.scans import step_ids
    from tests.journey import step_formdata
    from tests.strategies import lowest_answer

    bank = app.extensions["scan.bank"]
    rows = [
        (name, *measure(client, url))
        for name, url in (("landing", "/"), ("embed landing", "/embed/"), ("privacy", "/privacy"))
    ]
    token = client.post("/scan").headers["Location"].split("/")[-2]
    for step in step_ids(bank):
        rows.append((f"step {step}", *measure(client, f"/scan/{token}/{step}")))
        client.post(f"/scan/{token}/{step}", data=step_formdata(bank, step, lowest_answer))
    rows.append(("result", *measure(client, f"/scan/{token}/resultaat")))
    rows.append(("contact", *measure(client, f"/scan/{token}/contact")))
    client.post(
        f"/scan/{token}/contact",
        data={"name": "Sam", "company": "Sam BV", "email": "sam@bv.test", "consent": "ja"},
    )
    rows.append(("contact sent", *measure(client, f"/scan/{token}/contact/verstuurd")))
    rows.append(("erase", *measure(client, f"/scan/{token}/verwijderen")))
    return rows


def measure(client, url: str) -> tuple[int, int]:
    """Return (html bytes, bytes of the linked static assets) of one page."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data()
    assets = 0
    for path in sorted(set(ASSET.findall(html.decode()))):
        asset = client.get(path)
        assets += len(asset.get_data())
        asset.close()
    return len(html), assets


def main() -> int:
    from scan import create_app
    from scan.db import database, upgrade_to_head
    from scan.werkplaatsen import seed_werkplaatsen
    from tests.conftest import JourneyClient

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SCAN_ENV": "testing",
                "SECRET_KEY": "w" * 40,
                "DATABASE_URL": f"sqlite:///{tmp}/weight.db",
                "LOG_LEVEL": "WARNING",
                "MAIL_NATIONAL_INBOX": "leads@netwerk.test",
            }
        )
        app.test_client_class = JourneyClient
        upgrade_to_head(app)
        with database(app).sessions() as session:
            seed_werkplaatsen(session, app.extensions["scan.werkplaats_seeds"])
            session.commit()
        client = app.test_client()
        rows = journey_weights(client, app)
        database(app).engine.dispose()
    print(f"{'page':<34}{'HTML':>9}{'CSS+JS':>9}{'total':>9}")
    over = []
    for name, html, assets in rows:
        total = html + assets
        flag = "" if total <= BUDGET else "  OVER BUDGET"
        print(f"{name:<34}{html:>9,}{assets:>9,}{total:>9,}{flag}")
        if total > BUDGET:
            over.append(name)
    heaviest = max(rows, key=lambda row: row[1] + row[2])
    verdict = "OK" if not over else "OVER: " + ", ".join(over)
    print(
        f"heaviest: {heaviest[0]}, {heaviest[1] + heaviest[2]:,} bytes "
        f"(budget {BUDGET:,}): {verdict}"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
