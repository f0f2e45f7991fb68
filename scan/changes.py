"""Change counters: what a page or table kept per worker was made from, read in one query.

Triggers raise a counter whenever a write to its tables commits (migration 0006). Something
kept under the counters' values is therefore only reused while nothing it was made from has
changed, in whichever worker, process or cron job the change was made.

Read the counters before the data they guard: a write that commits in between makes the kept
copy newer than its key, never older, and the next request simply misses.
"""

from __future__ import annotations

from sqlalchemy import select

from .lean_sql import Reader
from .models import ChangeCounter

LEADS = "leads"
WERKPLAATSEN = "werkplaatsen"

_COUNTERS = select(ChangeCounter.name, ChangeCounter.value)


def change_counters(connection: Reader) -> dict[str, int]:
    """Return every counter by name; a missing counter is missing, never guessed."""
    return {name: value for name, value in connection.execute(_COUNTERS)}
