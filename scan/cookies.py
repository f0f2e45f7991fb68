"""No Flask session: the journey sets no cookie, and the staff area keeps its own sessions.

Flask opens its signed-cookie session on every request, which costs a serializer and a key
derivation even when nothing reads it. Nothing in this app does (scan.staff.auth stores staff
sessions in the database under its own cookie), so every request gets Flask's null session.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class NoSessionInterface(SecureCookieSessionInterface):
    """Hands out a null session that refuses writes, and never sets the session cookie."""

    def open_session(self, app, request):  # noqa: D102 - see SessionInterface
        return self.make_null_session(app)

    def save_session(self, app, session, response) -> None:  # noqa: D102
        return None


def init_app(app: Flask) -> None:
    """Switch Flask's session off for this app."""
    app.session_interface = NoSessionInterface()
