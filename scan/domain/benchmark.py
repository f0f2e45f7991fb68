"""Pure: where a firm stands among similar firms ("bedrijven zoals jij"), from counts per score.

The rules (issue 18):

- A segment is a sector and a size, a sector, a size, or all firms. A firm is compared with
  the most specific of its segments that holds at least MIN_OTHERS completed scans of *other*
  firms: the scan being shown is never part of its own segment. Below that, even for all
  firms together, there is no comparison at all: a small group could point at one firm.
- Only completed scans of the last WINDOW_MONTHS months count (records.benchmark keeps the
  counts; this module only reads them).
- Scores are integers 0-100, so a count per score is the whole distribution. The quartiles
  are what `statistics.quantiles(scores, n=4, method="inclusive")` returns on the scores
  written out one by one; they are computed from the counts without writing them out (the
  unit tests check that both agree).
- The position is `round(100 * (below + equal / 2) / n)`, with Python's round as the issue
  states it (a half goes to the even number), computed exactly on fractions: below is the
  number of scores under the firm's score, equal the number of scores the same.
- A theme not measured for some firms has fewer scores than the segment has scans; a theme
  with fewer than MIN_OTHERS scores in the segment is not compared.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

#: The fewest other completed scans a group must hold before it is shown in any way.
MIN_OTHERS = 15
#: Completed scans count for this many months after their completion.
WINDOW_MONTHS = 24

#: score -> how many scans of a group have it
Distribution = Mapping[int, int]


@dataclass(frozen=True)
class Segment:
    """A group of firms: None for "every sector" or "every size"."""

    sector: str | None
    size: str | None


@dataclass(frozen=True)
class SegmentCounts:
    """What the counts hold for one segment: its scans, and per theme the count per score."""

    scans: int = 0
    themes: Mapping[str, Distribution] = field(default_factory=dict)

    def without(self, scores: Mapping[str, int | None]) -> SegmentCounts:
        """These counts without one scan of these theme scores (None: not measured)."""
        themes = {theme_id: dict(counts) for theme_id, counts in self.themes.items()}
        for theme_id, score in scores.items():
            counts = themes.get(theme_id, {})
            if score is not None and counts.get(score, 0) > 0:
                counts[score] -= 1
        return SegmentCounts(max(self.scans - 1, 0), themes)


@dataclass(frozen=True)
class Spread:
    """One theme in one group: the middle half, the median and (for a firm) its position."""

    n: int
    p25: float
    p50: float
    p75: float
    #: The firm's score and its position 0-100; None when the theme was not measured for it.
    score: int | None = None
    position: int | None = None
    #: How many of the n scores are lower than the firm's, and how many the same.
    below: int = 0
    equal: int = 0


@dataclass(frozen=True)
class Benchmark:
    """A firm among similar firms: the segment chosen, its other scans, a spread per theme.

    A theme with too few scores in the segment has None.
    """

    segment: Segment
    n: int
    themes: dict[str, Spread | None]


def segments_for(sector: str | None, size: str | None) -> tuple[Segment, ...]:
    """A firm's segments, most specific first: sector and size, sector, size, all firms.

    A firm without a sector (or size) has no segment of its own for it: None is "every".
    """
    found: list[Segment] = []
    for segment in (Segment(sector, size), Segment(sector, None), Segment(None, size)):
        if segment not in found:
            found.append(segment)
    if Segment(None, None) not in found:
        found.append(Segment(None, None))
    return tuple(found)


def total(distribution: Distribution) -> int:
    """How many scores a distribution holds."""
    return sum(count for count in distribution.values() if count > 0)


def _nth(ordered: list[tuple[int, int]], index: int) -> int:
    """The score at this 0-based index of the scores written out in ascending order."""
    for score, count in ordered:
        if index < count:
            return score
        index -= count
    raise IndexError(index)


def quartiles(distribution: Distribution) -> tuple[float, float, float]:
    """The 25th, 50th and 75th percentile, as statistics.quantiles(n=4, method="inclusive").

    The same arithmetic on the same two neighbouring scores, found in the counts instead of
    in the list written out: for every cut i, j and delta are divmod(i * (n - 1), 4), and the
    cut is (data[j] * (4 - delta) + data[j + 1] * delta) / 4.
    """
    ordered = sorted((score, count) for score, count in distribution.items() if count > 0)
    n = sum(count for _, count in ordered)
    if n < 2:
        raise ValueError("quartiles need at least two scores")
    cuts = []
    for i in (1, 2, 3):
        j, delta = divmod(i * (n - 1), 4)
        cuts.append((_nth(ordered, j) * (4 - delta) + _nth(ordered, j + 1) * delta) / 4)
    return cuts[0], cuts[1], cuts[2]


def _below_and_equal(distribution: Distribution, score: int) -> tuple[int, int]:
    """How many scores are lower than `score`, and how many the same."""
    below = sum(count for s, count in distribution.items() if s < score and count > 0)
    return below, max(distribution.get(score, 0), 0)


def position(distribution: Distribution, score: int) -> int:
    """round(100 * (below + equal / 2) / n): the share of the group that scores lower, ties half."""
    below, equal = _below_and_equal(distribution, score)
    return round(Fraction(200 * below + 100 * equal, 2 * total(distribution)))


def spread(distribution: Distribution, score: int | None = None) -> Spread | None:
    """The spread of a group's scores and a firm's place in it; None below MIN_OTHERS scores."""
    n = total(distribution)
    if n < MIN_OTHERS:
        return None
    p25, p50, p75 = quartiles(distribution)
    if score is None:
        return Spread(n, p25, p50, p75)
    below, equal = _below_and_equal(distribution, score)
    return Spread(n, p25, p50, p75, score, position(distribution, score), below, equal)


def benchmark(
    counts: Mapping[Segment, SegmentCounts],
    sector: str | None,
    size: str | None,
    scores: Mapping[str, int | None],
    counted: bool,
) -> Benchmark | None:
    """Compare a firm with the most specific segment that has MIN_OTHERS other scans.

    `scores` holds the firm's score per theme (None: not measured), in the order to show;
    `counted` says whether the firm's own scan is in the counts, and so is taken out of them.
    None when even all firms together have fewer than MIN_OTHERS other scans.
    """
    for segment in segments_for(sector, size):
        found = counts.get(segment, SegmentCounts())
        if counted:
            found = found.without(scores)
        if found.scans >= MIN_OTHERS:
            themes = {
                theme_id: spread(found.themes.get(theme_id, {}), score)
                for theme_id, score in scores.items()
            }
            return Benchmark(segment, found.scans, themes)
    return None


def window_start(now: datetime, months: int = WINDOW_MONTHS) -> datetime:
    """The moment `months` calendar months before now (the month's last day if it is shorter)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def segment_name(segment: Segment, sector_group: str | None, size_phrase: str | None) -> str:
    """Name a segment in Dutch from its sector's group name and its size's phrase.

    ("winkels", "met 2 tot en met 9 mensen") -> "winkels met 2 tot en met 9 mensen"; without a
    sector "bedrijven met ..."; without either "alle bedrijven die de scan deden".
    """
    if segment.sector is not None and sector_group:
        return f"{sector_group} {size_phrase}" if segment.size and size_phrase else sector_group
    if segment.size is not None and size_phrase:
        return f"bedrijven {size_phrase}"
    return "alle bedrijven die de scan deden"


def in_tenths(part: int, n: int) -> int:
    """How many in ten `part` of `n` is, rounded half up."""
    return (20 * part + n) // (2 * n)


def position_sentence(found: Spread) -> str | None:
    """Say a firm's position in words, as "about k in 10"; None without a position.

    Ties count half in the position, so a group where many score the same as the firm is
    said as such: "hoger dan ongeveer 5 van de 10" would hide that they are all equal.
    """
    if found.position is None:
        return None
    same = in_tenths(found.equal, found.n)
    if same >= 2:
        lower = in_tenths(found.below, found.n)
        if same >= 10:
            return "Bijna alle bedrijven zoals jij scoren hier precies even hoog als jij."
        tail = f", en ongeveer {lower} van de 10 lager" if lower else ""
        return (
            f"Ongeveer {same} van de 10 bedrijven zoals jij scoren hier precies even hoog als "
            f"jij{tail}."
        )
    tenths = (found.position + 5) // 10
    if tenths >= 10:
        return "Je scoort hoger dan bijna alle bedrijven zoals jij."
    if tenths <= 0:
        return "Bijna alle bedrijven zoals jij scoren hier hoger dan jij."
    return f"Je scoort hoger dan ongeveer {tenths} van de 10 bedrijven zoals jij."
