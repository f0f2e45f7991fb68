"""Operators' commands: init on an empty database, check-content on good and broken files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from sqlalchemy import inspect, select

from scan.config import PROJECT_ROOT
from scan.db import database
from scan.models import Werkplaats

FLASK = [sys.executable, "-m", "flask", "--app", "scan"]


def test_init_migrates_an_empty_database_and_can_run_again(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'leeg.db'}")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "schema revision" in first.output
    assert "scans" in inspect(database(app).engine).get_table_names()
    seeds = app.extensions["scan.werkplaats_seeds"]
    assert f"{len(seeds)} werkplaats(en) added" in first.output
    with database(app).sessions() as session:
        assert set(session.scalars(select(Werkplaats.id))) == {s.id for s in seeds}
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0
    assert "0 werkplaats(en) added" in second.output


def test_check_content_reports_the_bank(runner, bank):
    result = runner.invoke(args=["check-content"])
    assert result.exit_code == 0
    assert f"version {bank.version}" in result.output


def test_check_content_names_file_and_field_and_exits_non_zero(runner, tmp_path):
    broken = tmp_path / "vragen"
    shutil.copytree(PROJECT_ROOT / "vragen", broken)
    shutil.copytree(PROJECT_ROOT / "adviezen", tmp_path / "adviezen")
    path = broken / "data.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("points: 3", "points: drie", 1))
    result = runner.invoke(args=["check-content", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "vragen/data.yaml: questions[" in result.output
    assert ".points:" in result.output


def _environment(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(SCAN_ENV="development", **extra)
    return env


def test_broken_content_stops_the_cli_with_a_clear_message(tmp_path):
    shutil.copytree(PROJECT_ROOT / "vragen", tmp_path / "vragen")
    shutil.copytree(PROJECT_ROOT / "adviezen", tmp_path / "adviezen")
    (tmp_path / "vragen" / "bank.yaml").write_text("version: [", encoding="utf-8")
    env = _environment(CONTENT_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    for command in (["check-content"], ["init"]):
        done = subprocess.run(
            FLASK + command, env=env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60
        )
        assert done.returncode != 0
        assert "vragen/bank.yaml: line 1" in done.stderr
        assert "Traceback" not in done.stderr
