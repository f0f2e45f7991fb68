"""One log line per request on stderr, without personal data or scan tokens."""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask

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

    def format(self, record: logging.LogRecord) -> str:
        """Format the line with one f-string; the base class's general path took 4 us a line."""
        record.message = record.getMessage()
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {record.message}"
        # Tracebacks and stacks are appended as the base class does.
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line = f"{line}\n{record.exc_text}"
        if record.stack_info:
            line = f"{line}\n{self.formatStack(record.stack_info)}"
        return line


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
    """Send the app's logs to stderr."""
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


def log_request(method: str, route: str, status: str, elapsed_ms: float) -> None:
    """Write the request's line: method, URL rule, status and time; see scan.envelope.

    No IP address, no query string, no user agent, no token: nothing that identifies a person.
    """
    logger.info("%s %s %s %.1fms", method, route, status, elapsed_ms)
