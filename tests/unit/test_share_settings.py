"""Share links: SHARE_DAYS checked at start-up; ids random and of their own shape; their state."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from scan.config import ConfigError, check, defaults, from_environment
from scan.models import ShareLink
from scan.records.shares import (
    EXPIRED,
    OPEN,
    SHARE_ID_PATTERN,
    WITHDRAWN,
    link_state,
    new_share_id,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def development(**changes):
    return {**defaults("/tmp/instance"), "SCAN_ENV": "development", **changes}


def test_a_link_works_30_days_by_default_and_the_environment_may_say_otherwise():
    assert defaults("/tmp/instance")["SHARE_DAYS"] == 30
    assert from_environment({"SHARE_DAYS": "14"}) == {"SHARE_DAYS": 14}
    with pytest.raises(ConfigError, match="SHARE_DAYS"):
        from_environment({"SHARE_DAYS": "een maand"})


@pytest.mark.parametrize("days", [0, -5])
def test_a_link_of_no_days_is_refused(days):
    with pytest.raises(ConfigError, match="SHARE_DAYS"):
        check(development(SHARE_DAYS=days))


def test_ids_are_random_url_safe_and_not_shaped_like_a_scan_token():
    ids = {new_share_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(SHARE_ID_PATTERN, share_id) for share_id in ids)
    assert all(len(share_id) == 22 for share_id in ids)  # a scan token has 43 characters


@pytest.mark.parametrize(
    ("expires", "withdrawn", "state"),
    [
        (NOW + timedelta(seconds=1), None, OPEN),
        (NOW, None, EXPIRED),
        (NOW - timedelta(days=1), None, EXPIRED),
        (NOW + timedelta(days=1), NOW - timedelta(hours=1), WITHDRAWN),
        (NOW - timedelta(days=1), NOW - timedelta(days=2), WITHDRAWN),
    ],
)
def test_a_link_is_open_until_it_expires_or_is_withdrawn(expires, withdrawn, state):
    link = ShareLink(id=new_share_id(), expires_at=expires, withdrawn_at=withdrawn)
    assert link_state(link, NOW) == state


def test_a_moment_read_back_from_sqlite_without_its_zone_counts_as_utc():
    naive = (NOW + timedelta(minutes=1)).replace(tzinfo=None)
    assert link_state(ShareLink(id="x", expires_at=naive), NOW) == OPEN
