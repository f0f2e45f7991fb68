"""One log line per request on stderr, without personal data or scan tokens."""

from __future__ import annotations

import logging
import re
import sys
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("scan.request")

#: The app's loggers' common parent, which owns the StderrHandler.
root = logging.getLogger("scan")

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


#: A scan token (secrets.token_urlsafe(32): 43 URL-safe characters) standing on its own.
TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


class RedactingFormatter(logging.Formatter):
    """Format as usual, then blank out anything shaped like a scan token.

    The request line names routes, not paths, but an exception's text or traceback may
    quote a value it was handed; a token in a log would open that scan to anyone reading it.
    """

    def format(self, record: logging.LogRecord) -> str:
        return TOKEN.sub("<token>", super().format(record))


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the moment of logging (servers and tests swap it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(RedactingFormatter(FORMAT))

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def init_app(app: Flask) -> None:
    """Send the app's logs to stderr and write one line per request."""
    if not any(isinstance(h, StderrHandler) for h in root.handlers):
        root.addHandler(StderrHandler())
    root.setLevel(app.config["LOG_LEVEL"].upper())
    root.propagate = False

    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        rule = request.url_rule
        log_request(
            request.method, rule.rule if rule else "(no route)", response.status_code, elapsed_ms
        )
        return response


def log_request(method: str, route: str, status: int, elapsed_ms: float) -> None:
    """Write the request's line: method, URL rule, status and time.

    The URL rule names the route without the tokens in the path. No IP address, no query
    string, no user agent, no token: nothing that identifies a person.
    """
    logger.info("%s %s %s %.1fms", method, route, status, elapsed_ms)
