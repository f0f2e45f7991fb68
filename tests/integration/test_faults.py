"""Faults: a database that is down or locked costs the ondernemer nothing they typed."""

from __future__ import annotations

import re
import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from scan.db import database
from scan.journey.forgery import issue_form_token
from scan.staff.web import session_cookie_name
from tests.journey import start_scan, step_formdata
from tests.strategies import asked, best_answer, first_sector


def checked(html: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{re.escape(name)}" value="([^"]+)"\s+checked', html))


@pytest.fixture
def down_app(make_app, tmp_path):
    # A SQLite file in a folder that does not exist cannot be opened: the database is down.
    return make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'weg' / 'scan.db'}")


def test_step_posted_while_the_database_is_down_comes_back_with_the_answers(down_app, bank):
    client = down_app.test_client()
    theme = asked(bank).themes[0]
    # The page, shown before the database went down, names its sector (a hidden field), so it
    # comes back with that sector's options; its form token is the one that page carried.
    with down_app.test_request_context():
        form_token = issue_form_token("t" * 43)
    data = step_formdata(bank, theme.id) | {"sector": first_sector(bank), "form_token": form_token}
    response = client.post("/scan/" + "t" * 43 + f"/{theme.id}", data=data)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert "verstuur het formulier over een minuut opnieuw" in html
    for question in theme.questions:
        expected = best_answer(question)
        assert checked(html, question.id) == (
            set(expected) if isinstance(expected, list) else {expected}
        )
    assert 'name="form_token"' in html  # ready to be sent again
    assert f'name="sector" value="{first_sector(bank)}"' in html


def test_contact_posted_while_the_database_is_down_keeps_what_was_typed(down_app):
    client = down_app.test_client()
    response = client.post(
        "/scan/" + "t" * 43 + "/contact",
        data={
            "name": "Noor",
            "company": "Noor Bloemen",
            "email": "noor@bloemen.test",
            "consent": "ja",
        },
    )
    assert response.status_code == 503 and response.headers["Retry-After"]
    html = response.get_data(as_text=True)
    assert 'value="Noor Bloemen"' in html and 'value="noor@bloemen.test"' in html
    # The consent is ticked again on a page that can name who receives the details.
    assert 'name="consent" value="ja" checked' not in html


def test_postcode_posted_while_the_database_is_down_keeps_it(down_app):
    response = down_app.test_client().post(
        "/scan/" + "t" * 43 + "/postcode", data={"postcode": "3511 AB"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert 'value="3511 AB"' in response.get_data(as_text=True)


def test_staff_pages_say_what_a_503_means_for_staff(down_app):
    client = down_app.test_client()
    with down_app.test_request_context():
        cookie = session_cookie_name()
    # Checking a session cookie needs the database.
    client.set_cookie(cookie, "een-sessie", domain="scan.test", path="/medewerkers")
    response = client.get("/medewerkers/aanvragen")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert "misschien niet opgeslagen" in html and "Je antwoorden zijn niet verloren" not in html


def test_other_pages_answer_a_dutch_503_with_retry_after(down_app):
    for url in ("/api/v1/werkplaatsen", "/scan/" + "t" * 43 + "/resultaat"):
        response = down_app.test_client().get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "30"


def _hold_lock(app, ready: threading.Event, release: threading.Event) -> None:
    """Keep the scans table locked in another connection until released."""
    engine = database(app).engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # the driver's own connection: BEGIN as written here
        try:
            raw.driver_connection.execute("BEGIN EXCLUSIVE")
            ready.set()
            release.wait(30)
            raw.driver_connection.execute("ROLLBACK")
        finally:
            raw.close()
        return
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE scans IN ACCESS EXCLUSIVE MODE"))
        ready.set()
        release.wait(30)
        connection.rollback()


def test_a_locked_database_answers_503_and_the_same_post_works_afterwards(make_app, bank):
    app = make_app(DATABASE_TIMEOUT=0.3)
    client = app.test_client()
    token = start_scan(client)
    data = step_formdata(bank, "profiel")
    assert client.get(f"/scan/{token}/profiel").status_code == 200  # shown before the lock
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(app, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        locked = client.post(f"/scan/{token}/profiel", data=data)
        assert locked.status_code == 503
        assert checked(locked.get_data(as_text=True), "sector") == {data["sector"]}
    finally:
        release.set()
        holder.join(10)
    again = client.post(f"/scan/{token}/profiel", data=data)
    assert again.status_code == 303  # sent again once the lock is gone: stored


def _drop_other_connections(app) -> int:
    """Do to the app's pooled connections what a PostgreSQL restart does: end them."""
    # A connection of its own, outside the app's pool, which would hand out a pooled one.
    outside = create_engine(database(app).engine.url, poolclass=NullPool)
    with outside.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
        connection.commit()
    outside.dispose()
    return ended


def test_after_a_database_restart_a_post_fails_once_with_its_answers_then_works(app, bank):
    # The pool does not ping before each request (a round trip saved on every page), so the
    # first request on a connection the server has closed fails: with the Dutch 503 page and
    # the answers, as when the database is down. SQLAlchemy then replaces the pool.
    if database(app).engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file has no server that can restart")
    client = app.test_client()
    token = start_scan(client)
    data = step_formdata(bank, "profiel")
    page = client.get(f"/scan/{token}/profiel")
    assert page.status_code == 200
    form_token = re.search(r'name="form_token" value="([^"]+)"', page.get_data(as_text=True))
    assert _drop_other_connections(app) >= 1
    # The form sent from the page shown before the restart: the first request afterwards
    # (the test client would open the page again first, which would then take the failure).
    first = FlaskClient.post(
        client, f"/scan/{token}/profiel", data={**data, "form_token": form_token.group(1)}
    )
    assert first.status_code == 503 and first.headers["Retry-After"] == "30"
    assert checked(first.get_data(as_text=True), "sector") == {data["sector"]}
    assert client.post(f"/scan/{token}/profiel", data=data).status_code == 303
    for _ in range(3):  # every later request, on any pooled connection, works again
        assert client.get(f"/scan/{token}").status_code == 303
