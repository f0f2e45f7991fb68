"""Pure: the dashboard's figures on re-scans, the impact a werkplaats reports on.

No Flask and no database: `dashboard.rescans_in` reads the records, the rules live here.

- **Re-scans done**: every completed re-scan given, however many one firm did.
- **A firm** is a chain of scans (its first scan and every re-scan after it). Each firm counts
  once: by its latest re-scan given (latest completion, then highest id), compared with the
  scan that re-scan was started from (its direct predecessor, not the firm's first scan).
- **A step forward**: in that latest re-scan, a theme's score rose by at least
  FORWARD_POINTS, or a safety item at risk or unknown before is in order now, or at least one
  advised step was reported taken.
- **Median change per theme**: the median of those firms' score changes on the theme; a firm
  whose theme was not measured in one of the two scans is left out of that theme.
- **Advice followed**: over every re-scan given (not once per firm: each one asked the
  question anew) whose steps-taken question was answered (advice ids or "Geen van deze"; not
  "Weet ik niet", and not when it was never asked). Offered: the earlier scan's advice items;
  taken: those of them the ondernemer ticked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from ..content.model import DONT_KNOW_ID

#: The rise in a theme's score (points of 100) that counts as a step forward.
FORWARD_POINTS = 5


@dataclass(frozen=True)
class Rescan:
    """One completed re-scan, with what changed since the scan it was started from."""

    scan_id: int
    #: The id of the chain's first scan: one firm.
    chain: int
    completed_at: datetime
    #: Theme id -> new score minus the earlier one; None when either was not measured.
    theme_deltas: dict[str, int | None]
    resolved_safety: tuple[str, ...]
    #: The earlier scan's advice ids, in its order.
    offered: tuple[str, ...]
    #: The answer to "Welke van deze stappen heb je gezet?" as stored (None: never asked).
    steps_answer: tuple[str, ...] | None

    @property
    def answered_steps(self) -> bool:
        """Whether the steps-taken question was asked and answered with something known."""
        return bool(self.steps_answer) and self.steps_answer != (DONT_KNOW_ID,)

    @property
    def taken(self) -> tuple[str, ...]:
        """The offered advice ids reported taken."""
        chosen = set(self.steps_answer or ())
        return tuple(advice_id for advice_id in self.offered if advice_id in chosen)

    @property
    def moved_forward(self) -> bool:
        """Whether this re-scan shows a step forward (see the module's rules)."""
        return (
            any(d is not None and d >= FORWARD_POINTS for d in self.theme_deltas.values())
            or bool(self.resolved_safety)
            or bool(self.taken)
        )


@dataclass(frozen=True)
class Uptake:
    """How often one advice item was offered on a re-scan, and reported taken."""

    advice_id: str
    offered: int
    taken: int

    @property
    def share(self) -> str:
        """Taken per offered, as a Dutch percentage."""
        return percentage(self.taken, self.offered)


@dataclass(frozen=True)
class RescanFigures:
    """The re-scan figures of one scope and period."""

    rescans: int
    firms: int
    forward: int
    #: (theme id, median change or None, how many firms it is the median of), bank order.
    medians: tuple[tuple[str, float | None, int], ...]
    #: Most often taken first.
    uptake: tuple[Uptake, ...]

    @property
    def median_rows(self) -> list[tuple[str, str, int]]:
        """Per theme: its id, the median change as shown ("+2,5") and how many firms."""
        return [(theme_id, signed(change), firms) for theme_id, change, firms in self.medians]

    @property
    def forward_share(self) -> str:
        """Firms with a step forward per re-scanned firm, as a Dutch percentage."""
        return percentage(self.forward, self.firms)


def percentage(part: int, whole: int) -> str:
    """Part of whole as a Dutch percentage with one decimal ("12,5%"), or "-" for none."""
    if not whole:
        return "-"
    return f"{100 * part / whole:.1f}".replace(".", ",") + "%"


def signed(value: float | None) -> str:
    """A change in points with its sign, Dutch style ("+2,5", "-3", "0"); "-" when unknown."""
    if value is None:
        return "-"
    text = f"{value:+.1f}".replace(".", ",").removesuffix(",0")
    return "0" if text in ("+0", "-0") else text


def latest_per_firm(rescans: Iterable[Rescan]) -> list[Rescan]:
    """Each firm's latest re-scan (latest completion, then highest id), in chain order."""
    latest: dict[int, Rescan] = {}
    for rescan in rescans:
        known = latest.get(rescan.chain)
        if known is None or (rescan.completed_at, rescan.scan_id) > (
            known.completed_at,
            known.scan_id,
        ):
            latest[rescan.chain] = rescan
    return [latest[chain] for chain in sorted(latest)]


def uptake(rescans: Iterable[Rescan]) -> tuple[Uptake, ...]:
    """Per advice item: offered and taken over the re-scans that answered the question."""
    offered: Counter[str] = Counter()
    taken: Counter[str] = Counter()
    for rescan in rescans:
        if rescan.answered_steps:
            offered.update(set(rescan.offered))
            taken.update(set(rescan.taken))
    rows = [Uptake(advice_id, count, taken[advice_id]) for advice_id, count in offered.items()]
    # Most taken first; ties by the share taken, then the id, so the order never wobbles.
    return tuple(sorted(rows, key=lambda u: (-u.taken, -u.taken / u.offered, u.advice_id)))


def rescan_figures(rescans: Iterable[Rescan], theme_ids: Sequence[str]) -> RescanFigures:
    """Compute the re-scan figures from the completed re-scans of one scope and period."""
    every = list(rescans)
    firms = latest_per_firm(every)
    medians = []
    for theme_id in theme_ids:
        deltas = [d for r in firms if (d := r.theme_deltas.get(theme_id)) is not None]
        medians.append((theme_id, float(median(deltas)) if deltas else None, len(deltas)))
    return RescanFigures(
        rescans=len(every),
        firms=len(firms),
        forward=sum(1 for r in firms if r.moved_forward),
        medians=tuple(medians),
        uptake=uptake(every),
    )
