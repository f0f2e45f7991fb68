"""The operators' path: `flask init` on an empty database, then gunicorn serves the journey."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from scan.config import PROJECT_ROOT
from scan.content import load_bank
from scan.records.scans import step_ids
from tests.journey import step_formdata

BANK = load_bank(PROJECT_ROOT / "vragen")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def _request(url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with OPENER.open(urllib.request.Request(url, data=body), timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def production_server(tmp_path, production_settings):
    env = {k: v for k, v in os.environ.items() if k not in ("SCAN_ENV", "CONTENT_DIR")}
    env.update(production_settings, DATABASE_URL=f"sqlite:///{tmp_path / 'productie.db'}")
    init = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "scan", "init"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "scan:create_app()",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _request(f"{base}/healthz")[0] == 200:
                    break
            except (ConnectionError, urllib.error.URLError):
                pass
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "gunicorn did not become healthy"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_gunicorn_serves_the_whole_journey_after_init(production_server):
    base = production_server
    status, headers, html = _request(f"{base}/")
    assert status == 200 and "Start de scan" in html
    status, headers, _ = _request(f"{base}/scan", {})
    assert status == 303
    step_url = urllib.parse.urljoin(base, headers["Location"])
    token = step_url.split("/")[-2]
    for step in step_ids(BANK):
        _, _, page = _request(f"{base}/scan/{token}/{step}")
        form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        data = {**step_formdata(BANK, step), "form_token": form_token}
        status, headers, body = _request(f"{base}/scan/{token}/{step}", data)
        assert status == 303, body
        assert "Set-Cookie" not in headers
    status, headers, html = _request(urllib.parse.urljoin(base, headers["Location"]))
    assert status == 200
    assert "kom je uit op 100," in html


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SCAN_ENV", "SECRET_KEY")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    done = subprocess.run(
        [sys.executable, "-c", "import scan; scan.create_app()"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "SECRET_KEY is (or holds) the development key" in done.stderr
