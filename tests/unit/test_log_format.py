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


def test_the_time_stamp_is_asctime_as_the_standard_formatter_writes_it():
    ours, standard = _pair()
    for _ in range(300):  # records made now, over several milliseconds and maybe a second
        record = _record("x", ())
        assert ours.stamp(record.created) == standard.formatTime(record)


def _request_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if "scan.request" in line]


def test_a_request_line_is_written_directly_as_a_record_would_be(app, capsys, monkeypatch):
    from scan import logs

    # pytest hangs its own capturing handlers on the logger too; as in production, the
    # StderrHandler alone takes the direct path.
    [ours] = [h for h in logs.root.handlers if isinstance(h, logs.StderrHandler)]
    monkeypatch.setattr(logs.root, "handlers", [ours])
    assert logs._sole_stderr_handler() is ours
    capsys.readouterr()
    logs.log_request("GET", "/scan/<token>/<step>", "200", 1.26)
    [direct] = _request_lines(capsys)

    class Keep(logging.Handler):
        def __init__(self):
            super().__init__()
            self.records = []

        def emit(self, record):
            self.records.append(record)

    # With a second handler the whole logging path runs, so that handler sees the record.
    keep = Keep()
    logs.logger.addHandler(keep)
    try:
        assert logs._sole_stderr_handler() is None
        logs.log_request("GET", "/scan/<token>/<step>", "200", 1.26)
    finally:
        logs.logger.removeHandler(keep)
    [through_record] = _request_lines(capsys)
    assert [r.getMessage() for r in keep.records] == ["GET /scan/<token>/<step> 200 1.3ms"]
    # The same line but for the time: "2026-11-28 10:00:00,123 INFO scan.request GET ..."
    assert direct.split(" ", 2)[2] == through_record.split(" ", 2)[2]
    assert direct.split(" ", 2)[2] == "INFO scan.request GET /scan/<token>/<step> 200 1.3ms"


def test_no_request_line_when_the_level_is_above_info(app, capsys):
    from scan import logs

    capsys.readouterr()
    level = logs.root.level
    logs.root.setLevel(logging.WARNING)
    try:
        logs.log_request("GET", "/", "200", 1.0)
    finally:
        logs.root.setLevel(level)
    assert _request_lines(capsys) == []


def test_an_operators_own_formatter_gets_the_record_path(app, capsys, monkeypatch):
    from scan import logs

    [ours] = [h for h in logs.root.handlers if isinstance(h, logs.StderrHandler)]
    monkeypatch.setattr(logs.root, "handlers", [ours])
    monkeypatch.setattr(ours, "formatter", logging.Formatter("%(levelname)s|%(message)s"))
    assert logs._sole_stderr_handler() is None
    capsys.readouterr()
    logs.log_request("GET", "/", "200", 1.0)
    assert "INFO|GET / 200 1.0ms" in capsys.readouterr().err
