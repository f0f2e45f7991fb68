"""Blueprints, one per audience, and the helpers they share."""

from __future__ import annotations

from flask import abort, current_app

from ..content import Bank
from ..db import get_session
from ..models import Scan
from ..scans import find_scan


def current_bank() -> Bank:
    """Return the question bank loaded at start-up."""
    return current_app.extensions["scan.bank"]


def scan_or_404(token: str) -> Scan:
    """Return the scan behind the token, or answer 404."""
    scan = find_scan(get_session(), token)
    if scan is None:
        abort(404)
    return scan
