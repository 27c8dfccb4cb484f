"""Opening hours: DST, overnight hours, validity, 24/7, text, validation (schedules.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.directory.schedules import (
    DAYS,
    compile_hours,
    describe,
    is_open,
    is_open_compiled,
    validate_schedule,
)

NY = "America/New_York"
PHX = "America/Phoenix"
WEEKDAYS = "MO,TU,WE,TH,FR"


def local(tz, *args, fold=0):
    return datetime(*args, tzinfo=ZoneInfo(tz), fold=fold)


def test_weekday_hours():
    s = [{"byday": WEEKDAYS, "opens_at": "09:00", "closes_at": "17:00"}]
    assert is_open(s, local(NY, 2025, 6, 4, 9, 0), NY) is True  # Wednesday
    assert is_open(s, local(NY, 2025, 6, 4, 16, 59), NY) is True
    assert is_open(s, local(NY, 2025, 6, 4, 17, 0), NY) is False
    assert is_open(s, local(NY, 2025, 6, 7, 12, 0), NY) is False  # Saturday
    # the same instant seen from another zone is converted, not reinterpreted
    assert is_open(s, datetime(2025, 6, 4, 14, 0, tzinfo=UTC), NY) is True  # 10:00 EDT
    assert is_open(s, datetime(2025, 6, 4, 22, 0, tzinfo=UTC), NY) is False  # 18:00 EDT


def test_overnight_hours_run_into_the_next_day():
    s = [{"byday": "FR", "opens_at": time(22), "closes_at": time(6)}]
    assert is_open(s, local(NY, 2025, 6, 6, 23, 0), NY) is True  # Friday night
    assert is_open(s, local(NY, 2025, 6, 7, 3, 0), NY) is True  # Saturday 03:00
    assert is_open(s, local(NY, 2025, 6, 7, 6, 0), NY) is False
    assert is_open(s, local(NY, 2025, 6, 6, 3, 0), NY) is False  # Friday 03:00: Thursday's night
    sunday = [{"byday": "SU", "opens_at": "20:00", "closes_at": "02:00"}]
    assert is_open(sunday, local(NY, 2025, 6, 9, 1, 30), NY) is True  # Monday 01:30, week wraps


def test_spring_forward_new_york():
    # 2025-03-09 02:00 EST -> 03:00 EDT. An overnight line Sat 22:00 - Sun 06:00.
    s = [{"byday": "SA", "opens_at": "22:00", "closes_at": "06:00"}]
    assert is_open(s, datetime(2025, 3, 9, 6, 59, tzinfo=UTC), NY) is True  # 01:59 EST
    assert is_open(s, datetime(2025, 3, 9, 7, 0, tzinfo=UTC), NY) is True  # 03:00 EDT
    assert is_open(s, datetime(2025, 3, 9, 9, 59, tzinfo=UTC), NY) is True  # 05:59 EDT
    assert is_open(s, datetime(2025, 3, 9, 10, 0, tzinfo=UTC), NY) is False  # 06:00 EDT
    # a line opening inside the gap (02:30 does not exist that day) is open from 03:00
    gap = [{"byday": "SU", "opens_at": "02:30", "closes_at": "04:00"}]
    assert is_open(gap, datetime(2025, 3, 9, 6, 59, tzinfo=UTC), NY) is False  # 01:59 EST
    assert is_open(gap, datetime(2025, 3, 9, 7, 0, tzinfo=UTC), NY) is True  # 03:00 EDT
    # a naive local time in the gap is read as that wall-clock time, without an error
    assert is_open(gap, datetime(2025, 3, 9, 2, 45), NY) is True


def test_fall_back_new_york():
    # 2025-11-02 02:00 EDT -> 01:00 EST: 01:30 happens twice; both are inside 01:00-02:00.
    s = [{"byday": "SU", "opens_at": "01:00", "closes_at": "02:00"}]
    first = local(NY, 2025, 11, 2, 1, 30, fold=0)
    second = local(NY, 2025, 11, 2, 1, 30, fold=1)
    assert first.utcoffset() != second.utcoffset()
    assert is_open(s, first, NY) is True
    assert is_open(s, second, NY) is True
    assert is_open(s, datetime(2025, 11, 2, 7, 0, tzinfo=UTC), NY) is False  # 02:00 EST
    # 9-5 is 9-5 in local time on both sides of the change: 14:00 UTC is 09:00 EST afterwards
    day = [{"byday": "MO", "opens_at": "09:00", "closes_at": "17:00"}]
    assert is_open(day, datetime(2025, 11, 3, 13, 30, tzinfo=UTC), NY) is False  # 08:30 EST
    assert is_open(day, datetime(2025, 10, 27, 13, 30, tzinfo=UTC), NY) is True  # 09:30 EDT


def test_zone_without_dst_phoenix_and_honolulu():
    s = [{"byday": WEEKDAYS, "opens_at": "09:00", "closes_at": "17:00"}]
    # 16:00 UTC is 09:00 MST all year in Phoenix, while New York moves
    for month in (1, 7):
        assert is_open(s, datetime(2025, month, 8, 16, 0, tzinfo=UTC), PHX) is True
        assert is_open(s, datetime(2025, month, 8, 15, 59, tzinfo=UTC), PHX) is False
    assert is_open(s, datetime(2025, 3, 10, 19, 0, tzinfo=UTC), "Pacific/Honolulu") is True
    assert is_open(s, datetime(2025, 3, 10, 18, 59, tzinfo=UTC), "Pacific/Honolulu") is False


def test_valid_from_and_to_bound_the_starting_day():
    s = [
        {
            "byday": "FR",
            "opens_at": "22:00",
            "closes_at": "06:00",
            "valid_from": date(2025, 6, 1),
            "valid_to": "2025-06-06",
        }
    ]
    assert is_open(s, local(NY, 2025, 6, 7, 3, 0), NY) is True  # started on the last valid day
    assert is_open(s, local(NY, 2025, 6, 14, 3, 0), NY) is False
    assert is_open(s, local(NY, 2025, 5, 31, 3, 0), NY) is False
    assert is_open_compiled(compile_hours(s), local(NY, 2025, 6, 7, 3, 0), NY) is True
    assert is_open_compiled(compile_hours(s), local(NY, 2025, 6, 14, 3, 0), NY) is False


def test_twenty_four_seven_and_unknown():
    midnight = [{"byday": ",".join(DAYS), "opens_at": "00:00", "closes_at": "00:00"}]
    by_text = [{"description": "Hotline answered 24/7"}]
    for s in (midnight, by_text):
        assert describe(s) == ["Open 24/7"]
        assert compile_hours(s) == "0-604800"
    assert is_open([], local(NY, 2025, 6, 4, 12), NY) is None
    monthly = [{"freq": "MONTHLY", "byday": "1MO", "opens_at": "09:00", "closes_at": "12:00"}]
    assert is_open(monthly, local(NY, 2025, 6, 2, 10), NY) is None
    assert is_open(monthly + [{"byday": "TU", "opens_at": "09:00", "closes_at": "12:00"}],
                   local(NY, 2025, 6, 3, 10), NY) is True  # fmt: skip
    # no IANA zone and no HSDS offset: unknown; with an offset: used
    day = [{"byday": WEEKDAYS, "opens_at": "09:00", "closes_at": "17:00"}]
    assert is_open(day, datetime(2025, 6, 4, 14, tzinfo=UTC), "") is None
    assert is_open([{**day[0], "timezone": -5}], datetime(2025, 6, 4, 14, tzinfo=UTC), "") is True


def test_describe():
    assert describe(
        [
            {"byday": WEEKDAYS, "opens_at": "09:00", "closes_at": "17:00"},
            {"byday": "SA", "opens_at": "10:00", "closes_at": "14:00"},
            {"byday": "FR,SA", "opens_at": "22:00", "closes_at": "06:00"},
        ]
    ) == ["Mon–Fri 09:00–17:00", "Fri, Sat 22:00–06:00 (next day)", "Sat 10:00–14:00"]
    assert describe([{"opens_at": "08:00", "closes_at": "20:00"}]) == ["Daily 08:00–20:00"]
    assert describe([{"description": "By appointment"}]) == ["By appointment"]


def test_validate_schedule():
    assert validate_schedule({"byday": "MO,TU", "opens_at": "09:00", "closes_at": "17:00"}) == []
    problems = validate_schedule(
        {"opens_at": "25:00", "closes_at": "17:61", "byday": "MO,XX",
         "valid_from": "2025-02-01", "valid_to": "2025-01-01", "freq": "HOURLY"}
    )  # fmt: skip
    text = " ".join(problems)
    for needle in ("opens_at", "closes_at", "'XX'", "valid_to is before valid_from", "freq"):
        assert needle in text
    assert validate_schedule({"opens_at": "09:00"})  # closes_at missing
    assert validate_schedule({"valid_from": "not a date"})


# --- properties --------------------------------------------------------------------------------

ZONES = st.sampled_from([NY, PHX, "Pacific/Honolulu", "America/Los_Angeles", "America/Chicago"])
INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(at=INSTANTS, tz=ZONES)
def test_property_24_7_is_always_open(at, tz):
    s = [{"byday": ",".join(DAYS), "opens_at": "00:00", "closes_at": "00:00"}]
    assert is_open(s, at, tz) is True
    assert is_open_compiled(compile_hours(s), at, tz) is True


def _brute_force(lines, at, tz) -> bool:
    """Independent reference: walk the minutes of every opening that started in the past 2 days
    as naive wall-clock datetimes, and see whether the local minute is one of them."""
    wall = at.astimezone(ZoneInfo(tz)).replace(tzinfo=None, second=0, microsecond=0)
    for days, opens, closes in lines:
        for back in (0, 1, 2):
            day = wall.date() - timedelta(days=back)
            if DAYS[day.weekday()] not in days:
                continue
            start = datetime.combine(day, opens)
            minutes = ((closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)) % (
                24 * 60
            ) or 24 * 60
            minute = start
            for _ in range(minutes):
                if minute == wall:
                    return True
                minute += timedelta(minutes=1)
    return False


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(
        st.tuples(
            st.sets(st.sampled_from(DAYS), min_size=1),
            st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
            st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
        ),
        min_size=1,
        max_size=3,
    ),
    at=INSTANTS,
    tz=ZONES,
)
def test_property_agrees_with_minute_by_minute_check(lines, at, tz):
    at = at.replace(second=0, microsecond=0)
    schedules = [
        {"byday": ",".join(sorted(days)), "opens_at": o, "closes_at": c} for days, o, c in lines
    ]
    expected = _brute_force(lines, at, tz)
    assert is_open(schedules, at, tz) is expected
    assert is_open_compiled(compile_hours(schedules), at, tz) is expected
