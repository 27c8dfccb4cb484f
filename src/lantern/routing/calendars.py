"""Business calendars: when a queue is open, and when "N business days later" falls.

A calendar is data (``routing.models.BusinessCalendar``): a time zone, weekly hours such as
``{"mon": ["09:00-19:00"], ...}`` (several ranges a day allowed, ``24:00`` closes at midnight),
the public holidays of a country from the ``holidays`` package (``US``: the federal ones, with
their observed days) and the hotline's own closures. This module is the arithmetic, with no
database: ``Calendar`` is built from those values and checked by ``validate``.

"N business days later" keeps the time of day: a text on Wednesday at 10:00 with 3 business days
is due on the third business day after at 10:00. A contact that arrives while closed counts from
the next opening, so a text on Friday night is due at opening time three business days after
Monday (which is the same moment, in open hours, as closing time the day before).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays as holidays_package

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIDNIGHT = time(0, 0)
# Far enough to cross any run of closed days a real calendar has (a year of them is an error).
_LOOKAHEAD_DAYS = 400


class CalendarError(ValueError):
    """What is wrong with a calendar's definition, in words for the admin who wrote it."""


def _parse_time(text: str, where: str) -> time | None:
    """``"09:00"`` -> time; ``"24:00"`` -> None (the end of the day)."""
    if text == "24:00":
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise CalendarError(f"{where}: {text!r} is not a time (HH:MM)") from None


def _parse_ranges(day: str, ranges) -> list[tuple[time, time | None]]:
    if not isinstance(ranges, list):
        raise CalendarError(f'{day}: give a list of ranges such as ["09:00-19:00"]')
    parsed = []
    for text in ranges:
        if not isinstance(text, str) or text.count("-") != 1:
            raise CalendarError(f"{day}: {text!r} is not a range such as 09:00-19:00")
        start_text, end_text = (part.strip() for part in text.split("-"))
        start = _parse_time(start_text, day)
        end = _parse_time(end_text, day)
        if start is None:
            raise CalendarError(f"{day}: a range cannot start at 24:00")
        if end is not None and end <= start:
            raise CalendarError(f"{day}: {text} ends before it starts")
        parsed.append((start, end))
    parsed.sort()
    for (_, end), (next_start, _) in zip(parsed, parsed[1:], strict=False):
        if end is None or end > next_start:
            raise CalendarError(f"{day}: the ranges {ranges} overlap")
    return parsed


def zone(name: str) -> ZoneInfo:
    if name not in _zones():
        raise CalendarError(f"{name!r} is not a known time zone (e.g. America/New_York)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"{name!r} is not a known time zone") from None


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def holiday_country(code: str):
    """The ``holidays`` class for ``code`` ("US", "US-CA" for a state's too), or an error."""
    country, _, subdivision = code.partition("-")
    supported = holidays_package.list_supported_countries()
    if country not in supported:
        raise CalendarError(f"{code!r}: the holidays package knows no country {country!r}")
    if subdivision and subdivision not in supported[country]:
        raise CalendarError(f"{code!r}: {country} has no subdivision {subdivision!r}")
    return functools.partial(holidays_package.country_holidays, country, subdiv=subdivision or None)


@dataclass
class Calendar:
    """Open hours in one time zone, less public holidays and the hotline's closures."""

    time_zone: str = "America/New_York"
    hours: dict = field(default_factory=dict)
    holidays: str = ""  # a country code for the holidays package, or "" for none
    closures: Iterable[date] = ()

    def __post_init__(self):
        self.tz = zone(self.time_zone)
        unknown = set(self.hours) - set(DAYS)
        if unknown:
            raise CalendarError(f"unknown day {sorted(unknown)[0]!r}: use {', '.join(DAYS)}")
        self._ranges = {DAYS.index(d): _parse_ranges(d, r) for d, r in self.hours.items()}
        if not any(self._ranges.values()):
            raise CalendarError("the calendar is never open: give at least one range of hours")
        self._holidays = holiday_country(self.holidays)() if self.holidays else None
        self._closures = set(self.closures)

    # --- days ----------------------------------------------------------------------------
    def closed_reason(self, day: date) -> str:
        """Why ``day`` is closed all day ("" if it has hours)."""
        if day in self._closures:
            return "closure"
        # (a holidays object is empty, so false, until asked about a year: test for None)
        if self._holidays is not None and day in self._holidays:
            return self._holidays.get(day)
        if not self._ranges.get(day.weekday()):
            return "weekend" if day.weekday() >= 5 else "no hours"
        return ""

    def is_business_day(self, day: date) -> bool:
        return not self.closed_reason(day)

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of a local date, as aware datetimes."""
        if not self.is_business_day(day):
            return []
        out = []
        for start, end in self._ranges[day.weekday()]:
            begin = datetime.combine(day, start, self.tz)
            finish = (
                datetime.combine(day + timedelta(days=1), MIDNIGHT, self.tz)
                if end is None
                else datetime.combine(day, end, self.tz)
            )
            out.append((begin, finish))
        return out

    # --- moments --------------------------------------------------------------------------
    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        return any(begin <= local < end for begin, end in self.intervals(local.date()))

    def next_open(self, at: datetime) -> datetime:
        """``at`` if open, else the next opening."""
        local = at.astimezone(self.tz)
        for offset in range(_LOOKAHEAD_DAYS):
            for begin, end in self.intervals(local.date() + timedelta(days=offset)):
                if local < end:
                    return max(begin, local)
        raise CalendarError("the calendar has no opening within a year")

    def end_of_next_session(self, at: datetime) -> datetime:
        """The close of the first open period that starts at or after ``at``: work reviewed
        daily is due when the next review session after it arrives ends (a tip on Friday at
        22:00, with review sessions every day from 9:00 to 19:00, is due Saturday at 19:00; one
        that arrives during a session waits for the next day's)."""
        local = at.astimezone(self.tz)
        for offset in range(_LOOKAHEAD_DAYS):
            for begin, end in self.intervals(local.date() + timedelta(days=offset)):
                if begin >= local:
                    return end
        raise CalendarError("the calendar has no opening within a year")

    def _business_day_after(self, day: date, n: int) -> date:
        for _ in range(n):
            day += timedelta(days=1)
            for _ in range(_LOOKAHEAD_DAYS):
                if self.is_business_day(day):
                    break
                day += timedelta(days=1)
            else:
                raise CalendarError("the calendar has no business day within a year")
        return day

    def add_business_days(self, at: datetime, n: int) -> datetime:
        """The moment ``n`` business days after ``at`` (see the module's docstring)."""
        if n < 0:
            raise ValueError("business days cannot be negative")
        start = self.next_open(at)
        day = start.astimezone(self.tz).date()
        into = self._open_seconds_until(day, start)
        target = self._business_day_after(day, n)
        return self._moment_after_open_seconds(target, into)

    def _open_seconds_until(self, day: date, moment: datetime) -> float:
        total = 0.0
        for begin, end in self.intervals(day):
            if moment <= begin:
                break
            total += (min(moment, end) - begin).total_seconds()
        return total

    def _moment_after_open_seconds(self, day: date, seconds: float) -> datetime:
        intervals = self.intervals(day)
        for begin, end in intervals:
            length = (end - begin).total_seconds()
            if seconds < length:
                return begin + timedelta(seconds=seconds)
            seconds -= length
        return intervals[-1][1]  # the day is shorter than the start day: its close


def validate(time_zone: str, hours: dict, holidays: str = "") -> None:
    """Raise ``CalendarError`` with a clear message when a definition cannot work."""
    if not isinstance(hours, dict):
        raise CalendarError('hours must map days to ranges, e.g. {"mon": ["09:00-19:00"]}')
    Calendar(time_zone=time_zone, hours=hours, holidays=holidays)


def every_day_9_to_7() -> dict:
    """Daily review: 9:00-19:00, every day of the week."""
    return {day: ["09:00-19:00"] for day in DAYS}


def weekdays_9_to_7() -> dict:
    """NHTH's hours for non-urgent work: 9:00-19:00, Monday to Friday."""
    return {day: ["09:00-19:00"] for day in DAYS[:5]}
