"""Schemathesis hooks for the contract test: a re-scan's "previous" names a real scan, and a
sign-up's "session" a real session of the scan's werkplaats.

No schema can say "the token of a completed scan in this database", so positive test data
with a made-up token is rightly answered 422. For a positive body of POST /scans only, the
hook first submits the document's own example scan and puts in its token, and, when
steps_taken is there, steps from that scan's advice. A fresh earlier scan each time: the
stateful phase erases re-scans, and with them the scans they were re-done from. Negative
bodies go as generated and must still be refused; the 422s for unknown, erased and
unfinished tokens have their own tests (test_rescan_api.py).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from functools import cache

import schemathesis
from schemathesis.core.parameters import ParameterLocation


def _call(url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own server
        return json.load(response)


@cache
def _example() -> dict:
    """The example body of POST /scans in the served document."""
    document = _call(os.environ["SCAN_API_URL"] + "/openapi.json")
    content = document["paths"]["/scans"]["post"]["requestBody"]["content"]["application/json"]
    return next(iter(content["examples"].values()))["value"]


@schemathesis.hook
def map_case(context, case):
    """Point a positive re-scan body at a real, completed earlier scan."""
    operation = case.operation
    body = case.body
    if operation.method.upper() != "POST" or operation.path != "/scans":
        return case
    if not isinstance(body, dict) or not ({"previous", "steps_taken"} & body.keys()):
        return case
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY):
        return case
    earlier = _call(os.environ["SCAN_API_URL"] + "/scans", _example())
    body["previous"] = earlier["token"]
    if "steps_taken" in body:
        advice = [item["id"] for item in earlier["advice"]]
        body["steps_taken"] = advice[: len(body["steps_taken"])]
    return case


@schemathesis.hook
def before_call(context, case, **kwargs):
    """Just before a sign-up is sent (the document's own example too, which no map hook
    sees): name a real session of the scan's werkplaats."""
    operation = case.operation
    if operation.method.upper() == "POST" and operation.path == "/scans/{token}/registrations":
        _real_session(case)


def _real_session(case):
    """Put a coming session of the scan's werkplaats in a positive sign-up body.

    No schema can say "a session of the werkplaats this scan was routed to", so a made-up id
    is rightly answered 422. A token of no scan (404), or of a scan without a werkplaats
    (409), is left as it is: those answers are documented.
    """
    body = case.body
    if not isinstance(body, dict) or "session" not in body:
        return case
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY):
        return case
    base = os.environ["SCAN_API_URL"]
    try:
        scan = _call(f"{base}/scans/{case.path_parameters['token']}")
    except (urllib.error.URLError, KeyError, ValueError):
        return case
    werkplaats = scan.get("werkplaats")
    if werkplaats:
        sessions = _call(f"{base}/werkplaatsen/{werkplaats['id']}/sessions")
        if sessions:
            body["session"] = sessions[0]["id"]
    return case
