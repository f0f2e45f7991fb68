"""One log line per request on stderr, without personal data or scan tokens."""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("scan.request")


class LineFormatter(logging.Formatter):
    """'2026-11-28 10:00:00,123 INFO scan.request ...'; the date is formatted once a second."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._second: int | None = None
        self._date = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """Return the record's local time; strftime runs once per second, not per line."""
        second = int(record.created)
        if second != self._second:
            self._date = time.strftime(self.default_time_format, self.converter(record.created))
            self._second = second
        return f"{self._date},{int(record.msecs):03d}"


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the moment of logging (servers and tests swap it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(LineFormatter())

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
    # No format here or in gunicorn's uses the caller's file and line, the thread or the
    # process name, so the logging module need not look them up for every record (the
    # "Optimization" advice of the logging HOWTO).
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False
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
