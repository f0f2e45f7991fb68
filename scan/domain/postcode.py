"""Pure: validate and normalise Dutch postcodes. Only the four digits (PC4) are ever kept."""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Z]{2})?$")
#: Letter pairs that PostNL never issues.
_NEVER_ISSUED = frozenset({"SA", "SD", "SS"})


class PostcodeError(ValueError):
    """The text is not a Dutch postcode; the message is Dutch and meant for the ondernemer."""


def parse_pc4(text: str) -> str:
    """Return the four digits of a Dutch postcode like '1234 AB', '1234ab' or '1234'."""
    cleaned = " ".join(text.split()).upper()
    match = _POSTCODE.match(cleaned)
    if match is None:
        if cleaned[:1] == "0":
            raise PostcodeError("Een Nederlandse postcode begint niet met een 0.")
        raise PostcodeError("Vul een postcode in zoals 1234 AB, of alleen de vier cijfers.")
    digits, letters = match.groups()
    if letters in _NEVER_ISSUED:
        raise PostcodeError(f"De letters {letters} komen niet voor in Nederlandse postcodes.")
    return digits
