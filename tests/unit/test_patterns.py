"""The patterns the OpenAPI document publishes accept exactly what the checks accept.

A partner validates with a JSON Schema library, whose patterns are ECMA-262; this code checks
with Python's `re`. jsonschema-rs (Rust, ECMA-262 semantics) stands in for the partner here.
"""

from __future__ import annotations

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan.domain.contact import LIMITS, PATTERNS, field_error
from scan.domain.postcode import POSTCODE_PATTERN, PostcodeError, parse_pc4

#: Characters that sit on the edges of the rules: digits, letters, the separators the fields
#: allow, spaces of several kinds, control characters, a line feed, a BOM, non-ASCII letters.
EDGES = (
    "0123456789aAbzZsSdD@.+-() \t\n\r\x00\x1f\x7f\x85\u00a0\u2003\u3000\ufeff\u202e\u2067ßéＡ１😀"
)


def texts(pattern: str) -> st.SearchStrategy[str]:
    """Texts near and far from the pattern: matching ones, edited ones, random ones."""
    matching = st.from_regex(pattern)
    edited = st.tuples(matching, st.text(EDGES, max_size=2), st.integers(0, 40)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )
    return st.one_of(matching, edited, st.text(EDGES, max_size=24), st.text(max_size=12))


def postcode_accepted(text: str) -> bool:
    try:
        parse_pc4(text)
    except PostcodeError:
        return False
    return True


@settings(deadline=None, max_examples=300)
@given(texts(POSTCODE_PATTERN))
def test_the_postcode_pattern_agrees_with_the_postcode_check(text):
    partner = jsonschema_rs.validator_for({"type": "string", "pattern": POSTCODE_PATTERN})
    assert partner.is_valid(text) == postcode_accepted(text)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_each_contact_pattern_agrees_with_the_field_check(name):
    partner = jsonschema_rs.validator_for(
        {"type": "string", "maxLength": LIMITS[name], "pattern": PATTERNS[name]}
    )

    @settings(deadline=None, max_examples=300)
    @given(texts(PATTERNS[name]))
    def agree(text):
        assert partner.is_valid(text) == (field_error(name, text) is None), repr(text)

    agree()
