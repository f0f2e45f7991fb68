"""The OpenAPI document tells the whole truth, checked the way a partner's developer would.

Schemathesis generates requests from the served document (schema-valid ones and broken ones,
the coverage phase's edge cases, and stateful sequences that follow the document's links from
a new scan to its result, its lead and its erasure) and runs every check it has against the
answers. It runs as its command-line tool against the app over real HTTP, as a partner runs
it, with a fixed seed and a bounded number of examples.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from scan.db import database
from scan.domain.contact import PATTERNS
from scan.domain.postcode import POSTCODE_PATTERN
from scan.models import Lead, Scan, ShareLink, Werkplaats
from scan.records.offer_models import Registration
from tests.conftest import LOOPBACK
from tests.offer import make_training
from tests.serving import serving

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]
#: Reproducible: the same requests on every run. Raise MAX_EXAMPLES locally to search harder.
SEED = 21
MAX_EXAMPLES = 25


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").get_json()


def test_the_document_is_valid_openapi_31(document):
    validate(document)  # raises with the path of the first violation


def test_the_document_says_the_bank_version(document, bank):
    assert document["info"]["version"].endswith(f"+bank.{bank.version}")
    assert document["info"]["x-bank-version"] == bank.version


def test_each_sector_variant_names_exactly_the_questions_that_sector_is_asked(document, bank):
    schemas = document["components"]["schemas"]
    variants = [ref["$ref"].rsplit("/", 1)[1] for ref in schemas["ScanSubmission"]["oneOf"]]
    assert variants == [f"ScanSubmission.{sector}" for sector in bank.sector_ids]
    for sector in bank.sector_ids:
        answers = schemas[f"ScanSubmission.{sector}"]["properties"]["answers"]
        asked = bank.for_sector(sector).questions_by_id
        assert answers["required"] == list(asked)
        assert set(answers["properties"]) == set(asked)
        assert answers["additionalProperties"] is False
        for question_id, ref in answers["properties"].items():
            options = schemas[ref["$ref"].rsplit("/", 1)[1]]
            if options["type"] == "array":
                options = options["items"]
            assert options["enum"] == [o.id for o in asked[question_id].options]


def test_text_rules_are_published_as_the_checks_use_them(document):
    schemas = document["components"]["schemas"]
    lead = schemas["LeadRequest"]["properties"]
    assert {name: lead[name]["pattern"] for name in PATTERNS} == PATTERNS
    profile = schemas["ScanSubmission.bouw"]["properties"]["profile"]["properties"]
    assert profile["postcode"] == {"$ref": "#/components/schemas/ProfilePostcode"}
    assert schemas["ProfilePostcode"]["pattern"].endswith(POSTCODE_PATTERN)


def test_creating_a_scan_links_to_what_can_be_done_with_it(document):
    links = document["paths"]["/scans"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {
        "getScan",
        "deleteScan",
        "createLead",
        "createShare",
        "listShares",
        "createRegistration",
    }
    assert all(link["parameters"] == {"token": "$response.body#/token"} for link in links.values())


def _schemathesis() -> str:
    """The st command installed beside this Python (the project's virtualenv)."""
    command = Path(sys.executable).with_name("st")
    return str(command) if command.exists() else shutil.which("st") or "st"


def test_schemathesis_finds_nothing_with_every_check_and_phase(make_app, tmp_path):
    # The tool sends thousands of scans a minute from one address: loopback is exempt from
    # the rate limits here, as a partner's servers can be (test_rate_limits.py tests them).
    app = make_app(SERVER_NAME=None, RATE_LIMIT_EXEMPT=LOOPBACK)
    # Coming sessions at every werkplaats, so that positive sign-ups can be accepted (the hook
    # picks one of the scan's werkplaats), with room for every sign-up the tool sends.
    with database(app).sessions() as session:
        werkplaatsen = session.scalars(select(Werkplaats.id)).all()
    for werkplaats_id in werkplaatsen:
        make_training(app, werkplaats_id, places=100_000)
    with serving(app) as netloc:
        run = subprocess.run(
            [
                _schemathesis(),
                "run",
                f"http://{netloc}{API}/openapi.json",
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--seed",
                str(SEED),
                "--max-examples",
                str(MAX_EXAMPLES),
                "--generation-database",
                "none",
                "--workers",
                "1",
                "--no-color",
                "--report",
                "json",
                "--report-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
            env=os.environ
            | {
                "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
                "PYTHONPATH": str(ROOT),
                "SCAN_API_URL": f"http://{netloc}{API}",
            },
        )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-8000:]
    report = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert report["complete"] and not report["failures"] and not report["errors"]
    operations = report["operations"]
    served = app.test_client().get(f"{API}/openapi.json").get_json()
    verbs = {"get", "put", "post", "delete", "patch"}
    in_document = sum(len(verbs & item.keys()) for item in served["paths"].values())
    assert in_document >= 6
    assert operations["tested"] == operations["selected"] == operations["total"] == in_document
    assert {phase["status"] for phase in report["phases"].values()} == {"success"}
    # Nothing the tool had to guess or skip: no missing test data, no unsupported pattern.
    assert not any(report["warnings"].values()), report["warnings"]
    # The links led the tool from new scans to their leads and erasure, not only to 404s.
    with database(app).sessions() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) > 0
        # And valid re-scans were sent (the hook named real earlier scans) and accepted.
        rescans = select(func.count()).where(Scan.previous_token.is_not(None))
        assert session.scalar(rescans) > 0
        # And share links were made, and some withdrawn through the link from their 201.
        withdrawn = select(func.count()).where(ShareLink.withdrawn_at.is_not(None))
        assert session.scalar(select(func.count()).select_from(ShareLink)) > 0
        assert session.scalar(withdrawn) > 0
        # And sign-ups for real sessions were sent and accepted (issue 20).
        assert session.scalar(select(func.count()).select_from(Registration)) > 0
