"""Load every content file an app needs, once, at start-up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .content.advice import Catalogue, load_catalogue
from .content.bank import Bank
from .content.loader import ContentError, load_bank


def load_everything(content_dir: Path):
    """Load and validate the question bank, the advice and the werkplaats seed file."""
    from .werkplaatsen import load_seed

    problems = []
    bank = catalogue = seeds = None
    try:
        bank = load_bank(content_dir / "vragen")
    except ContentError as exc:
        problems += exc.problems
    if bank is not None:
        try:
            catalogue = load_catalogue(content_dir / "adviezen", bank)
        except ContentError as exc:
            problems += exc.problems
    try:
        seeds = load_seed()
    except ContentError as exc:
        problems += exc.problems
    if problems:
        raise ContentError(problems)
    return bank, catalogue, seeds


def load_all(app: Flask) -> None:
    """Put the validated content on the app; raise ContentError naming every problem."""
    bank, catalogue, seeds = load_everything(Path(app.config["CONTENT_DIR"]))
    app.extensions["scan.bank"] = bank
    app.extensions["scan.catalogue"] = catalogue
    app.extensions["scan.werkplaats_seeds"] = seeds


def current_catalogue() -> Catalogue:
    """Return the advice catalogue loaded at start-up."""
    return current_app.extensions["scan.catalogue"]


def current_bank() -> Bank:
    """Return the question bank loaded at start-up."""
    return current_app.extensions["scan.bank"]
