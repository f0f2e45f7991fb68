"""LineFormatter writes what logging's own Formatter would, with the same format string."""

from __future__ import annotations

import logging
import sys

from scan.logs import LineFormatter


def _pair():
    ours = LineFormatter()
    standard = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return ours, standard


def _record(message, args, exc_info=None, stack=None):
    logger = logging.getLogger("test")
    return logger.makeRecord(
        "scan.request", logging.INFO, "f.py", 1, message, args, exc_info, sinfo=stack
    )


def test_a_request_line_is_formatted_as_the_standard_formatter_does():
    ours, standard = _pair()
    record = _record("%s %s %s %.1fms", ("GET", "/scan/<token>/<step>", "200", 1.26))
    line = ours.format(record)
    assert line == standard.format(record)
    assert line.endswith(" INFO scan.request GET /scan/<token>/<step> 200 1.3ms")


def test_tracebacks_and_stacks_are_appended_as_the_standard_formatter_does():
    ours, standard = _pair()
    try:
        raise ZeroDivisionError("nul")
    except ZeroDivisionError:
        exc_info = sys.exc_info()
    stack = "Stack (most recent call last):\n  File 'x.py'"
    record = _record("failed %d", (3,), exc_info, stack)
    line = ours.format(record)
    record.exc_text = None  # let the standard formatter write the traceback itself
    assert line == standard.format(record)
    assert "ZeroDivisionError: nul" in line and line.endswith("File 'x.py'")
