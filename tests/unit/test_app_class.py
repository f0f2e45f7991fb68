"""ScanFlask returns plain views as they are and leaves async views to Flask."""

from __future__ import annotations

import functools

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
    # An async function goes to Flask, which wraps it, or says its "async" extra is missing.
    try:
        wrapped = app.ensure_sync(waiting)
    except RuntimeError as error:
        assert "async" in str(error)
    else:
        assert wrapped is not waiting
