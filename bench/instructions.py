"""Instructions per request of each benchmark endpoint, counted by callgrind: repeatable.

This machine's speed drifts by a third within minutes, so timings cannot tell a 5 % change
apart; valgrind's callgrind counts the instructions the process executes, which are the same
on every run of the same code. The script runs itself under callgrind: the child builds the
app on a small seeded SQLite database, and for each endpoint makes 30 warm-up requests and
then N counted ones, asking callgrind (callgrind_control) to write its counters before and
after. A figure is (instructions after - before) / N, so it includes the app, Flask, SQLite
and the bit of Python that calls the app; not gunicorn, the kernel or the network. The dump
calls add about 1.5 million instructions to each window (15,000 per request at N = 100), so
compare runs made with the same --requests.

Usage, from the project root (Debian's valgrind, which every machine here has):

    .venv/bin/python bench/instructions.py                  # all endpoints, 100 requests each
    .venv/bin/python bench/instructions.py --requests 200 --only "theme step GET"

About 3 minutes for all endpoints. Compare two versions by running it in two checkouts.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import in_process  # noqa: E402
import throughput  # noqa: E402

ENDPOINTS = (
    "bare Flask",
    "app's fixed cost",
    "landing",
    "theme step GET",
    "theme step POST",
    "result page",
    "API POST /scans",
)


def child(requests: int, names: list[str]) -> None:
    """Under callgrind: make the requests, with a counter dump around each endpoint's."""
    from flask import Flask

    import scan
    from scan.db import database, upgrade_to_head

    tmp = tempfile.mkdtemp()
    config = throughput.bench_config(None, tmp)
    seeding = scan.create_app(config)
    upgrade_to_head(seeding)
    data = throughput.prepare(seeding, 50)
    database(seeding).engine.dispose()
    app = scan.create_app(config)
    app.add_url_rule("/_hello", "hello", lambda: "hello")
    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: "hello")
    log = sys.stderr = io.StringIO()  # the request log line, kept small in memory
    theme, token = data["theme"], data["draft"]
    form = "application/x-www-form-urlencoded"
    requests_by_name = {
        "bare Flask": (bare, "GET", "/", None, None),
        "app's fixed cost": (app, "GET", "/_hello", None, None),
        "landing": (app, "GET", "/", None, None),
        "theme step GET": (app, "GET", f"/scan/{token}/{theme}", None, None),
        "theme step POST": (app, "POST", f"/scan/{token}/{theme}", data["bodies"][theme], form),
        "result page": (app, "GET", f"/scan/{data['completed']}/resultaat", None, None),
        "API POST /scans": (app, "POST", "/api/v1/scans", data["api_body"], "application/json"),
    }

    def dump(label: str) -> None:
        subprocess.run(
            ["callgrind_control", "--dump=" + label, str(os.getpid())],
            stdout=subprocess.DEVNULL,
            check=True,
        )

    for index, name in enumerate(names):
        target, method, path, body, ctype = requests_by_name[name]
        environ, raw = in_process._request(method, path, body, ctype)
        for _ in range(30):
            in_process._call(target, environ, raw)
        log.seek(0)
        log.truncate()
        dump(f"before-{index}")
        for _ in range(requests):
            log.seek(0)
            log.truncate()
            in_process._call(target, environ, raw)
        dump(f"after-{index}")
    sys.stderr = sys.__stderr__
    throughput.bench_cleanup(app, None, tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="counted requests each")
    parser.add_argument("--only", action="append", choices=ENDPOINTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = args.only or list(ENDPOINTS)
    if args.child:
        child(args.requests, names)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind is missing: apt-get install -y valgrind")
    out = Path(tempfile.mkdtemp())
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}/cg.out",
        sys.executable,
        __file__,
        "--child",
        "--requests",
        str(args.requests),
        *[f"--only={name}" for name in names],
    ]
    try:
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        # Each dump holds the instructions since the one before it: the "after-i" dump
        # holds the counted requests of endpoint i.
        counted = {}
        for dump in out.glob("cg.out.*"):
            text = dump.read_text(errors="replace")
            label = re.search(r"^desc: Trigger: .*?after-(\w+)", text, re.M)
            total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
            if label and total:
                counted[label.group(1)] = int(total.group(1))
        per_request = {names[int(i)]: total / args.requests for i, total in counted.items()}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if len(per_request) != len(names):
        sys.exit(f"callgrind gave counts for {sorted(per_request)} only")
    print(f"{'request':<20}{'instructions':>14}")
    for name in names:
        print(f"{name:<20}{per_request[name]:>14,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
