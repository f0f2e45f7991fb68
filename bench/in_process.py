"""Milliseconds per request of each benchmark endpoint inside the process, without a server.

bench/throughput.py measures through gunicorn and the network, where the machine's noise is
large; this script calls the WSGI app directly, N times per endpoint after a warm-up, so a
change of a few microseconds shows. It prints the bare Flask app ("hello"), the app's fixed
cost per request (a route that answers "hello" through all of the app's hooks), and the
endpoints of bench/throughput.py. With --profile NAME it prints the cProfile of that
endpoint (environment: SORT=tottime, TOP=60).

Usage, from the project root:

    .venv/bin/python bench/in_process.py
    .venv/bin/python bench/in_process.py --database-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/in_process.py --profile "theme step GET"
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import throughput  # noqa: E402
from flask import Flask  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

import scan  # noqa: E402
from scan.db import database, upgrade_to_head  # noqa: E402


def _request(method: str, path: str, body: str | None, ctype: str | None):
    builder = EnvironBuilder(
        path=path, method=method, data=body, content_type=ctype, base_url="http://127.0.0.1:8000"
    )
    environ = builder.get_environ()
    return environ, environ["wsgi.input"].read()


def _call(app, environ: dict, raw: bytes) -> str:
    statuses = []
    body = app({**environ, "wsgi.input": io.BytesIO(raw)}, lambda s, h, e=None: statuses.append(s))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return statuses[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per endpoint")
    parser.add_argument("--profile", metavar="NAME", help="print the cProfile of this endpoint")
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp()
    config = throughput.bench_config(args.database_url, tmp)
    app = None
    try:
        seeding = scan.create_app(config)
        upgrade_to_head(seeding)
        data = throughput.prepare(seeding, args.leads)
        database(seeding).engine.dispose()
        # A fresh app, so a route can still be added: one that only runs the app's hooks.
        app = scan.create_app(config)
        app.add_url_rule("/_hello", "hello", lambda: "hello")
        # The request log line is part of every request's cost; here it goes to memory.
        sys.stderr = io.StringIO()
        bare = Flask("bare")
        bare.add_url_rule("/", "hello", lambda: "hello")
        theme, token = data["theme"], data["draft"]
        form = "application/x-www-form-urlencoded"
        endpoints = [
            ("bare Flask", bare, "GET", "/", None, None),
            ("app's fixed cost", app, "GET", "/_hello", None, None),
            ("landing", app, "GET", "/", None, None),
            ("theme step GET", app, "GET", f"/scan/{token}/{theme}", None, None),
            ("theme step POST", app, "POST", f"/scan/{token}/{theme}", data["bodies"][theme], form),
            ("result page", app, "GET", f"/scan/{data['completed']}/resultaat", None, None),
            ("API POST /scans", app, "POST", "/api/v1/scans", data["api_body"], "application/json"),
        ]
        print(f"{'request':<20}{'status':<16}{'ms':>8}", file=sys.__stdout__)
        for name, target, method, path, body, ctype in endpoints:
            environ, raw = _request(method, path, body, ctype)
            for _ in range(100):
                status = _call(target, environ, raw)
            started = time.perf_counter()
            for _ in range(args.requests):
                _call(target, environ, raw)
            elapsed = (time.perf_counter() - started) / args.requests * 1000
            print(f"{name:<20}{status:<16}{elapsed:>8.3f}", file=sys.__stdout__)
            if name == args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(500):
                    _call(target, environ, raw)
                profile.disable()
                out = io.StringIO()
                order, top = os.environ.get("SORT", "cumulative"), int(os.environ.get("TOP", "40"))
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
                print(out.getvalue(), file=sys.__stdout__)
        return 0
    finally:
        sys.stderr = sys.__stderr__
        throughput.bench_cleanup(app, args.database_url, tmp)


if __name__ == "__main__":
    sys.exit(main())
