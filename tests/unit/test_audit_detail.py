"""Audit events in words: names instead of codes, for the lead history and the log."""

from __future__ import annotations

from scan.staff.audit import describe_detail

NAMES = {"utrecht": "MKB Werkplaats Utrecht", "fryslan": "Digitale Werkplaats Fryslân"}


def test_a_status_change_names_the_statuses():
    said = describe_detail("lead.status", {"old": "new", "new": "intake"}, NAMES)
    assert said == "Nieuw → Intake"


def test_a_reassignment_names_the_werkplaatsen_and_the_national_queue():
    said = describe_detail(
        "lead.reassign", {"old": "utrecht", "new": "fryslan", "reason": "Verhuisd"}, NAMES
    )
    assert said == "MKB Werkplaats Utrecht → Digitale Werkplaats Fryslân; reden: Verhuisd"
    from_queue = describe_detail("lead.reassign", {"old": None, "new": "utrecht"}, NAMES)
    assert from_queue == "landelijke wachtrij → MKB Werkplaats Utrecht"


def test_other_details_get_dutch_names_and_unknown_values_stay_readable():
    said = describe_detail("export", {"format": "csv", "rows": 12}, NAMES)
    assert said == "formaat: csv; rijen: 12"
    assert describe_detail("lead.reassign", {"old": "weg", "new": "utrecht"}, NAMES).startswith(
        "weg → "
    )
    assert describe_detail("lead.note", {}, NAMES) == ""
