"""A firm's chain of scans (T0 -> T1 -> T2 by previous_token), read in one query.

A re-scan points at the scan it was started from, so the scans of one firm form a tree whose
root is its first scan. Recursive CTEs walk it inside the database: up from each seed scan to
the root, then down from the root to every scan started from it. So a page or an export with
many chains still sends one statement, however long the chains are.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CTE, Select, exists, select
from sqlalchemy.orm import Session, aliased

from ..content import THEME_IDS
from ..models import Scan
from .scans import score_column


def chain_roots(seeds: Select) -> CTE:
    """A CTE of (seed, root): for each scan id `seeds` selects, the id of its chain's first scan.

    The root is the earliest scan reached by following previous_token; a token that points at
    nothing (never expected: chains are erased whole) ends the walk there.
    """
    up = (
        select(Scan.id.label("seed"), Scan.id.label("scan_id"), Scan.previous_token)
        .where(Scan.id.in_(seeds.correlate(None)))
        .cte("chain_up", recursive=True)
    )
    parent = aliased(Scan, name="parent")
    up = up.union(
        select(up.c.seed, parent.id, parent.previous_token)
        .select_from(parent)
        .join(up, parent.token == up.c.previous_token)
    )
    earlier = aliased(Scan, name="earlier")
    return (
        select(up.c.seed, up.c.scan_id.label("root"))
        .where(~exists().where(earlier.token == up.c.previous_token))
        .cte("chain_root")
    )


def chain_members(seeds: Select) -> CTE:
    """A CTE of (seed, scan_id): every scan of the chain of each scan id `seeds` selects."""
    roots = chain_roots(seeds)
    down_cte = (
        select(roots.c.seed, roots.c.root.label("scan_id"), Scan.token)
        .join(Scan, Scan.id == roots.c.root)
        .cte("chain_down", recursive=True)
    )
    child = aliased(Scan, name="child")
    down_cte = down_cte.union(
        select(down_cte.c.seed, child.id, child.token)
        .select_from(child)
        .join(down_cte, child.previous_token == down_cte.c.token)
    )
    return select(down_cte.c.seed, down_cte.c.scan_id).cte("chain_member")


def scan_ids(ids: Collection[int]) -> Select:
    """Select the given scan ids, as seeds for chain_roots and chain_members."""
    return select(Scan.id).where(Scan.id.in_(list(ids)))


def chain_of(scan: Scan) -> Select[Scan]:
    """Select every scan of this scan's chain, this one included, oldest first."""
    members = chain_members(scan_ids([scan.id]))
    return (
        select(Scan).join(members, members.c.scan_id == Scan.id).order_by(Scan.created_at, Scan.id)
    )


@dataclass(frozen=True)
class Scores:
    """A completed scan's scores, as the reports read them from its columns."""

    completed_at: datetime
    overall: int | None
    themes: dict[str, int | None]


@dataclass(frozen=True)
class ChainEnds:
    """The first completed scan of a chain (T0) and its newest, when that is another (T1)."""

    first: Scores
    last: Scores | None


def chain_ends(session: Session, ids: Collection[int]) -> dict[int, ChainEnds]:
    """For each of these scan ids whose chain has a completed scan: T0 and T1, in one query."""
    if not ids:
        return {}
    members = chain_members(scan_ids(ids))
    columns = [getattr(Scan, score_column(theme_id)) for theme_id in THEME_IDS]
    rows = session.execute(
        select(members.c.seed, Scan.id, Scan.completed_at, Scan.overall_score, *columns)
        .select_from(Scan)
        .join(members, members.c.scan_id == Scan.id)
        .where(Scan.status == "completed")
        .order_by(members.c.seed, Scan.completed_at, Scan.id)
    ).all()
    found: dict[int, list[Scores]] = {}
    for seed, _, completed_at, overall, *themes in rows:
        scores = Scores(completed_at, overall, dict(zip(THEME_IDS, themes, strict=True)))
        found.setdefault(seed, []).append(scores)
    return {
        seed: ChainEnds(scans[0], scans[-1] if len(scans) > 1 else None)
        for seed, scans in found.items()
    }
