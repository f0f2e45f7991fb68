"""Content: the question bank in vragen/, loaded once and validated (fail fast, name the file)."""

from .loader import ContentError, Problem, load_bank
from .model import (
    DONT_KNOW_ID,
    THEME_IDS,
    Bank,
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
