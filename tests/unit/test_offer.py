"""The pure rules of the offer: the staff form, the words, which sessions to show, sign-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from scan.domain.calendar import CalendarEvent, calendar_text
from scan.domain.offer import (
    MESSAGES,
    check_session,
    choose_sessions,
    parse_date,
    parse_price,
    parse_time,
    places_text,
    price_text,
    when_text,
)
from scan.domain.registration import SESSION_ERROR, validate_sign_up

NOW = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
KINDS = {"workshop": "training", "traject": "traject"}
FORM = {
    "title": "  Workshop:   sociale media ",
    "date": "12-01-2027",
    "start": "13:30",
    "end": "16.30",
    "where": "locatie",
    "address": "Stationsplein 1, Utrecht",
    "places": "12",
    "costs": "betaald",
    "price": "12,5",
    "description": "Neem je laptop mee.\r\nEn je vragen.",
}


def check(changes=None, advice=("workshop",), **kwargs):
    return check_session({**FORM, **(changes or {})}, advice, KINDS, NOW, **kwargs)


def test_a_valid_form_gives_the_session_in_utc():
    values, errors = check()
    assert errors == {}
    assert values.title == "Workshop: sociale media"
    assert values.starts_at == datetime(2027, 1, 12, 12, 30, tzinfo=UTC)  # 13:30 CET
    assert values.ends_at == datetime(2027, 1, 12, 15, 30, tzinfo=UTC)
    assert (values.places, values.price_cents, values.online) == (12, 1250, False)
    assert values.description == "Neem je laptop mee.\nEn je vragen."


def test_summer_time_is_two_hours_ahead_of_utc():
    values, _ = check({"date": "2027-07-01"})
    assert values.starts_at == datetime(2027, 7, 1, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", MESSAGES["title"]),
        ({"title": "x" * 121}, "title", MESSAGES["title"]),
        ({"date": "31-02-2027"}, "date", MESSAGES["date"]),
        ({"date": "04-01-2027"}, "date", MESSAGES["date_past"]),
        ({"start": "25:00"}, "start", MESSAGES["start"]),
        ({"end": "13:00"}, "end", MESSAGES["end_before"]),
        ({"where": ""}, "where", MESSAGES["where"]),
        ({"address": ""}, "address", MESSAGES["address"]),
        ({"places": "0"}, "places", MESSAGES["places"]),
        ({"places": "501"}, "places", MESSAGES["places"]),
        ({"places": "tien"}, "places", MESSAGES["places"]),
        ({"costs": ""}, "costs", MESSAGES["costs"]),
        ({"price": "0"}, "price", MESSAGES["price"]),
        ({"price": "1000,01"}, "price", MESSAGES["price"]),
        ({"description": "x" * 1001}, "description", MESSAGES["description"]),
        ({"title": "Workshop\u202e"}, "title", "Er staat een onzichtbaar teken in"),
    ],
)
def test_each_mistake_is_named_on_its_field_in_dutch(changes, field, message):
    values, errors = check(changes)
    assert values is None
    assert errors[field].startswith(message)


def test_advice_must_be_chosen_from_the_list():
    assert check(advice=())[1]["advice"] == MESSAGES["advice"]
    assert check(advice=("bestaat-niet",))[1]["advice"] == MESSAGES["advice_unknown"]


def test_op_afspraak_is_for_trajecten_only_and_needs_no_date():
    blank = {"by_appointment": "ja", "date": "", "start": "", "end": ""}
    assert check(blank)[1] == {"by_appointment": MESSAGES["by_appointment"]}
    values, errors = check(blank, advice=("traject",))
    assert errors == {} and values.starts_at is None and values.ends_at is None


def test_an_online_session_keeps_no_address_and_a_free_one_no_price():
    values, _ = check({"where": "online", "address": "", "costs": "gratis", "price": "veel"})
    assert (values.online, values.address, values.price_cents) == (True, None, 0)


def test_a_session_cannot_shrink_below_its_registrations():
    assert (
        check({"places": "3"}, taken=4)[1]["places"]
        == "Er zijn al 4 aanmeldingen. Kies minstens 4 plaatsen."
    )


def test_a_past_start_may_stay_when_it_is_not_changed():
    stored = datetime(2027, 1, 4, 12, 30)  # naive, as SQLite gives it back: UTC
    changes = {"date": "04-01-2027"}
    assert check(changes, stored_start=stored)[1] == {}
    assert "date" in check(changes, stored_start=stored + timedelta(days=1))[1]


def test_dates_times_and_prices_are_read_as_people_type_them():
    assert parse_date("2027-03-14") == parse_date("14-3-2027") == date(2027, 3, 14)
    assert parse_date("14/03/2027") == parse_date("14.03.2027") == date(2027, 3, 14)
    assert parse_date("morgen") is None
    assert parse_time("9:05") == time(9, 5) and parse_time("9u") is None
    assert parse_price("€ 25") == 2500 and parse_price("7.5") == 750 and parse_price("-3") is None


def test_the_words():
    start = datetime(2027, 1, 12, 12, 30, tzinfo=UTC)
    assert (
        when_text(start, start + timedelta(hours=3))
        == "dinsdag 12 januari 2027, 13.30 tot 16.30 uur"
    )
    assert when_text(None, None) == "Start op afspraak"
    assert [price_text(c) for c in (0, 2500, 1250, 1205)] == [
        "Gratis",
        "€ 25",
        "€ 12,50",
        "€ 12,05",
    ]
    assert [places_text(n) for n in (0, 1, 12)] == [
        "Vol",
        "Nog 1 plaats vrij",
        "Nog 12 plaatsen vrij",
    ]


@dataclass(frozen=True)
class Slot:
    id: int
    starts_at: datetime | None
    online: bool


def test_the_next_three_are_shown_and_online_first_when_far():
    day = timedelta(days=1)
    slots = [
        Slot(1, NOW + 3 * day, False),
        Slot(2, NOW + 1 * day, False),
        Slot(3, None, False),
        Slot(4, NOW + 9 * day, True),
        Slot(5, NOW + 2 * day, False),
    ]
    assert [s.id for s in choose_sessions(slots, far=False)] == [2, 5, 1]
    assert [s.id for s in choose_sessions(slots, far=True)] == [4, 2, 5]
    assert [s.id for s in choose_sessions(slots, far=False, limit=9)] == [2, 5, 1, 4, 3]


@given(st.lists(st.tuples(st.integers(-30, 30), st.booleans()), max_size=12), st.booleans())
def test_choosing_never_shows_more_than_three_and_keeps_dates_in_order(raw, far):
    slots = [Slot(i, NOW + timedelta(days=d), online) for i, (d, online) in enumerate(raw)]
    chosen = choose_sessions(slots, far)
    assert len(chosen) == min(3, len(slots))
    groups = (
        [[s for s in chosen if s.online], [s for s in chosen if not s.online]] if far else [chosen]
    )
    for group in groups:
        assert [s.starts_at for s in group] == sorted(s.starts_at for s in group)


def test_a_sign_up_is_checked_field_by_field():
    good = {
        "session": 3,
        "name": " Sanne  de Boer ",
        "company": "Bakkerij",
        "email": "sanne@bakkerij.nl",
        "consent": True,
    }
    signup, errors = validate_sign_up(good)
    assert errors == {} and signup.session_id == 3 and signup.registrant.name == "Sanne de Boer"
    assert signup.registrant.phone is None and signup.waiting_list is False
    assert validate_sign_up({**good, "session": 3.0})[0].session_id == 3
    for bad in ("3", 0, True, 2**31, 2.5, None):
        assert validate_sign_up({**good, "session": bad})[1] == {"session": SESSION_ERROR}
    _, errors = validate_sign_up({**good, "consent": "ja", "extra": 1, "waiting_list": 1})
    assert set(errors) == {"consent", "extra", "waiting_list"}
    assert validate_sign_up([])[1] == {"body": "Stuur een JSON-object met je aanmelding."}


def test_the_calendar_parses_back_with_the_moments_in_utc():
    start = datetime(2027, 1, 12, 12, 30, tzinfo=UTC)
    event = CalendarEvent(
        uid="training-7@scan.test",
        title="Workshop: sociale media; met, tekens",
        starts_at=start,
        ends_at=None,
        location="Stationsplein 1, Utrecht",
        description="Regel een\nRegel twee",
        url="https://scan.test/aanmelding/x",
        sequence=2,
        cancelled=True,
    )
    text = calendar_text([event], NOW, name="Trainingen")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(parsed["summary"]) == event.title
    assert parsed.decoded("dtstart") == start
    assert parsed.decoded("dtend") == start + timedelta(hours=2)
    assert (parsed["sequence"], str(parsed["status"])) == (2, "CANCELLED")
    assert str(parsed["description"]) == "Regel een\nRegel twee"
