"""Shared fixtures: an app on a fresh database per test, its client and CLI runner.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Each
pytest-xdist worker gets a database of its own so that workers never see each other's rows.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scan import create_app
from scan.config import normalise_database_url
from scan.db import Base, alembic_config, database, upgrade_to_head
from scan.werkplaatsen import seed_werkplaatsen
from tests.mailserver import start_smtp

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-check"
#: The controller that /privacy names; production refuses to start without it.
PRIVACY_CONTROLLER = {
    "PRIVACY_CONTROLLER": "Stichting Voorbeeld",
    "PRIVACY_ADDRESS": "Voorbeeldstraat 1, 1234 AB Voorbeeld",
    "PRIVACY_EMAIL": "privacy@voorbeeld.nl",
}


#: A secret key that production accepts (long, not repeated, many different characters).
PRODUCTION_SECRET = "Zq8-test-only-production-key-4nM2vX7wL1pR9sT3yB6"


@pytest.fixture(scope="session")
def redis_url(worker_id: str) -> str:
    """A Redis database of this xdist worker's own, emptied at the start: production settings
    count rate limits there, and counts left by an earlier run must not limit this one."""
    import redis

    number = {"master": 13, "gw0": 14, "gw1": 15}.get(worker_id, 12)
    url = f"redis://127.0.0.1:6379/{number}"
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(scope="session")
def production_settings(redis_url: str) -> dict[str, str]:
    """What production needs to start: a strong secret, shared rate limits, a controller."""
    return {
        "SCAN_ENV": "production",
        "SECRET_KEY": PRODUCTION_SECRET,
        "RATELIMIT_STORAGE_URI": redis_url,
        **PRIVACY_CONTROLLER,
    }


def _postgres_database_for_worker(url: str, worker: str) -> str:
    """Create (afresh) a database of this worker's own next to the one in the URL."""
    base = make_url(normalise_database_url(url))
    name = f"{base.database}_{worker}".replace("-", "_")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """Return a migrated, empty database for this test session (or xdist worker)."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        url = _postgres_database_for_worker(configured, worker_id)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'scan.db'}"
    app = create_app({"SCAN_ENV": "testing", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url})
    upgrade_to_head(app)
    _reset(app)
    database(app).engine.dispose()
    return url


@pytest.fixture
def fresh_app(tmp_path, worker_id):
    """An app on an empty database of this test's own, to migrate step by step."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        url = _postgres_database_for_worker(configured, f"{worker_id}_steps")
    else:
        url = f"sqlite:///{tmp_path / 'steps.db'}"
    app = create_app({"SCAN_ENV": "testing", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url})
    yield app
    database(app).engine.dispose()
    if not configured:
        return
    admin = create_engine(
        make_url(normalise_database_url(configured)), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        name = make_url(url).database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrate(app, revision: str, down: bool = False) -> None:
    """Upgrade (or downgrade) the app's database to one revision."""
    with database(app).engine.begin() as connection:
        config = alembic_config(app)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _reset(app) -> None:
    """Empty every table, then seed the werkplaatsen as `flask --app scan init` does."""
    with database(app).sessions() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        seed_werkplaatsen(session, app.extensions["scan.werkplaats_seeds"])
        session.commit()


SCAN_FORM = re.compile(r"^(?:https?://[^/]+)?(?:/embed)?/scan/([^/]+)/")
CONSENT_FOR = re.compile(r'name="consent_for" value="([^"]*)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


class JourneyClient(FlaskClient):
    """A test client that posts a journey form as a browser showing our page would.

    It opens the page first and sends what the page carries: the form token and, on the
    contact page, whom the consent names. So a page that lost either fails the tests. When
    the page is not shown now (sent already, or a step not open yet), it sends what the last
    page of that scan carried, as a tab left open would. A test that wants to send its own
    token passes form_token itself.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown: dict[str, dict[str, str]] = {}  # per scan token: what its pages carried

    def get(self, url, *args, **kwargs):
        response = super().get(url, *args, **kwargs)
        match = SCAN_FORM.match(url)
        if match and response.status_code == 200 and response.mimetype == "text/html":
            carried = self.shown.setdefault(match.group(1), {})
            html = response.get_data(as_text=True)
            for name, pattern in (("form_token", FORM_TOKEN), ("consent_for", CONSENT_FOR)):
                found = pattern.search(html)
                if found:
                    carried[name] = found.group(1)
        return response

    def post(self, url, *args, **kwargs):
        data = kwargs.get("data")
        match = SCAN_FORM.match(url)
        if match and (data is None or isinstance(data, dict)):
            self.get(url)  # the page the form is on, as the browser showed it
            kwargs["data"] = {**self.shown.get(match.group(1), {}), **(data or {})}
        return super().post(url, *args, **kwargs)


@pytest.fixture
def make_app(database_url: str):
    """Return a factory for apps on the test database; every table is emptied afterwards."""
    apps = []

    def factory(**overrides):
        config = {
            "SCAN_ENV": "testing",
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url,
            "SERVER_NAME": "scan.test",
        }
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = JourneyClient
        apps.append(app)
        return app

    yield factory
    for app in apps:
        if app.config["DATABASE_URL"] == normalise_database_url(database_url):
            _reset(app)
        database(app).engine.dispose()


@pytest.fixture
def app(make_app):
    """The app under test, on a database with only the seeded werkplaatsen."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


#: The test client's address; rate limits count per network (tests/integration/test_rate_limits).
LOOPBACK = "127.0.0.0/8 ::1/128"


@pytest.fixture
def unlimited_client(make_app):
    """A test client whose address is exempt from the rate limits: for tests that send
    hundreds of generated requests and look at something else than the limits."""
    return make_app(RATE_LIMIT_EXEMPT=LOOPBACK).test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()


@pytest.fixture
def bank(app):
    """The question bank the app loaded."""
    return app.extensions["scan.bank"]


#: Where lead notifications go in the tests that send mail (mail_app).
NATIONAL_INBOX = "leads@netwerk.test"


@pytest.fixture
def smtp():
    """A real SMTP server on loopback: (its port, the list of messages it received)."""
    controller, inbox = start_smtp()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    """The app, sending its mail to the `smtp` test server."""
    port, _ = smtp
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_NATIONAL_INBOX=NATIONAL_INBOX)


@pytest.fixture
def catalogue(app):
    """The advice catalogue the app loaded."""
    return app.extensions["scan.catalogue"]


def _is_local(address) -> bool:
    if isinstance(address, str):  # a Unix socket path
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that opens a connection to another host: the product makes none."""
    original = socket.socket.connect

    def guarded(sock, address):
        if not _is_local(address):
            raise AssertionError(f"test tried to connect to {address!r}")
        return original(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield
