"""Pure: what a typed text may hold, as patterns the checks and the OpenAPI document share.

A check here and a partner's JSON Schema validator must refuse the same values, so each rule
is one regular expression that Python's `re` and ECMA-262 (the dialect of JSON Schema) read
alike: character classes with \\x and \\u escapes, groups, counted repeats and lookaheads.
Patterns end in `$(?!\\n)`, because Python's `$` also matches before a final line feed.
"""

from __future__ import annotations

import re

#: Bidirectional-text controls: they make a name or a mail line read otherwise than it is
#: stored ("Trojan Source"), and no Dutch firm name needs them.
BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: Control characters: C0, DEL, C1 and the bidi controls. No person types them on purpose;
#: databases choke on NUL; a line break in a one-line field forges lines in a mail.
CONTROL = r"\x00-\x1f\x7f-\x9f" + BIDI
#: The control characters a multi-line text may not hold: all but tab, line feed and return.
CONTROL_EXCEPT_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + BIDI
#: The spaces str.split() collapses that are not control characters (Zs, U+2028, U+2029).
SPACE = r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Anchors a pattern at the very end of the text, in Python as in ECMA-262.
END = r"$(?!\n)"

_CONTROLS = re.compile(f"[{CONTROL}]")
_CONTROLS_EXCEPT_LINES = re.compile(f"[{CONTROL_EXCEPT_LINES}]")

INVISIBLE_CHARACTER = (
    "Er staat een onzichtbaar teken in (dat komt meestal door kopiëren en plakken). "
    "Typ de tekst opnieuw."
)


def has_control_character(text: str, multiline: bool = False) -> bool:
    """Tell whether the text holds a control character (multiline: tab and line breaks may)."""
    return bool((_CONTROLS_EXCEPT_LINES if multiline else _CONTROLS).search(text))


def matches(pattern: str, text: str) -> bool:
    """Tell whether a pattern of this module, anchored with ^ and END, accepts the text."""
    return re.search(pattern, text) is not None
