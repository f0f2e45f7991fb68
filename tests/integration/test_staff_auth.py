"""Staff sign-in: passwords, lockout, sessions, cookies, CSRF and the rate limit."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from sqlalchemy import func, select

from scan.config import PROJECT_ROOT
from scan.db import database
from scan.models import utcnow
from scan.staff.auth import IDLE_TIMEOUT, MAX_FAILED_LOGINS
from scan.staff.models import AuditEvent, StaffSession, StaffUser
from tests.conftest import PRIVACY_CONTROLLER
from tests.staff import PASSWORD, csrf_from, make_user, sign_in, signed_in_client


def user_row(app, email) -> StaffUser:
    with database(app).sessions() as session:
        return session.scalars(select(StaffUser).where(StaffUser.email == email)).one()


def cookie(client, name="scan_staff"):
    return client.get_cookie(name, domain="scan.test", path="/medewerkers")


def test_sign_in_starts_a_session_with_safe_cookie_flags(app):
    _, email = make_user(app)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/medewerkers/aanvragen"
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("scan_staff="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/medewerkers" in header
    assert client.get("/medewerkers/aanvragen").status_code == 200
    with database(app).sessions() as session:
        stored = session.scalars(select(StaffSession)).one()
    assert stored.key_hash != cookie(client).value  # only a hash is stored


def test_production_cookies_are_secure_and_prefixed(make_app):
    app = make_app(SCAN_ENV="production", **PRIVACY_CONTROLLER)
    _, email = make_user(app)
    client = app.test_client()
    page = client.get("/medewerkers/inloggen", base_url="https://scan.test")
    assert "Secure" in page.headers["Set-Cookie"]
    response = client.post(
        "/medewerkers/inloggen",
        base_url="https://scan.test",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if "scan_staff=" in h)
    assert header.startswith("__Secure-scan_staff=") and "Secure" in header


def test_wrong_password_and_unknown_account_get_the_same_dutch_answer(app):
    _, email = make_user(app)
    client = app.test_client()
    wrong = sign_in(client, email, "verkeerd-wachtwoord")
    unknown = sign_in(client, "niemand@werkplaats.test", "verkeerd-wachtwoord")
    assert wrong.status_code == unknown.status_code == 422
    for response in (wrong, unknown):
        assert "horen niet bij elkaar" in response.get_data(as_text=True)
    assert f'value="{email}"' in wrong.get_data(as_text=True)  # what was typed is kept
    assert user_row(app, email).failed_logins == 1


def test_ten_wrong_passwords_lock_the_account_visibly_for_an_admin(app):
    _, email = make_user(app)
    client = app.test_client()
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert "horen niet bij elkaar" in sign_in(client, email, "fout").get_data(as_text=True)
    locked = sign_in(client, email, "fout")
    assert "tijdelijk geblokkeerd" in locked.get_data(as_text=True)
    # Even the right password is refused while the lock lasts.
    right = sign_in(client, email)
    assert right.status_code == 422 and "tijdelijk geblokkeerd" in right.get_data(as_text=True)
    row = user_row(app, email)
    assert row.locked_until is not None
    admin, _ = signed_in_client(app, "admin")
    users_page = admin.get("/medewerkers/beheer/accounts").get_data(as_text=True)
    assert "Geblokkeerd tot" in users_page and f"Deblokkeer {email}" in users_page
    with database(app).sessions() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert (
        actions.count("auth.locked") == 1 and actions.count("auth.failed") == MAX_FAILED_LOGINS + 1
    )
    # The admin lifts the lock; the right password works again.
    page = admin.get("/medewerkers/beheer/accounts").get_data(as_text=True)
    unlock = admin.post(
        f"/medewerkers/beheer/accounts/{row.id}/deblokkeren", data={"csrf_token": csrf_from(page)}
    )
    assert unlock.status_code == 303
    assert sign_in(client, email).status_code == 303


def test_the_lock_ends_by_itself(app):
    _, email = make_user(app)
    client = app.test_client()
    for _ in range(MAX_FAILED_LOGINS):
        sign_in(client, email, "fout")
    with database(app).sessions() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        user.locked_until = utcnow() - timedelta(seconds=1)
        session.commit()
    assert sign_in(client, email).status_code == 303


def test_inactive_account_cannot_sign_in(app):
    _, email = make_user(app)
    with database(app).sessions() as session:
        session.scalars(select(StaffUser).where(StaffUser.email == email)).one().active = False
        session.commit()
    assert sign_in(app.test_client(), email).status_code == 422


def test_sign_out_really_ends_the_session(app):
    client, _ = signed_in_client(app)
    key = cookie(client).value
    page = client.get("/medewerkers/aanvragen").get_data(as_text=True)
    response = client.post("/medewerkers/uitloggen", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    with database(app).sessions() as session:
        assert session.scalar(select(func.count()).select_from(StaffSession)) == 0
    # A copy of the old cookie is worthless now.
    thief = app.test_client()
    thief.set_cookie("scan_staff", key, domain="scan.test", path="/medewerkers")
    assert thief.get("/medewerkers/aanvragen").status_code == 302


def test_each_sign_in_gets_a_new_session_and_ends_the_old_one(app):
    _, email = make_user(app)
    client = app.test_client()
    sign_in(client, email)
    first = cookie(client).value
    token = csrf_from(client.get("/medewerkers/aanvragen").get_data(as_text=True))
    again = client.post(
        "/medewerkers/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert again.status_code == 303
    assert cookie(client).value != first
    stale = app.test_client()
    stale.set_cookie("scan_staff", first, domain="scan.test", path="/medewerkers")
    assert stale.get("/medewerkers/aanvragen").status_code == 302


def test_idle_session_times_out(app):
    client, _ = signed_in_client(app)
    with database(app).sessions() as session:
        stored = session.scalars(select(StaffSession)).one()
        stored.last_seen_at = utcnow() - IDLE_TIMEOUT - timedelta(minutes=1)
        session.commit()
    response = client.get("/medewerkers/aanvragen")
    assert response.status_code == 302
    assert "/medewerkers/inloggen" in response.headers["Location"]


def test_missing_or_wrong_csrf_token_is_refused(app):
    client, _ = signed_in_client(app)
    for data in ({}, {"csrf_token": "0" * 64}):
        response = client.post("/medewerkers/uitloggen", data=data)
        assert response.status_code == 400
        assert "formulier is verlopen" in response.get_data(as_text=True)
    _, email = make_user(app)
    fresh = app.test_client()
    fresh.get("/medewerkers/inloggen")
    refused = fresh.post("/medewerkers/inloggen", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 400


def test_sign_in_is_rate_limited_per_address(make_app):
    app = make_app(SIGNIN_RATE_LIMIT="3 per minute")
    _, email = make_user(app)
    client = app.test_client()
    statuses = [sign_in(client, email, "fout").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert "Even rustig aan" in sign_in(client, email).get_data(as_text=True)


def test_next_only_leads_inside_the_staff_area(app):
    _, email = make_user(app)
    client = app.test_client()
    page = client.get("/medewerkers/inloggen?next=https://evil.example/").get_data(as_text=True)
    response = client.post(
        "/medewerkers/inloggen",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_from(page),
            "next": "https://evil.example/",
        },
    )
    assert response.headers["Location"] == "/medewerkers/aanvragen"


def test_signed_out_visitor_is_sent_to_sign_in_and_back(app):
    _, email = make_user(app)
    client = app.test_client()
    response = client.get("/medewerkers/cijfers")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(
        "/medewerkers/inloggen?next=/medewerkers/cijfers"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/medewerkers/cijfers"' in page
    back = client.post(
        "/medewerkers/inloggen",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_from(page),
            "next": "/medewerkers/cijfers",
        },
    )
    assert back.headers["Location"] == "/medewerkers/cijfers"


def test_staff_pages_are_never_cached_or_framed(app):
    client, _ = signed_in_client(app)
    response = client.get("/medewerkers/aanvragen")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_public_pages_still_set_no_cookie_for_a_signed_in_browser(app):
    client, _ = signed_in_client(app)
    response = client.get("/")
    assert "Set-Cookie" not in response.headers


def _create_user(env_app, *args, password="een-goed-wachtwoord-123"):
    return env_app.test_cli_runner().invoke(
        args=["create-user", *args, "--password-stdin"], input=password + "\n"
    )


def test_create_user_command(app):
    result = _create_user(
        app, "Nieuw@Werkplaats.test", "--role", "medewerker", "--werkplaats", "utrecht"
    )
    assert result.exit_code == 0, result.output
    assert user_row(app, "nieuw@werkplaats.test").werkplaats_id == "utrecht"
    assert (
        sign_in(app.test_client(), "nieuw@werkplaats.test", "een-goed-wachtwoord-123").status_code
        == 303
    )
    again = _create_user(app, "nieuw@werkplaats.test", "--role", "admin")
    assert again.exit_code == 2 and "exists already" in again.output
    no_werkplaats = _create_user(app, "x@werkplaats.test", "--role", "medewerker")
    assert no_werkplaats.exit_code == 2 and "werkplaats" in no_werkplaats.output
    short = _create_user(app, "y@werkplaats.test", "--role", "admin", password="kort")
    assert short.exit_code == 2 and "12 tekens" in short.output


def test_create_user_reads_no_password_from_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "scan", "create-user", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        env={"SCAN_ENV": "development", "PATH": "/usr/bin:/bin"},
    )
    assert "--password-stdin" in done.stdout and "--password " not in done.stdout
