"""Around every request, outside Flask: the request's log line and the security headers.

Both used to be after_request hooks. Under gunicorn a kept page costs little more than the
bare Flask app, and each hook's trips through Flask's context proxies and Response.headers
showed in every request's profile; here they work on the WSGI environ and header list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from .headers import SecurityHeaders
from .logs import log_request


class Envelope:
    """WSGI middleware that times the request, logs it once and adds the security headers."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], headers: SecurityHeaders):
        self.wsgi_app = wsgi_app
        self.headers = headers

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """Run the app; its start_response gets the headers and writes the log line."""
        started = time.perf_counter()
        path = environ.get("PATH_INFO", "")

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            self.headers.add(path, headers)
            # Flask's request object, while its context still exists: its URL rule names
            # the route without the tokens in the path.
            request = environ.get("werkzeug.request")
            rule = getattr(request, "url_rule", None)
            log_request(
                environ.get("REQUEST_METHOD", ""),
                rule.rule if rule is not None else "(no route)",
                status.partition(" ")[0],
                (time.perf_counter() - started) * 1000,
            )
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
