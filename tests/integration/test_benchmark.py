"""Bedrijven zoals jij: seeded segments with known scores, checked exactly on page and API.

The seeded scans are stored as completion stores them, so the database's triggers count them
(migration 0015); the shown scan is made through the API or the web journey. Runs on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import shutil
import threading
from datetime import timedelta

import pytest
from sqlalchemy import JSON, DateTime, Integer, String, column, insert, select, table, update

from scan.config import PROJECT_ROOT
from scan.db import database, upgrade_to_head
from scan.models import BenchmarkCount, Scan, utcnow
from tests.conftest import LOOPBACK, migrate
from tests.integration.test_staff_rescans import rescan
from tests.journey import complete_scan
from tests.openapi import assert_matches
from tests.peers import FIFTEEN, counted, seed_scans
from tests.sql import statements
from tests.strategies import answers_for, best_answer, valid_profile

SECTOR, SIZE = "detailhandel", "micro"
#: The quartiles and the position of a firm scoring 100 everywhere among FIFTEEN.
EXPECTED = {
    "online-sales-marketing": {"p25": 35.0, "p50": 70.0, "p75": 100.0, "position": 83},
    "data": {"p25": 50.0, "p50": 50.0, "p75": 50.0, "position": 100},
    "automatisering": {"p25": 17.5, "p50": 35.0, "p75": 52.5, "position": 100},
}


def submission(bank, sector: str = SECTOR, size: str = SIZE) -> dict:
    """A shop of 2 to 9 people with the best answer everywhere: 100 on every theme."""
    profile = valid_profile(bank, sector=sector) | {"size": size}
    return {"answers": answers_for(bank, best_answer, sector), "profile": profile}


def post_scan(client, bank, **kwargs) -> dict:
    response = client.post("/api/v1/scans", json=submission(bank, **kwargs))
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    assert {t["score"] for t in document["scores"]["themes"].values()} == {100}
    return document


def test_fifteen_others_in_sector_and_size_give_that_segment_exactly(app, client, bank):
    seed_scans(app, SECTOR, SIZE, FIFTEEN)
    seed_scans(app, SECTOR, "klein", [(0, 0, 0)] * 5)  # in the sector, not in the size
    document = post_scan(client, bank)
    assert document["benchmark"] == {
        "segment": {"sector": SECTOR, "size": SIZE},
        "n": 15,
        "themes": EXPECTED,
    }
    again = client.get(f"/api/v1/scans/{document['token']}").get_json()
    assert again["benchmark"] == document["benchmark"]  # itself still not counted
    assert_matches(client.get("/api/v1/openapi.json").get_json(), "ScanResult", again)


def test_fourteen_others_give_the_sector(app, client, bank):
    seed_scans(app, SECTOR, SIZE, FIFTEEN[:14])
    seed_scans(app, SECTOR, "klein", [(100, 100, 100)] * 6)
    benchmark = post_scan(client, bank)["benchmark"]
    assert benchmark["segment"] == {"sector": SECTOR, "size": None}
    assert benchmark["n"] == 20
    # osm: 0..90 by 10, 100 four times and six more: 20 scores, 10 below 100, 10 equal.
    # m = 19: j, delta = divmod(19, 4) = (4, 3) -> (40 + 3 * 100) / 4; (9, 2); (14, 1).
    assert benchmark["themes"]["online-sales-marketing"] == {
        "p25": 47.5,
        "p50": 95.0,
        "p75": 100.0,
        "position": 75,
    }


def test_then_the_size_then_all_firms(app, client, bank):
    seed_scans(app, SECTOR, SIZE, FIFTEEN[:14])
    seed_scans(app, "bouw", SIZE, FIFTEEN[:1])
    assert post_scan(client, bank)["benchmark"]["segment"] == {"sector": None, "size": SIZE}
    seed_scans(app, "horeca", "klein", FIFTEEN[:5])
    assert post_scan(client, bank, sector="horeca", size="klein")["benchmark"]["segment"] == {
        "sector": None,
        "size": None,
    }


def test_fewer_than_fifteen_others_anywhere_is_null_and_the_page_says_it_follows(app, client, bank):
    seed_scans(app, SECTOR, SIZE, FIFTEEN[:13])
    first = post_scan(client, bank)  # the 14th: the next one sees 14 others
    assert first["benchmark"] is None
    second = post_scan(client, bank)
    assert second["benchmark"] is None
    html = client.get(f"/scan/{second['token']}/resultaat").get_data(as_text=True)
    assert "Die vergelijking volgt als meer" in html
    third = post_scan(client, bank)  # 15 others now, of which two were scanned above
    assert third["benchmark"]["n"] == 15


def test_a_theme_with_too_few_scores_is_null(app, client, bank):
    seed_scans(app, SECTOR, SIZE, [(s, None, 50) for s, _, _ in FIFTEEN])
    benchmark = post_scan(client, bank)["benchmark"]
    assert benchmark["themes"]["data"] is None
    assert benchmark["themes"]["online-sales-marketing"] == EXPECTED["online-sales-marketing"]


def test_the_result_page_names_the_segment_and_says_it_in_a_picture_table_and_words(
    app, client, bank
):
    seed_scans(app, SECTOR, SIZE, FIFTEEN)
    token = post_scan(client, bank)["token"]
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert "winkels en andere detailhandel met 2 tot en met 9 mensen: 15 bedrijven" in html
    # osm: 10 of 15 lower, 5 the same (position 83): said as such, not as "hoger dan 8 van 10".
    assert (
        "Ongeveer 3 van de 10 bedrijven zoals jij scoren hier precies even hoog als jij, en "
        "ongeveer 7 van de 10 lager." in html
    )
    assert "Je scoort hoger dan bijna alle bedrijven zoals jij." in html  # automatisering
    assert 'id="zoals-jij-strook-online-sales-marketing-title"' in html
    assert "<td>35 tot 100</td><td>70</td>" in html
    assert "<td>17,5 tot 52,5</td><td>35</td>" in html
    assert "Bron: CBS, tabel 84829NED, cijfers over 2020." in html  # a public figure, beside


def test_the_web_journey_counts_at_completion_and_shows_it(app, client, bank):
    seed_scans(app, None, None, FIFTEEN)  # no sector or size: only in "all firms"
    token = complete_scan(client, bank)
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert "alle bedrijven die de scan deden: 15 bedrijven" in html
    assert counted(app) == {0: 16}  # the completed scan counts for the next one


def test_public_figures_fit_the_firm_and_show_before_the_comparison(app, client, bank):
    token = post_scan(client, bank, sector="horeca")["token"]
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert "Die vergelijking volgt als meer" in html
    assert "In de horeca gebruikte 59 procent" in html
    assert "In de bouw gebruikte" not in html  # another sector's figure
    assert "10 tot 50 werkenden" not in html  # another size's figure
    zzp = post_scan(client, bank, size="zzp")["token"]
    assert "Ter vergelijking" not in client.get(f"/scan/{zzp}/resultaat").get_data(as_text=True)


def test_erased_and_purged_scans_leave_the_counts(make_app, bank):
    app = make_app(SCAN_RETENTION_DAYS=400)
    client = app.test_client()
    seeded = seed_scans(app, SECTOR, SIZE, FIFTEEN)
    old = seed_scans(app, SECTOR, SIZE, [(1, 1, 1)], utcnow() - timedelta(days=401))
    assert counted(app, SECTOR, SIZE) == {0: 16}
    assert client.delete(f"/api/v1/scans/{seeded[0]}").status_code == 204
    assert counted(app, SECTOR, SIZE) == {0: 15}
    assert counted(app, theme="online-sales-marketing") == {1: 1} | {
        10 * i: 1 for i in range(1, 10)
    } | {100: 5}
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert counted(app, SECTOR, SIZE) == {0: 14}
    assert old and counted(app, theme="data") == {50: 14}
    assert post_scan(client, bank)["benchmark"] is None  # 14 others, in every segment


def test_scans_older_than_24_months_leave_the_counts_at_the_daily_purge(make_app):
    app = make_app(SCAN_RETENTION_DAYS=1000)  # kept, but no longer compared
    seed_scans(app, SECTOR, SIZE, FIFTEEN[:3], utcnow() - timedelta(days=740))
    seed_scans(app, SECTOR, SIZE, FIFTEEN[3:5], utcnow() - timedelta(days=700))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "3 scan(s) left the benchmark" in dry.output
    assert counted(app, SECTOR, SIZE) == {0: 5}
    assert runner.invoke(args=["purge"]).exit_code == 0
    assert counted(app, SECTOR, SIZE) == {0: 2}
    with database(app).sessions() as session:
        kept = session.scalars(select(Scan.benchmarked).order_by(Scan.completed_at)).all()
    assert kept == [False, False, False, True, True]
    # Uncounted once: deleting it later takes nothing more off.
    with database(app).sessions() as session:
        session.execute(update(Scan).values(profile={"sector": "bouw", "size": SIZE}))
        session.commit()
    assert counted(app, SECTOR, SIZE) == {} and counted(app, "bouw", SIZE) == {0: 2}


def test_counts_follow_the_transaction_that_completes(app):
    with database(app).sessions() as session:
        session.add(
            Scan(
                token="t" * 43,
                status="completed",
                bank_version="x",
                profile={"sector": SECTOR, "size": SIZE},
                score_data=40,
                benchmarked=True,
                completed_at=utcnow(),
            )
        )
        session.flush()
        assert session.scalar(select(Scan.id).where(Scan.token == "t" * 43))
        session.rollback()
    assert counted(app) == {}


@pytest.fixture
def no_benchmark_reads(monkeypatch):
    """Make reading the counts return nothing without a query: the page without the benchmark."""

    def switch_off():
        monkeypatch.setattr("scan.records.benchmark.segment_counts", lambda *_: {})

    return switch_off


def _reads(sent: list[str]) -> int:
    return sum("benchmark_counts" in s for s in sent)


def test_the_result_page_and_the_api_post_cost_one_query_each(
    app, client, bank, no_benchmark_reads
):
    """Measured: statements sent with the benchmark minus those sent with it switched off."""
    seed_scans(app, SECTOR, SIZE, FIFTEEN)
    token = post_scan(client, bank)["token"]
    page = f"/scan/{token}/resultaat"
    client.get(page)
    with statements(app) as page_with:
        client.get(page)
    with statements(app) as post_with:
        client.post("/api/v1/scans", json=submission(bank))
    no_benchmark_reads()
    with statements(app) as page_without:
        client.get(page)
    with statements(app) as post_without:
        client.post("/api/v1/scans", json=submission(bank))
    assert _reads(page_with) == _reads(post_with) == 1
    assert len(page_with) - len(page_without) == 1
    assert len(post_with) - len(post_without) == 1  # the counting itself is the INSERT's


def test_check_content_checks_the_public_figures(runner, tmp_path):
    shutil.copytree(PROJECT_ROOT / "vragen", tmp_path / "vragen")
    shutil.copytree(PROJECT_ROOT / "adviezen", tmp_path / "adviezen")
    path = tmp_path / "vragen" / "vergelijking.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2021", "jaar: 2021", 1))
    result = runner.invoke(args=["check-content", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "vragen/vergelijking.yaml: figures[2].jaar: unknown key" in result.output
    assert "vragen/vergelijking.yaml: figures[2].year: Field required" in result.output


def test_migration_0015_counts_the_completed_scans_of_the_last_24_months(fresh_app):
    app = fresh_app
    migrate(app, "0014")
    scans = table(
        "scans",
        column("token", String),
        column("status", String),
        column("bank_version", String),
        column("profile", JSON),
        column("answers", JSON),
        column("steps_done", JSON),
        column("created_at", DateTime(timezone=True)),
        column("updated_at", DateTime(timezone=True)),
        column("completed_at", DateTime(timezone=True)),
        column("score_online_sales_marketing", Integer),
        column("score_data", Integer),
        column("score_automatisering", Integer),
        column("previous_token", String),
    )
    now = utcnow()

    def row(n, status="completed", days=10, profile=None, scores=(40, 60, None), previous=None):
        return {
            "token": f"{n:043d}",
            "previous_token": f"{previous:043d}" if previous else None,
            "status": status,
            "bank_version": "x",
            "profile": {"sector": SECTOR, "size": SIZE} if profile is None else profile,
            "answers": {},
            "steps_done": [],
            "created_at": now,
            "updated_at": now,
            "completed_at": now - timedelta(days=days) if status == "completed" else None,
            "score_online_sales_marketing": scores[0],
            "score_data": scores[1],
            "score_automatisering": scores[2],
        }

    with database(app).engine.begin() as connection:
        connection.execute(
            insert(scans),
            [
                row(1),
                row(2, scores=(40, 70, 10)),
                row(3, profile={"size": SIZE}),  # no sector: its size and all firms only
                row(4, days=740),  # completed more than 24 months ago
                row(5, status="draft"),
                row(6, scores=(40, 80, None), previous=1),  # 1 was done again: 6 counts
                row(7, status="draft", previous=2),  # a re-scan not finished: 2 counts
            ],
        )
    migrate(app, "0015")
    assert counted(app, SECTOR, SIZE) == {0: 2}
    assert counted(app, "", SIZE) == {0: 3}
    assert counted(app, SECTOR, "") == {0: 2}
    assert counted(app, theme="data") == {60: 1, 70: 1, 80: 1}
    assert counted(app, SECTOR, SIZE, "automatisering") == {10: 1}
    with database(app).sessions() as session:
        flags = session.execute(select(Scan.token, Scan.benchmarked).order_by(Scan.token)).all()
    assert [f for _, f in flags] == [False, True, True, False, False, True, False]
    # From here the triggers keep counting.
    seed_scans(app, SECTOR, SIZE, [(0, 60, 0)])
    assert counted(app, theme="data") == {60: 2, 70: 1, 80: 1}
    migrate(app, "0014", down=True)
    upgrade_to_head(app)


def recounted(app) -> dict[tuple[str, str, str, int], int]:
    """The counts as they should be, made again from the benchmarked scans themselves."""
    expected: dict[tuple[str, str, str, int], int] = {}
    with database(app).sessions() as session:
        for scan in session.scalars(select(Scan).where(Scan.benchmarked.is_(True))):
            sector, size = scan.profile.get("sector") or "", scan.profile.get("size") or ""
            keys = {(sector, size), (sector, ""), ("", size), ("", "")}
            scores = [("", 0)] + [
                (theme, getattr(scan, "score_" + theme.replace("-", "_")))
                for theme in ("online-sales-marketing", "data", "automatisering")
            ]
            for segment_sector, segment_size in keys:
                for theme, score in scores:
                    if score is not None:
                        key = (segment_sector, segment_size, theme, score)
                        expected[key] = expected.get(key, 0) + 1
    return expected


def stored_counts(app) -> dict[tuple[str, str, str, int], int]:
    with database(app).sessions() as session:
        rows = session.execute(select(BenchmarkCount).where(BenchmarkCount.scans != 0))
        return {(c.sector, c.size, c.theme, c.score): c.scans for c in rows.scalars()}


def test_concurrent_completions_and_erasures_keep_the_counts_exact(make_app, bank):
    """Scans completed and erased at the same time, in threads: every count stays exact.

    On PostgreSQL the completions wait for each other's rows of the counts (in one order, so
    never in a circle); on SQLite for the write lock.
    """
    app = make_app(RATE_LIMIT_EXEMPT=LOOPBACK)
    seeded = seed_scans(app, SECTOR, "klein", FIFTEEN[:8]) + seed_scans(
        app, "bouw", SIZE, FIFTEEN[8:]
    )
    errors: list[str] = []

    def complete(sector: str) -> None:
        client = app.test_client()
        for _ in range(4):
            response = client.post("/api/v1/scans", json=submission(bank, sector=sector))
            if response.status_code != 201:
                errors.append(f"POST {response.status_code}")

    def erase(tokens: list[str]) -> None:
        client = app.test_client()
        for token in tokens:
            response = client.delete(f"/api/v1/scans/{token}")
            if response.status_code != 204:
                errors.append(f"DELETE {response.status_code}")

    work = [threading.Thread(target=complete, args=(s,)) for s in (SECTOR, "bouw") * 3]
    work += [threading.Thread(target=erase, args=(seeded[i::3],)) for i in range(3)]
    for thread in work:
        thread.start()
    for thread in work:
        thread.join(timeout=120)
    assert not errors
    assert counted(app) == {0: 24}
    assert stored_counts(app) == recounted(app)


def test_the_privacy_statement_says_how_scores_count_among_similar_firms(client):
    page = " ".join(client.get("/privacy").get_data(as_text=True).split())
    assert "je scores tellen tot 24 maanden mee in ‘Bedrijven zoals jij’" in page
    assert "alleen cijfers over groepen van minstens 15 bedrijven" in page


def test_a_firm_counts_once_with_its_newest_scan(app, client, bank):
    seed_scans(app, SECTOR, SIZE, FIFTEEN)
    first = post_scan(client, bank)["token"]
    assert counted(app, SECTOR, SIZE) == {0: 16}
    again = client.post("/api/v1/scans", json=submission(bank) | {"previous": first})
    assert again.status_code == 201
    # The earlier scan left the counts: the re-scan is compared with the 15 others only.
    assert again.get_json()["benchmark"]["n"] == 15
    assert counted(app, SECTOR, SIZE) == {0: 16}
    assert stored_counts(app) == recounted(app)
    # And on the web: a re-scan started from the result takes over when it is completed.
    web = complete_scan(client, bank)
    done = rescan(client, bank, web, best_answer)
    with database(app).sessions() as session:
        flags = {
            token: flag for token, flag in session.execute(select(Scan.token, Scan.benchmarked))
        }
    assert (flags[web], flags[done]) == (False, True)
    assert stored_counts(app) == recounted(app)
