"""Refuse input that no person types: NUL characters, which PostgreSQL cannot store."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest

NUL = "\x00"


class InvisibleCharacters(BadRequest):
    """The request holds a NUL character."""

    dutch_title = "Er staat een onzichtbaar teken in je invoer"
    dutch_text = (
        "Je invoer bevat een teken dat we niet kunnen bewaren. Dat komt bijna nooit door typen, "
        "maar soms door kopiëren en plakken. Typ de tekst opnieuw en probeer het nog eens."
    )


def has_nul() -> bool:
    """Tell whether the query string, a form or a JSON body carries a NUL character."""
    # The query string as the server passed it: werkzeug's query_string is its latin-1 bytes.
    query = request.environ.get("QUERY_STRING", "")
    if NUL in query or "%00" in query:
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any(NUL in key or NUL in value for key, value in request.form.items(multi=True))
        # A JSON string may spell NUL as \\u0000; a raw NUL byte is invalid JSON anyway.
        body = request.get_data(cache=True)
        return b"\\u0000" in body or b"\x00" in body
    return False


def init_app(app: Flask) -> None:
    """Check every request before any view or database sees it."""

    @app.before_request
    def _refuse_nul() -> None:
        if has_nul():
            raise InvisibleCharacters
