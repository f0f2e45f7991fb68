"""Serve an app over real HTTP from a background thread, for the browser and the API tools."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietRequestHandler(WSGIRequestHandler):
    """The app logs every request itself, without the token; skip werkzeug's access log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serving(wsgi_app, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the WSGI app on a free loopback port inside the block; yield its host:port.

    Request threads are daemons in werkzeug's server; they are kept so that leaving the block
    joins them, and no request still touches the database when the test empties the tables.
    """
    server = make_server(host, 0, wsgi_app, threaded=True, request_handler=_QuietRequestHandler)
    request_threads: list[threading.Thread] = []
    handle = server.process_request_thread

    def tracked_process_request_thread(request, client_address):
        request_threads.append(threading.current_thread())
        handle(request, client_address)

    server.process_request_thread = tracked_process_request_thread
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        for request_thread in request_threads:
            request_thread.join(timeout=5)
        stuck = [t.name for t in [thread, *request_threads] if t.is_alive()]
        assert not stuck, f"live server threads still running after shutdown: {stuck}"
