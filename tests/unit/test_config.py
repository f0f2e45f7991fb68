"""Settings: safe defaults, environment variables, and production refusing the dev secret."""

from __future__ import annotations

import secrets

import pytest
from flask import Flask

from scan import create_app
from scan.config import (
    DEV_SECRET_KEY,
    ConfigError,
    check,
    defaults,
    from_environment,
    normalise_database_url,
)
from tests.conftest import PRIVACY_CONTROLLER, PRODUCTION_SECRET

#: Only its scheme is checked here; nothing connects.
REDIS = "redis://127.0.0.1:6379/0"


def test_defaults_are_not_the_testing_ones():
    config = defaults("/tmp/instance")
    assert config["SCAN_ENV"] == "production"
    assert config["SECRET_KEY"] == DEV_SECRET_KEY
    assert config["DATABASE_URL"] == "sqlite:////tmp/instance/scan.db"
    assert config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_production_refuses_the_development_secret():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        check(defaults("/tmp/instance"))


def test_production_refuses_a_short_secret():
    with pytest.raises(ConfigError, match="at least 32"):
        check({**defaults("/tmp/x"), "SECRET_KEY": "kort"})


CONTROLLER = PRIVACY_CONTROLLER
PRODUCTION = {
    **defaults("/tmp/x"),
    "SECRET_KEY": PRODUCTION_SECRET,
    "RATELIMIT_STORAGE_URI": REDIS,
    **CONTROLLER,
}


def test_production_accepts_a_real_secret_and_a_named_controller():
    check(
        {
            **defaults("/tmp/x"),
            "SECRET_KEY": PRODUCTION_SECRET,
            "RATELIMIT_STORAGE_URI": REDIS,
            **CONTROLLER,
        }
    )


@pytest.mark.parametrize("missing", list(CONTROLLER))
def test_production_refuses_to_start_without_the_controller(missing):
    settings = {
        **defaults("/tmp/x"),
        "SECRET_KEY": PRODUCTION_SECRET,
        "RATELIMIT_STORAGE_URI": REDIS,
        **CONTROLLER,
        missing: " ",
    }
    with pytest.raises(ConfigError, match=missing):
        check(settings)


def test_production_refuses_a_privacy_email_that_is_no_address():
    settings = {
        **defaults("/tmp/x"),
        "SECRET_KEY": PRODUCTION_SECRET,
        "RATELIMIT_STORAGE_URI": REDIS,
        **CONTROLLER,
    }
    with pytest.raises(ConfigError, match="PRIVACY_EMAIL"):
        check({**settings, "PRIVACY_EMAIL": "privacy"})


def test_development_may_use_the_development_secret():
    check({**defaults("/tmp/x"), "SCAN_ENV": "development"})


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="SCAN_ENV"):
        check({**defaults("/tmp/x"), "SCAN_ENV": "staging"})


def test_create_app_refuses_to_start_in_production_with_the_dev_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SCAN_ENV", "production")
    with pytest.raises(ConfigError):
        create_app()


def test_environment_variables_are_read_with_their_types():
    values = from_environment(
        {"DATABASE_URL": "sqlite:///x.db", "PROXY_COUNT": "1", "SECRET_KEY": "", "OTHER": "y"}
    )
    assert values == {"DATABASE_URL": "sqlite:///x.db", "PROXY_COUNT": 1}


def test_malformed_number_in_the_environment_is_named():
    with pytest.raises(ConfigError, match="PROXY_COUNT"):
        from_environment({"PROXY_COUNT": "twee"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///scan.db", "sqlite:///scan.db"),
    ],
)
def test_database_urls_use_the_installed_driver(url, expected):
    assert normalise_database_url(url) == expected


#: 40 characters, only five different ones, and no short piece repeated.
FIVE_CHARACTERS = "abcdeabcedbadcebeadcabdecbaedcbadeecabdc"


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("a" * 32, "repeated"),
        ("changeme" * 4, "repeated"),
        (DEV_SECRET_KEY + " ", "development key"),
        (FIVE_CHARACTERS, "fewer than 12 different characters"),
    ],
    ids=["a-32-times", "changeme-4-times", "development-key-and-a-space", "5-different-in-40"],
)
def test_production_refuses_a_guessable_secret(secret, reason):
    assert len(secret) >= 32  # long enough: refused for what it holds, not for its length
    with pytest.raises(ConfigError, match=f"SECRET_KEY .*{reason}"):
        check({**PRODUCTION, "SECRET_KEY": secret})


def test_the_five_character_secret_is_not_a_repeated_piece():
    """Keeps the parametrized case above testing the different-characters rule."""
    assert len(FIVE_CHARACTERS) == 40 and len(set(FIVE_CHARACTERS)) == 5
    assert not any(
        FIVE_CHARACTERS[:size] * (40 // size) == FIVE_CHARACTERS
        for size in range(1, 21)
        if 40 % size == 0
    )


@pytest.mark.parametrize("make_secret", [secrets.token_hex, secrets.token_urlsafe])
def test_production_accepts_a_generated_secret(make_secret):
    check({**PRODUCTION, "SECRET_KEY": make_secret(32)})


def test_production_refuses_debug_mode_naming_flask_debug():
    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        check({**PRODUCTION, "DEBUG": True})


def test_development_may_run_in_debug_mode():
    check({**PRODUCTION, "SCAN_ENV": "development", "DEBUG": True})


def test_production_refuses_memory_rate_limit_counters():
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        check({**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"})


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SCAN_RATE_LIMIT", "veel"),
        ("LEAD_RATE_LIMIT", "veel"),
        ("SIGNIN_RATE_LIMIT", "veel"),
        ("PDF_RATE_LIMIT", "veel"),
        ("RATE_LIMIT_EXEMPT", "geen-netwerk"),
        ("RATE_LIMIT_EXEMPT", "192.0.2.0/24 geen-netwerk"),
    ],
)
def test_an_unreadable_rate_limit_setting_is_refused_by_name(setting, value):
    with pytest.raises(ConfigError, match=setting):
        check({**PRODUCTION, setting: value})


def _production_app_settings(tmp_path) -> dict:
    return {
        "SCAN_ENV": "production",
        "SECRET_KEY": PRODUCTION_SECRET,
        "RATELIMIT_STORAGE_URI": REDIS,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'scan.db'}",
        **CONTROLLER,
    }


def test_create_app_refuses_to_start_in_production_with_flask_debug(monkeypatch, tmp_path):
    """Flask reads FLASK_DEBUG into config["DEBUG"] when the app object is made; create_app
    checks after that, so the app is never built, let alone served."""
    settings = _production_app_settings(tmp_path)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    started = create_app(settings)  # the same settings start without FLASK_DEBUG
    assert started.debug is False
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert Flask(__name__).config["DEBUG"] is True  # read when Flask() is constructed
    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        create_app(settings)


def test_flask_debug_0_starts_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_DEBUG", "0")
    assert create_app(_production_app_settings(tmp_path)).debug is False
