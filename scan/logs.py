"""One log line per request on stderr, without personal data or scan tokens."""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("scan.request")


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the moment of logging (servers and tests swap it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def init_app(app: Flask) -> None:
    """Send the app's logs to stderr and log each request once."""
    root = logging.getLogger("scan")
    if not any(isinstance(h, StderrHandler) for h in root.handlers):
        root.addHandler(StderrHandler())
    root.setLevel(app.config["LOG_LEVEL"].upper())
    # No format here or in gunicorn's uses the caller's file or line, so the logging module
    # need not look them up for every record (the "Optimization" advice of the logging HOWTO).
    logging._srcfile = None
    logging.logThreads = False
    root.propagate = False
    app.before_request(_start_timer)
    app.after_request(_log_request)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def route_label() -> str:
    """Return the matched URL rule ('/scan/<token>/<step>'), so tokens never reach the log."""
    rule = request.url_rule
    return rule.rule if rule is not None else "(no route)"


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
    # No IP address, no query string, no user agent: nothing that identifies a person.
    logger.info("%s %s %s %.1fms", request.method, route_label(), response.status_code, elapsed)
    return response
