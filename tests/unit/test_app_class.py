"""ScanFlask returns plain views as they are and leaves async views to Flask."""

from __future__ import annotations

import functools

import pytest

from scan import ScanFlask


def test_plain_functions_are_returned_as_they_are_and_async_ones_left_to_flask():
    app = ScanFlask(__name__)

    def plain():
        return "plain"

    async def waiting():
        return "async"

    assert app.ensure_sync(plain) is plain
    # A partial is not a plain function: Flask's own check decides, and lets it through.
    partial = functools.partial(plain)
    assert app.ensure_sync(partial) is partial
    # Flask wraps an async function, which needs its "async" extra (not installed here).
    with pytest.raises(RuntimeError, match="async"):
        app.ensure_sync(waiting)
