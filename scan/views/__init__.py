"""Blueprints, one per audience, and the helpers they share."""

from __future__ import annotations

from flask import abort, g

from ..content.loading import current_bank, current_catalogue
from ..db import get_session, read_connection
from ..embedding import allowed_parent, in_embed
from ..models import Scan
from ..scan_reads import ScanRecord, read_scan
from ..scans import find_scan

__all__ = ["current_bank", "current_catalogue", "scan_or_404", "scan_record_or_404"]


def scan_or_404(token: str) -> Scan:
    """Return the scan behind the token, or answer 404."""
    scan = find_scan(get_session(), token)
    if scan is None:
        abort(404)
    if in_embed():
        g.parent_origin = allowed_parent(scan.embed_origin)
    return scan


def scan_record_or_404(token: str, outcome: bool = True) -> ScanRecord:
    """Return the scan behind the token as a record (read on the request's reader), or 404.

    outcome=False leaves out the werkplaats and lead (see read_scan): for the step pages.
    """
    scan = read_scan(read_connection(), token, outcome)
    if scan is None:
        abort(404)
    if in_embed():
        g.parent_origin = allowed_parent(scan.embed_origin)
    return scan
