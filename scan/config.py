"""Settings in layers: safe defaults here, then environment variables, then a test dict."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        "PROXY_COUNT": 0,
        # API bodies over 1 MiB are refused before they are read (413).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "MAX_FORM_PARTS": 200,
    }


ENV_SETTINGS: dict[str, type] = {
    "SCAN_ENV": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "CONTENT_DIR": str,
    "LOG_LEVEL": str,
    "PROXY_COUNT": int,
}


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
    if env == "production":
        secret = config["SECRET_KEY"]
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production (for example: python -c 'import secrets; print(secrets.token_hex(32))'"
                "), or set SCAN_ENV=development on your own machine"
            )
