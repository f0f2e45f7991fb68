"""The reminder's settings and consent: checked at start-up, the text versioned."""

from __future__ import annotations

import pytest

from scan.config import ConfigError, check, defaults, from_environment
from scan.domain.contact import (
    FOLLOW_UP_CONSENT_VERSION,
    follow_up_consent_text,
    follow_up_error,
    validate_contact,
)

CONTACT = {"name": "Fatima", "company": "Bakkerij", "email": "f@bakkerij.nl", "consent": True}


def development(**changes):
    return {**defaults("/tmp/instance"), "SCAN_ENV": "development", **changes}


def test_the_default_wait_is_90_days_and_read_from_the_environment():
    assert defaults("/tmp/instance")["FOLLOW_UP_DAYS"] == 90
    assert from_environment({"FOLLOW_UP_DAYS": "30"}) == {"FOLLOW_UP_DAYS": 30}
    with pytest.raises(ConfigError, match="FOLLOW_UP_DAYS"):
        from_environment({"FOLLOW_UP_DAYS": "drie maanden"})


@pytest.mark.parametrize("days", [0, -1, 365, 400])
def test_a_wait_of_no_days_or_past_the_lead_retention_is_refused(days):
    with pytest.raises(ConfigError, match="FOLLOW_UP_DAYS"):
        check(development(FOLLOW_UP_DAYS=days))


@pytest.mark.parametrize("url", ["scan.example.nl", "ftp://scan.example.nl", "https://x.nl/?a=1"])
def test_a_public_url_that_is_no_address_is_refused(url):
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        check(development(PUBLIC_URL=url))


def test_a_public_url_loses_its_final_slash():
    config = development(PUBLIC_URL="https://scan.example.nl/")
    check(config)
    assert config["PUBLIC_URL"] == "https://scan.example.nl"


def test_the_consent_names_the_wait_and_how_to_withdraw():
    text = follow_up_consent_text("90 dagen")
    assert text.startswith("Stuur me over 90 dagen één e-mail")
    assert "afmelden" in text
    assert FOLLOW_UP_CONSENT_VERSION


@pytest.mark.parametrize(
    ("value", "ok"), [(True, True), (False, True), (None, False), ("ja", False), (1, False)]
)
def test_follow_up_is_true_or_false(value, ok):
    assert (follow_up_error(value) is None) is ok
    contact, errors = validate_contact({**CONTACT, "follow_up": value})
    assert (contact is not None) is ok
    assert ("follow_up" in errors) is not ok


def test_follow_up_may_be_left_out():
    contact, errors = validate_contact(CONTACT)
    assert contact is not None and errors == {}
