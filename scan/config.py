"""Settings in layers: safe defaults here, then environment variables, then a test dict."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .journey.embedding import parse_origins

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """The settings are unsafe or inconsistent; the app refuses to start."""


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the built-in settings: development-friendly values, production behaviour."""
    return {
        # Production is the default so that a forgotten variable fails closed, not open.
        "SCAN_ENV": "production",
        "SECRET_KEY": DEV_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'scan.db'}",
        "CONTENT_DIR": str(PROJECT_ROOT),
        "LOG_LEVEL": "INFO",
        # Seconds a request waits for a locked database or a connection before it gives up.
        "DATABASE_TIMEOUT": 10.0,
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        "PROXY_COUNT": 0,
        # API bodies over 1 MiB are refused before they are read (413).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "MAX_FORM_PARTS": 200,
        # Lead notifications. Without MAIL_SERVER mail stays in the outbox (development).
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_SECURITY": "none",
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_FROM": "digitale-scan@localhost",
        "MAIL_TIMEOUT": 5,
        # Receives notifications of leads whose werkplaats has no e-mail address, and of leads
        # in the national queue (no postcode).
        "MAIL_NATIONAL_INBOX": "",
        # Retention, applied by `flask --app scan purge` (meant for a daily cron job).
        "LEAD_RETENTION_DAYS": 365,
        "SCAN_RETENTION_DAYS": 730,
        "DRAFT_RETENTION_DAYS": 30,
        # Sign-in attempts per client address; counters live in RATELIMIT_STORAGE_URI
        # (memory:// per process; redis://host:6379 shares them between workers).
        "SIGNIN_RATE_LIMIT": "20 per minute;200 per day",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Partner origins that may frame /embed/, space-separated ("https://www.kvk.nl ...").
        "EMBED_ALLOWED_ORIGINS": "",
        # The controller (verwerkingsverantwoordelijke) named by /privacy, as the AVG asks:
        # the organisation that runs this scan. Production refuses to start without them.
        "PRIVACY_CONTROLLER": "",
        "PRIVACY_ADDRESS": "",
        "PRIVACY_EMAIL": "",
    }


ENV_SETTINGS: dict[str, type] = {
    "SCAN_ENV": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "CONTENT_DIR": str,
    "LOG_LEVEL": str,
    "PROXY_COUNT": int,
    "DATABASE_TIMEOUT": float,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_SECURITY": str,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "MAIL_TIMEOUT": int,
    "MAIL_NATIONAL_INBOX": str,
    "LEAD_RETENTION_DAYS": int,
    "SCAN_RETENTION_DAYS": int,
    "DRAFT_RETENTION_DAYS": int,
    "SIGNIN_RATE_LIMIT": str,
    "RATELIMIT_STORAGE_URI": str,
    "EMBED_ALLOWED_ORIGINS": str,
    "PRIVACY_CONTROLLER": str,
    "PRIVACY_ADDRESS": str,
    "PRIVACY_EMAIL": str,
}

#: The settings /privacy needs to name the controller; production needs every one.
PRIVACY_SETTINGS = ("PRIVACY_CONTROLLER", "PRIVACY_ADDRESS", "PRIVACY_EMAIL")


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read the settings that are set in the environment, converted to their types."""
    values: dict[str, Any] = {}
    for name, kind in ENV_SETTINGS.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            values[name] = kind(raw)
        except ValueError as exc:
            raise ConfigError(f"{name} must be a {kind.__name__}, got {raw!r}") from exc
    return values


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver that the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def check(config: dict[str, Any]) -> None:
    """Refuse settings that are unsafe: above all a development secret in production."""
    env = config["SCAN_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"SCAN_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    if config["MAIL_SECURITY"] not in ("none", "starttls", "ssl"):
        raise ConfigError("MAIL_SECURITY must be none, starttls or ssl")
    for name in ("LEAD_RETENTION_DAYS", "SCAN_RETENTION_DAYS", "DRAFT_RETENTION_DAYS"):
        if config[name] < 1:
            raise ConfigError(f"{name} must be at least 1 day")
    try:
        config["EMBED_ORIGINS"] = parse_origins(config["EMBED_ALLOWED_ORIGINS"])
    except ValueError as exc:
        raise ConfigError(f"EMBED_ALLOWED_ORIGINS: {exc}") from exc
    if env == "production":
        secret = config["SECRET_KEY"]
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production (for example: python -c 'import secrets; print(secrets.token_hex(32))'"
                "), or set SCAN_ENV=development on your own machine"
            )
        missing = [name for name in PRIVACY_SETTINGS if not config[name].strip()]
        if missing:
            raise ConfigError(
                f"{', '.join(missing)} must be set in production: the privacy statement names "
                "the organisation responsible for the data (name, postal address, privacy "
                "e-mail address), as the AVG requires"
            )
        if "@" not in config["PRIVACY_EMAIL"]:
            raise ConfigError("PRIVACY_EMAIL must be an e-mail address")
