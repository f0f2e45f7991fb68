"""Load without loss: 500 concurrent scans through gunicorn, each stored exactly once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from scan.config import PROJECT_ROOT
from scan.db import database
from scan.models import Scan
from scan.records.scans import step_ids
from tests.conftest import LOOPBACK
from tests.journey import step_formdata
from tests.mailserver import free_port
from tests.strategies import answers_for, lowest_answer, valid_profile

API_SCANS = 400
WEB_SCANS = 100


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def _call(url: str, data: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=data)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


@pytest.fixture
def server(app, database_url, production_settings):
    env = {k: v for k, v in os.environ.items() if k not in ("SCAN_ENV", "CONTENT_DIR")}
    env.update(production_settings)
    # 500 scans at once from one address: loopback is exempt here, as a partner's servers can
    # be; the limits themselves are tested in test_rate_limits.py.
    env.update(
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        DATABASE_TIMEOUT="30",
        RATE_LIMIT_EXEMPT=LOOPBACK,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "scan:create_app()",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _call(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "no gunicorn"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(60)


def _api_scan(base: str, body: bytes):
    status, _, text = _call(f"{base}/api/v1/scans", body, "application/json")
    return status, json.loads(text).get("token") if status == 201 else None


def _web_scan(base: str, bank) -> tuple[list[int], str | None]:
    statuses = []
    status, headers, _ = _call(f"{base}/scan", b"")
    statuses.append(status)
    if status != 303:
        return statuses, None
    token = headers["Location"].split("/")[-2]
    for step in step_ids(bank):
        status, _, page = _call(f"{base}/scan/{token}/{step}")
        statuses.append(status)
        form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {**step_formdata(bank, step, lowest_answer), "form_token": form_token}, doseq=True
        ).encode()
        status, _, _ = _call(f"{base}/scan/{token}/{step}", data)
        statuses.append(status)
    return statuses, token


def test_500_concurrent_scans_are_each_stored_exactly_once(app, bank, server):
    body = json.dumps(
        {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank)}
    ).encode()
    with ThreadPoolExecutor(max_workers=50) as pool:
        api = [pool.submit(_api_scan, server, body) for _ in range(API_SCANS)]
        web = [pool.submit(_web_scan, server, bank) for _ in range(WEB_SCANS)]
        api_results = [f.result() for f in api]
        web_results = [f.result() for f in web]
    statuses = [s for s, _ in api_results] + [s for r, _ in web_results for s in r]
    assert not [s for s in statuses if s >= 500], "a 5xx under load"
    api_tokens = [t for s, t in api_results if s == 201]
    web_tokens = [t for r, t in web_results if t and r[-1] == 303]
    assert len(api_tokens) == API_SCANS and len(web_tokens) == WEB_SCANS
    tokens = api_tokens + web_tokens
    assert len(set(tokens)) == len(tokens)
    with database(app).sessions() as session:
        stored = session.scalar(select(func.count()).select_from(Scan))
        completed = set(session.scalars(select(Scan.token).where(Scan.status == "completed")))
    assert stored == len(tokens)  # nothing stored twice, nothing lost
    assert completed == set(tokens)
