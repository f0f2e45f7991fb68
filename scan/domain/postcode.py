"""Pure: validate and normalise Dutch postcodes. Only the four digits (PC4) are ever kept."""

from __future__ import annotations

import re

from .text import END, SPACE

#: A Dutch postcode as typed: four digits (no leading 0), then optionally two letters that
#: PostNL issues (never SA, SD or SS), spaces allowed around and between. Published as is in
#: the OpenAPI document; ASCII letters only, so that no Unicode case mapping ("ß" -> "SS")
#: lets another character through.
POSTCODE_PATTERN = (
    f"^[{SPACE}]*([1-9][0-9]{{3}})(?:[{SPACE}]*(?![Ss][AaDdSs])([A-Za-z]{{2}}))?[{SPACE}]*{END}"
)
_POSTCODE = re.compile(POSTCODE_PATTERN)
#: Letter pairs that PostNL never issues.
_NEVER_ISSUED = frozenset({"SA", "SD", "SS"})
_LETTERS = re.compile(f"^[{SPACE}]*[0-9]{{4}}[{SPACE}]*([A-Za-z]{{2}})[{SPACE}]*{END}")


class PostcodeError(ValueError):
    """The text is not a Dutch postcode; the message is Dutch and meant for the ondernemer."""


def parse_pc4(text: str) -> str:
    """Return the four digits of a Dutch postcode like '1234 AB', '1234ab' or '1234'."""
    match = _POSTCODE.search(text)
    if match is not None:
        return match.group(1)
    letters = _LETTERS.search(text)
    if letters and letters.group(1).upper() in _NEVER_ISSUED:
        raise PostcodeError(
            f"De letters {letters.group(1).upper()} komen niet voor in Nederlandse postcodes."
        )
    if text.strip()[:1] == "0":
        raise PostcodeError("Een Nederlandse postcode begint niet met een 0.")
    raise PostcodeError("Vul een postcode in zoals 1234 AB, of alleen de vier cijfers.")
