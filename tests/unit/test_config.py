"""Settings: safe defaults, environment variables, and production refusing the dev secret."""

from __future__ import annotations

import pytest

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
