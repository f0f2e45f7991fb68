"""The last place goes to one sign-up only: sign-ups at once through a threaded server.

Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL): on SQLite the sign-up's transaction
holds the write lock from its start, on PostgreSQL the session's row is locked FOR UPDATE
after the scan's, and the places are counted under that lock.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from scan.db import database
from scan.records.offer_models import REGISTERED, WAITING, Registration
from tests.conftest import LOOPBACK
from tests.offer import PERSON, make_training, utrecht_scan
from tests.serving import serving

PARALLEL = 8
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our server
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _statuses(app) -> list[str]:
    with database(app).sessions() as session:
        return list(session.scalars(select(Registration.status).order_by(Registration.id)))


def test_the_last_place_is_given_once_through_the_api(make_app):
    app = make_app(SERVER_NAME=None, RATE_LIMIT_EXEMPT=LOOPBACK)
    bank = app.extensions["scan.bank"]
    training_id = make_training(app, places=1)
    client = app.test_client()
    tokens = [utrecht_scan(client, bank) for _ in range(PARALLEL)]
    with serving(app) as netloc:

        def attempt(index: int) -> int:
            body = {
                **PERSON,
                "email": f"ondernemer{index}@bedrijf.test",
                "session": training_id,
                "consent": True,
            }
            request = urllib.request.Request(
                f"http://{netloc}/api/v1/scans/{tokens[index]}/registrations",
                json.dumps(body).encode(),
                {"Content-Type": "application/json"},
            )
            return _status(request)

        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            statuses = sorted(pool.map(attempt, range(PARALLEL)))
    assert statuses == [201] + [409] * (PARALLEL - 1)
    assert _statuses(app) == [REGISTERED]


def test_web_sign_ups_at_once_fill_the_places_then_the_waiting_list(make_app):
    app = make_app(SERVER_NAME=None, RATE_LIMIT_EXEMPT=LOOPBACK)
    bank = app.extensions["scan.bank"]
    training_id = make_training(app, places=2)
    client = app.test_client()
    tokens = [utrecht_scan(client, bank) for _ in range(PARALLEL)]
    with serving(app) as netloc:
        forms = []
        for token in tokens:
            url = f"http://{netloc}/scan/{token}/aanmelden/{training_id}"
            with urllib.request.urlopen(url, timeout=30) as page:  # noqa: S310 - our server
                forms.append((url, FORM_TOKEN.search(page.read().decode()).group(1)))

        def attempt(index: int) -> int:
            url, form_token = forms[index]
            body = {
                **PERSON,
                "email": f"ondernemer{index}@bedrijf.test",
                "consent": "ja",
                "consent_for": "utrecht",
                "waiting_list": "ja",
                "form_token": form_token,
            }
            request = urllib.request.Request(
                url,
                urllib.parse.urlencode(body).encode(),
                {"Origin": f"http://{netloc}"},
            )
            return _status(request)

        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            statuses = set(pool.map(attempt, range(PARALLEL)))
    assert statuses == {200}  # each followed its 303 to the confirmation
    found = _statuses(app)
    assert sorted(found) == sorted([REGISTERED] * 2 + [WAITING] * (PARALLEL - 2))
