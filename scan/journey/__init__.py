"""The public journey: the landing page, the steps, the result, contact, postcode and erasure.

Anonymous and cookieless, on the full site and framed by partners under /embed/; the forms
carry a token tied to the scan (forgery.py) instead of a session. The result can be taken
along as a PDF (pdf.py) and shared read-only through a link with an id of its own
(sharing.py makes and withdraws links, shared.py is what a link opens).
"""

from __future__ import annotations

from flask import abort, g

from ..db import get_session
from ..loading import current_bank, current_catalogue
from ..models import Scan
from ..records.scans import find_scan, scan_for_update
from .embedding import allowed_parent, in_embed

__all__ = ["current_bank", "current_catalogue", "scan_or_404"]


def scan_or_404(token: str, for_update: bool = False, outcome: bool = True) -> Scan:
    """Return the scan behind the token, or answer 404.

    for_update=True: the view will change the scan; it is read locked (scans.scan_for_update),
    as the first statement of the request's transaction. outcome=False: see find_scan.
    """
    session = get_session()
    scan = scan_for_update(session, token) if for_update else find_scan(session, token, outcome)
    if scan is None:
        abort(404)
    if in_embed():
        g.parent_origin = allowed_parent(scan.embed_origin)
    return scan
