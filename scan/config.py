"""Settings in layers: safe defaults here, then environment variables, then a test dict."""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
        # The audit log (who saw or changed which lead, and when): two years is long enough to
        # answer a data subject's or a security question about last year, and no longer.
        "AUDIT_RETENTION_DAYS": 730,
        # Days after the contact request that the reminder to do the scan again is due, for an
        # ondernemer who ticked its box; `flask --app scan send-follow-ups` (daily) sends it.
        # Three months leaves time to act on the advice; shorter than the lead's retention.
        "FOLLOW_UP_DAYS": 90,
        # Days a read-only share link of a result works (/gedeeld/<id>); withdrawn earlier on
        # the result page. Long enough to book a meeting with the boekhouder or the werkplaats.
        "SHARE_DAYS": 30,
        # The scan's address as ondernemers reach it ("https://scan.example.nl"): the links in
        # mail that cron sends, where no request tells the host. Empty: the request's own host.
        "PUBLIC_URL": "",
        # Rate limits per client network (an IPv4 address or an IPv6 /64), counted in
        # RATELIMIT_STORAGE_URI: memory:// per process (development), redis://host:6379 shared
        # by all workers (production refuses memory://). Over a limit: a Dutch 429 page or an
        # API 429, both with Retry-After.
        # Sign-in posts from one network, whatever the account (the per-account delay is
        # separate: it grows after five wrong passwords, see staff/auth.py).
        "SIGNIN_RATE_LIMIT": "20 per minute;200 per day",
        # New scans (web and API). A training room of 30 ondernemers behind one address who
        # all start at once, some twice, stays under 60 a minute; a day of workshops under
        # 1000. A script that makes scans in a loop stops within the minute.
        "SCAN_RATE_LIMIT": "60 per minute;300 per hour;1000 per day",
        # Contact requests (web and API), each mailed to a werkplaats. The same room can all
        # ask for contact at the end of a session (30 in ten minutes) and three sessions a
        # day stay under 100; a flood of made-up leads stops at 30 and then at 100 a day.
        "LEAD_RATE_LIMIT": "30 per 10 minutes;100 per day",
        # PDFs of a result (own or shared link): each costs a worker about half a second of
        # CPU (docs/performance.md). A room of 30 that all download at the end fits.
        "PDF_RATE_LIMIT": "30 per minute;300 per day",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Networks never limited (space-separated, like "192.0.2.10/32 2001:db8::/48"): a
        # partner's servers that submit scans for many ondernemers through the API.
        "RATE_LIMIT_EXEMPT": "",
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
    "AUDIT_RETENTION_DAYS": int,
    "FOLLOW_UP_DAYS": int,
    "SHARE_DAYS": int,
    "PUBLIC_URL": str,
    "SIGNIN_RATE_LIMIT": str,
    "SCAN_RATE_LIMIT": str,
    "LEAD_RATE_LIMIT": str,
    "PDF_RATE_LIMIT": str,
    "RATELIMIT_STORAGE_URI": str,
    "RATE_LIMIT_EXEMPT": str,
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


def parse_public_url(url: str) -> str:
    """Check an address like https://scan.example.nl[/path]; return it without a final slash."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an address like https://scan.example.nl: {url!r}")
    return url.rstrip("/")


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver that the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def secret_problem(secret: str) -> str | None:
    """Say why a secret key is guessable (too short, repeated, too few different characters)."""
    if DEV_SECRET_KEY in secret:
        return "is (or holds) the development key"
    if len(secret) < 32:
        return "is shorter than 32 characters"
    # 'changeme' * 4 or 'a' * 32: a short unit repeated is a short secret.
    if re.fullmatch(r"(.+?)\1+", secret):
        return "is one short piece repeated"
    if len(set(secret)) < 12:
        return "uses fewer than 12 different characters"
    return None


def _check_rate_limits(config: dict[str, Any]) -> None:
    """Refuse a limit the limits library cannot read, naming the setting."""
    from limits import parse_many

    for name in ("SIGNIN_RATE_LIMIT", "SCAN_RATE_LIMIT", "LEAD_RATE_LIMIT", "PDF_RATE_LIMIT"):
        try:
            parse_many(config[name])
        except ValueError as exc:
            raise ConfigError(
                f"{name}: {exc} (write it like '60 per minute;1000 per day')"
            ) from exc
    for network in config["RATE_LIMIT_EXEMPT"].split():
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ConfigError(f"RATE_LIMIT_EXEMPT: {network!r} is not a network") from exc


def check(config: dict[str, Any]) -> None:
    """Refuse settings that are unsafe: above all a development secret in production."""
    env = config["SCAN_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"SCAN_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    if config["MAIL_SECURITY"] not in ("none", "starttls", "ssl"):
        raise ConfigError("MAIL_SECURITY must be none, starttls or ssl")
    for name in (
        "LEAD_RETENTION_DAYS",
        "SCAN_RETENTION_DAYS",
        "DRAFT_RETENTION_DAYS",
        "AUDIT_RETENTION_DAYS",
        "FOLLOW_UP_DAYS",
        "SHARE_DAYS",
    ):
        if config[name] < 1:
            raise ConfigError(f"{name} must be at least 1 day")
    if config["FOLLOW_UP_DAYS"] >= config["LEAD_RETENTION_DAYS"]:
        # The purge would erase the lead, and its reminder with it, before the reminder is due.
        raise ConfigError("FOLLOW_UP_DAYS must be shorter than LEAD_RETENTION_DAYS")
    try:
        config["PUBLIC_URL"] = parse_public_url(config["PUBLIC_URL"])
    except ValueError as exc:
        raise ConfigError(f"PUBLIC_URL: {exc}") from exc
    try:
        config["EMBED_ORIGINS"] = parse_origins(config["EMBED_ALLOWED_ORIGINS"])
    except ValueError as exc:
        raise ConfigError(f"EMBED_ALLOWED_ORIGINS: {exc}") from exc
    _check_rate_limits(config)
    if env == "production":
        problem = secret_problem(config["SECRET_KEY"])
        if problem:
            raise ConfigError(
                f"SECRET_KEY {problem}. Set it to a random value of at least 32 characters in "
                "production (for example: python -c 'import secrets; print(secrets.token_hex(32))'"
                "), or set SCAN_ENV=development on your own machine"
            )
        if config.get("DEBUG"):
            raise ConfigError(
                "debug mode is on (FLASK_DEBUG or --debug) in production: the Werkzeug debugger "
                "runs any code a visitor sends. Remove FLASK_DEBUG, or set SCAN_ENV=development"
            )
        if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
            raise ConfigError(
                "RATELIMIT_STORAGE_URI is memory:// in production: each worker would count on "
                "its own, multiplying every limit. Point it at Redis (redis://host:6379/0)"
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
