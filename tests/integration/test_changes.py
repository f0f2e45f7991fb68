"""Change counters move with every committed write, and what is kept on them follows."""

from __future__ import annotations

from sqlalchemy import delete, update

from scan.changes import LEADS, WERKPLAATSEN, change_counters
from scan.db import database
from scan.models import Lead, Werkplaats
from tests.staff import make_lead
from tests.strategies import answers_for, lowest_answer, valid_profile


def counters(app) -> dict[str, int]:
    with database(app).engine.connect() as connection:
        return change_counters(connection)


def moved(app, before: dict[str, int]) -> set[str]:
    after = counters(app)
    return {name for name in after if after[name] != before[name]}


def test_every_committed_write_raises_the_counter_of_its_table(app):
    engine = database(app).engine
    before = counters(app)
    assert set(before) == {LEADS, WERKPLAATSEN}

    lead_id = make_lead(app)
    assert moved(app, before) == {LEADS}

    for statement in (
        update(Lead).where(Lead.id == lead_id).values(status="intake"),
        delete(Lead).where(Lead.id == lead_id),
        update(Werkplaats).where(Werkplaats.id == "utrecht").values(name="Utrecht (nieuw)"),
    ):
        before = counters(app)
        with engine.begin() as connection:
            connection.execute(statement)
        expected = {WERKPLAATSEN} if statement.table.name == "werkplaatsen" else {LEADS}
        assert moved(app, before) == expected, statement

    before = counters(app)
    with engine.connect() as connection:
        connection.execute(update(Werkplaats).values(active=False))
        connection.rollback()
    assert moved(app, before) == set()  # what is rolled back changed nothing


def test_routing_follows_a_werkplaats_edit_made_by_another_worker(make_app, bank):
    worker, other_worker = make_app(), make_app()
    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank, "3511 AB")}

    def routed() -> str | None:
        document = worker.test_client().post("/api/v1/scans", json=body).get_json()
        return (document["werkplaats"] or {}).get("id")

    assert routed() == "utrecht"
    assert routed() == "utrecht"  # now from the table this worker keeps
    with database(other_worker).engine.begin() as connection:
        connection.execute(
            update(Werkplaats).where(Werkplaats.id == "utrecht").values(active=False)
        )
    assert routed() not in ("utrecht", None)  # the nearest werkplaats still active
    with database(other_worker).engine.begin() as connection:
        connection.execute(update(Werkplaats).where(Werkplaats.id == "utrecht").values(active=True))
    assert routed() == "utrecht"
