"""Postcodes: accepted with or without space in any case, refused with a Dutch reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scan.domain.postcode import PostcodeError, parse_pc4


@pytest.mark.parametrize(
    ("text", "pc4"),
    [
        ("1234 AB", "1234"),
        ("1234ab", "1234"),
        (" 9999 zz ", "9999"),
        ("1000", "1000"),
        ("3511\u00a0AB", "3511"),  # a no-break space, as pasted from a web page
        ("8911 SB", "8911"),
    ],
)
def test_valid_postcodes_give_their_four_digits(text, pc4):
    assert parse_pc4(text) == pc4


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0123 AB", "begint niet met een 0"),
        ("1234 SS", "SS komen niet voor"),
        ("1234 sa", "SA komen niet voor"),
        ("1234 SD", "SD komen niet voor"),
        ("123", "zoals 1234 AB"),
        ("12345", "zoals 1234 AB"),
        ("1234 A", "zoals 1234 AB"),
        ("1234 ABC", "zoals 1234 AB"),
        ("AB 1234", "zoals 1234 AB"),
        ("１２３４ AB", "zoals 1234 AB"),  # full-width digits are not Dutch postcodes
        ("", "zoals 1234 AB"),
        ("3511\tAB", "zoals 1234 AB"),  # a control character (the web form makes it a space)
        ("1234 ß", "zoals 1234 AB"),  # "ß".upper() is "SS": only ASCII letters count
        ("1234\n", "zoals 1234 AB"),
    ],
)
def test_invalid_postcodes_are_refused_in_dutch(text, reason):
    with pytest.raises(PostcodeError, match=reason):
        parse_pc4(text)


# No deadline: the first example may load the PC4 table; speed is bench/'s job.
@settings(deadline=None)
@given(st.text(max_size=20))
def test_any_text_either_parses_to_four_digits_or_is_refused(text):
    try:
        pc4 = parse_pc4(text)
    except PostcodeError as exc:
        assert str(exc)
    else:
        assert len(pc4) == 4 and pc4.isascii() and pc4.isdigit() and pc4[0] != "0"
