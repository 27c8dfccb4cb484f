"""Opening hours from HSDS 3.0 schedules: "is it open now?", human-readable hours, validation.

How Lantern reads a schedule (``directory.models.Schedule`` or a dict with the same keys):

* ``freq`` ``WEEKLY`` (or empty, or ``DAILY``) with ``byday`` (``"MO,TU,WE"``; empty means every
  day) and ``opens_at``/``closes_at`` in the location's local wall-clock time.
* ``closes_at`` at or before ``opens_at`` means the hours run past midnight: Friday
  22:00-06:00 is open on Saturday at 03:00. ``opens_at == closes_at`` is a full 24 hours from
  ``opens_at``, so 00:00-00:00 on every day is 24/7. ``closes_at`` 23:59 counts as midnight.
* A schedule with no times whose ``description`` says "24/7", "24 hours" or "around the clock"
  is open all day on its days (every day when ``byday`` is empty). Other schedules with no
  times, and ``MONTHLY``/``bymonthday``/``byweekno``/``byyearday`` rules, are *unknown*: they
  are described from their text, and "open now" says None rather than guess.
* A line with no times whose ``description`` starts with "Closed" (a holiday closure read from
  HSDS 2.0) opens nothing and is not *unknown*.
* ``valid_from``/``valid_to`` (inclusive dates) bound the days an opening *starts* on, so an
  overnight opening that starts on the last valid day still runs to its close.

DST: an instant is converted to the location's wall-clock time with ``zoneinfo`` and compared
with the wall-clock hours, so opening hours mean what the sign on the door means on the days
clocks change. In the spring-forward gap nothing is lost (02:30 does not exist; a line that
opens at 02:30 is open from 03:00); in the fall-back hour both 01:30s are inside a 01:00-02:00
line. A naive ``at`` is read as wall-clock time in ``tz`` (a time in the gap or the repeated hour
is simply that wall-clock time; no conversion is needed). An unknown ``tz`` falls back to the
schedule's HSDS ``timezone`` UTC offset, and to None (unknown) when there is neither.

``compile_hours`` turns schedules into a compact string of weekly intervals that ``SearchEntry``
stores, so search decides "open now" for thousands of candidates without loading schedules;
``is_open`` and ``is_open_compiled`` share the same code.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAY = 86_400
WEEK = 7 * DAY
KNOWN_FREQ = {"", "WEEKLY", "DAILY"}
ALL_FREQ = KNOWN_FREQ | {"MONTHLY", "YEARLY"}
_ROUND_THE_CLOCK = re.compile(
    r"24\s*/\s*7|24\s*(?:hours?|hrs?|h)\b|around the clock|round the clock", re.IGNORECASE
)
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_BYDAY_TOKEN = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
UNKNOWN = "?"
# a line with no times that says it is closed (an HSDS 2.0 holiday closure) opens nothing
_CLOSED = re.compile(r"^\s*closed\b", re.IGNORECASE)


def _get(schedule, name):
    if isinstance(schedule, dict):
        return schedule.get(name)
    return getattr(schedule, name, None)


def _seconds(value) -> int | None:
    """A time of day in seconds; ``"24:00"`` is 86400. Raises ValueError when impossible."""
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time of day")
    match = _TIME_RE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time of day (HH:MM)")
    h, m, s = int(match[1]), int(match[2]), int(match[3] or 0)
    if (h, m, s) == (24, 0, 0):
        return DAY
    if h > 23 or m > 59 or s > 59:
        raise ValueError(f"{value!r} is not a time of day (HH:MM)")
    return h * 3600 + m * 60 + s


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise ValueError(f"{value!r} is not a date")


def _days(byday) -> list[int]:
    """Weekday numbers (Monday 0) of a ``byday`` list; empty means every day."""
    tokens = [t.strip().upper() for t in str(byday or "").split(",") if t.strip()]
    if not tokens:
        return list(range(7))
    days = []
    for token in tokens:
        match = _BYDAY_TOKEN.match(token)
        if not match:
            raise ValueError(f"{token!r} is not a day (MO, TU, WE, TH, FR, SA, SU)")
        if match[1]:
            raise ValueError(f"{token!r} is a monthly rule")
        days.append(DAYS.index(match[2]))
    return sorted(set(days))


# An interval: (start, end) in seconds from Monday 00:00 local time, end may pass the week's end
# (a Sunday-night opening), plus the inclusive validity of the day it starts on.
Interval = tuple[int, int, date | None, date | None]


def _intervals_of(schedule) -> list[Interval] | None:
    """The weekly intervals of one schedule, or None when Lantern cannot evaluate it."""
    try:
        freq = str(_get(schedule, "freq") or "").strip().upper()
        if freq not in KNOWN_FREQ:
            return None
        if any(_get(schedule, k) for k in ("bymonthday", "byweekno", "byyearday")):
            return None
        opens, closes = _seconds(_get(schedule, "opens_at")), _seconds(_get(schedule, "closes_at"))
        days = _days(_get(schedule, "byday"))
        valid_from, valid_to = (
            _date(_get(schedule, "valid_from")),
            _date(_get(schedule, "valid_to")),
        )
    except ValueError:
        return None
    if opens is None and closes is None:
        description = str(_get(schedule, "description") or "")
        if _CLOSED.match(description):
            return []
        if not _ROUND_THE_CLOCK.search(description):
            return None
        opens, closes = 0, DAY
    elif opens is None or closes is None or opens >= DAY:
        return None
    if closes == DAY - 60:  # 23:59 is how many files write midnight
        closes = DAY
    length = closes - opens if closes > opens else closes + DAY - opens
    return [(d * DAY + opens, d * DAY + opens + length, valid_from, valid_to) for d in days]


def _normalise(intervals: list[Interval]) -> list[Interval]:
    """Merge touching intervals with the same validity (so Mon-Sun 00:00-24:00 is one week)."""
    out: list[Interval] = []
    for s, e, vf, vt in sorted(intervals, key=lambda i: (i[2] or date.min, i[3] or date.max, i[0])):
        if out and out[-1][2:] == (vf, vt) and s <= out[-1][1]:
            ps, pe = out[-1][:2]
            out[-1] = (ps, max(pe, e), vf, vt)
        else:
            out.append((s, e, vf, vt))
    return out


def weekly_intervals(schedules) -> tuple[list[Interval], bool]:
    """(intervals, has_unknown): every evaluable opening, and whether some line was not."""
    intervals: list[Interval] = []
    unknown = False
    for schedule in schedules:
        found = _intervals_of(schedule)
        if found is None:
            unknown = True
        else:
            intervals.extend(found)
    return _normalise(intervals), unknown


# --- compiled form, stored in SearchEntry.hours -----------------------------------------------


def _fmt_date(d: date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def compile_hours(schedules, *, always_open: bool = False) -> str:
    """``"32400-61200 118800-147600@20250101-20251231 ?"``; ``""`` when nothing is known.

    Tokens are ``start-end`` seconds from Monday 00:00 local, optionally ``@from-to`` (dates
    YYYYMMDD, either side may be empty); ``?`` marks a line that could not be evaluated.
    ``always_open`` (a service flagged 24/7) compiles to the whole week.
    """
    if always_open:
        return f"0-{WEEK}"
    intervals, unknown = weekly_intervals(schedules)
    tokens = []
    for s, e, vf, vt in intervals:
        token = f"{s}-{e}"
        if vf or vt:
            token += f"@{_fmt_date(vf)}-{_fmt_date(vt)}"
        tokens.append(token)
    if unknown:
        tokens.append(UNKNOWN)
    return " ".join(tokens)


@lru_cache(maxsize=4096)
def parse_compiled(hours: str) -> tuple[tuple[Interval, ...], bool]:
    intervals = []
    unknown = False
    for token in hours.split():
        if token == UNKNOWN:
            unknown = True
            continue
        span, _, validity = token.partition("@")
        s, e = (int(x) for x in span.split("-"))
        vf = vt = None
        if validity:
            a, b = validity.split("-")
            vf = datetime.strptime(a, "%Y%m%d").date() if a else None
            vt = datetime.strptime(b, "%Y%m%d").date() if b else None
        intervals.append((s, e, vf, vt))
    return tuple(intervals), unknown


@lru_cache(maxsize=1024)
def _zone(tz: str):
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_time(at: datetime, tz: str | None, offset_hours: float | None = None) -> datetime | None:
    """``at`` as naive wall-clock time in ``tz`` (or at a fixed UTC offset), None if unknown."""
    zone = _zone(tz) if tz else None
    if zone is None:
        if offset_hours is None:
            return None
        zone = timezone(timedelta(hours=offset_hours))
    if at.tzinfo is None:
        return at  # already wall-clock time there
    return at.astimezone(zone).replace(tzinfo=None)


def open_at_local(intervals, unknown: bool, local: datetime) -> bool | None:
    """Are these weekly intervals open at this local wall-clock time? None when unknown."""
    t = local.weekday() * DAY + local.hour * 3600 + local.minute * 60 + local.second
    today = local.date()
    for s, e, vf, vt in intervals:
        for week in (0, 1):  # week 1: an opening that started last Sunday night
            x = t + week * WEEK
            if s <= x < e:
                if vf or vt:
                    started = today - timedelta(days=local.weekday() + 7 * week - s // DAY)
                    if (vf and started < vf) or (vt and started > vt):
                        continue
                return True
    if unknown or not intervals:
        return None
    return False


def is_open(schedules, at: datetime, tz: str | None) -> bool | None:
    """Is a place with these schedules open at instant ``at`` in time zone ``tz``?

    True or False when the schedules say; None when there are none or they cannot be read.
    """
    schedules = list(schedules)
    if not schedules:
        return None
    offset = next((_get(s, "timezone") for s in schedules if _get(s, "timezone") is not None), None)
    local = local_time(at, tz, offset)
    if local is None:
        return None
    intervals, unknown = weekly_intervals(schedules)
    return open_at_local(intervals, unknown, local)


def is_open_compiled(hours: str, at: datetime, tz: str | None) -> bool | None:
    """``is_open`` over ``compile_hours`` output (what search uses)."""
    if not hours:
        return None
    local = local_time(at, tz)
    if local is None:
        return None
    intervals, unknown = parse_compiled(hours)
    return open_at_local(intervals, unknown, local)


def is_always_open(hours: str) -> bool:
    intervals, _ = parse_compiled(hours) if hours else ((), False)
    return any(s <= 0 and e >= WEEK and not vf and not vt for s, e, vf, vt in intervals)


# --- human text --------------------------------------------------------------------------------


def _hhmm(seconds: int) -> str:
    seconds %= DAY
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


_DAY_LABELS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)


def _day_name(day: int) -> str:
    """A day's short name in the active language (``DAY_NAMES`` are the codes)."""
    return str(_DAY_LABELS[day])


def _day_ranges(days: list[int]) -> str:
    if len(days) == 7:
        return pgettext("weekday", "Daily")
    parts, run = [], [days[0]]
    for d in days[1:]:
        if d == run[-1] + 1:
            run.append(d)
        else:
            parts.append(run)
            run = [d]
    parts.append(run)
    out = []
    for r in parts:
        if len(r) >= 3:
            out.append(f"{_day_name(r[0])}–{_day_name(r[-1])}")
        else:
            out.extend(_day_name(d) for d in r)
    return ", ".join(out)


def open_always() -> str:
    """The words "Open 24/7" in the active language."""
    return _("Open 24/7")


def describe(schedules) -> list[str]:
    """Human-readable hours in the active language: ``["Mon–Fri 09:00–17:00", "Sat
    10:00–14:00"]`` or ``["Open 24/7"]``. A provider's own free-text hours keep their words."""
    lines: list[str] = []
    groups: dict[tuple, list[int]] = {}
    for schedule in schedules:
        found = _intervals_of(schedule)
        if found is None:
            text = str(_get(schedule, "description") or "").strip()
            if text and text not in lines:
                lines.append(text)
            continue
        for s, e, vf, vt in found:
            groups.setdefault((s % DAY, e - s, vf, vt), []).append(s // DAY)
    described = []
    for (start, length, vf, vt), days in groups.items():
        days = sorted(set(days))
        if length >= DAY and len(days) == 7:
            text = open_always()
        elif length >= DAY:
            text = _("%(days)s open 24 hours") % {"days": _day_ranges(days)}
        else:
            end = start + length
            text = f"{_day_ranges(days)} {_hhmm(start)}–{_hhmm(end)}"
            if end > DAY:
                text += " " + _("(next day)")
        if vf and vt:
            text += " " + _("(%(start)s to %(end)s)") % {"start": vf.isoformat(),
                                                          "end": vt.isoformat()}  # fmt: skip
        elif vf:
            text += " " + _("(from %(date)s)") % {"date": vf.isoformat()}
        elif vt:
            text += " " + _("(until %(date)s)") % {"date": vt.isoformat()}
        described.append((days[0], start, text))
    return [text for _, _, text in sorted(described)] + lines


# --- validation, for the importer ---------------------------------------------------------------


def validate_schedule(schedule: dict) -> list[str]:
    """Problems with one schedule (a dict of HSDS fields); empty when Lantern can use it."""
    problems = []
    freq = str(schedule.get("freq") or "").strip().upper()
    if freq not in ALL_FREQ:
        problems.append(f"freq {schedule.get('freq')!r} is not WEEKLY, DAILY or MONTHLY")
    times = {}
    for key in ("opens_at", "closes_at"):
        try:
            times[key] = _seconds(schedule.get(key))
        except ValueError:
            problems.append(f"{key} {schedule.get(key)!r} is not a time of day (HH:MM)")
            times[key] = None
    if times.get("opens_at") == DAY:
        problems.append("opens_at 24:00 is not a time of day (use 00:00)")
    has_opens = schedule.get("opens_at") not in (None, "")
    has_closes = schedule.get("closes_at") not in (None, "")
    if has_opens != has_closes:
        problems.append("opens_at and closes_at must be given together")
    for token in str(schedule.get("byday") or "").split(","):
        token = token.strip().upper()
        if token and not _BYDAY_TOKEN.match(token):
            problems.append(f"byday {token!r} is not a day (MO, TU, WE, TH, FR, SA, SU)")
    dates = {}
    for key in ("valid_from", "valid_to", "dtstart", "until"):
        try:
            dates[key] = _date(schedule.get(key))
        except ValueError:
            problems.append(f"{key} {schedule.get(key)!r} is not a date (YYYY-MM-DD)")
            dates[key] = None
    if (
        dates.get("valid_from")
        and dates.get("valid_to")
        and dates["valid_to"] < dates["valid_from"]
    ):
        problems.append("valid_to is before valid_from")
    if dates.get("dtstart") and dates.get("until") and dates["until"] < dates["dtstart"]:
        problems.append("until is before dtstart")
    interval = schedule.get("interval")
    if interval not in (None, ""):
        try:
            if int(interval) < 1:
                problems.append("interval must be 1 or more")
        except (TypeError, ValueError):
            problems.append(f"interval {interval!r} is not a whole number")
    tz = schedule.get("timezone")
    if tz not in (None, ""):
        try:
            if not -14 <= float(tz) <= 14:
                problems.append("timezone must be a UTC offset between -14 and 14 hours")
        except (TypeError, ValueError):
            problems.append(f"timezone {tz!r} is not a UTC offset in hours")
    return problems


def now_utc() -> datetime:
    return datetime.now(UTC)
