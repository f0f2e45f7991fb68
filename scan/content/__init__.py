"""Content: the question bank (vragen/) and the advice (adviezen/) as plain, validated data.

Loaded once at start-up and checked field by field, so a broken file is named with its field
and the app does not start; `flask --app scan check-content` runs the same checks. Content
never imports Flask or the database: it is data, and the domain works on it.
"""

from .bank import Bank
from .loader import ContentError, Problem, load_bank
from .model import (
    DONT_KNOW_ID,
    THEME_IDS,
    Level,
    Option,
    ProfileItem,
    Question,
    Theme,
    parse,
)

__all__ = [
    "DONT_KNOW_ID",
    "THEME_IDS",
    "Bank",
    "ContentError",
    "Level",
    "Option",
    "Problem",
    "ProfileItem",
    "Question",
    "Theme",
    "load_bank",
    "parse",
]
