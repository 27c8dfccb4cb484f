"""Import: one HSDS row (a flat dict) -> model field values (see the package docstring)."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from datetime import date, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from lantern.core import coerce
from lantern.directory import taxonomy as lantern_taxonomy
from lantern.directory.choices import (
    AddressTypeChoices,
    LocationTypeChoices,
    OrganizationTypeChoices,
    PhoneTypeChoices,
    PopulationChoices,
    ScheduleFreqChoices,
    ServiceAreaScopeChoices,
    ServiceStatusChoices,
    WeekdayChoices,
)
from lantern.directory.hsds.vocabulary import (
    as_text,
)

# --- import: one row -> model field values ------------------------------------------------------


class RowError(Exception):
    """A row that cannot be imported; fails the whole run."""


Warn = Callable[[str], None]


def to_uuid(kind: str, raw) -> tuple[uuid.UUID, str]:
    """(uuid, source id): a UUID id is kept (source id ``""``); anything else becomes
    ``stable_id(kind, raw)`` and is returned as the source id to keep."""
    return _to_uuid(kind, as_text(raw).strip())


@functools.lru_cache(maxsize=1 << 16)
def _to_uuid(kind: str, text: str) -> tuple[uuid.UUID, str]:
    # an import asks for the same id several times (the row, then each reference to it), and
    # parsing a UUID costs more than the lookup: cached, for as many ids as a few batches hold
    try:
        return uuid.UUID(text), ""
    except ValueError:
        return lantern_taxonomy.stable_id(kind, text), text


def _text(row: dict, name: str, max_length: int | None, warn: Warn) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if max_length and len(text) > max_length:
        warn(f"{name} longer than {max_length} characters, cut to fit")
        text = text[:max_length]
    return text


def _required(row: dict, name: str, max_length: int | None, warn: Warn) -> str:
    text = _text(row, name, max_length, warn)
    if not text:
        raise RowError(f"required field {name} is missing")
    return text


def _int(row: dict, name: str, warn: Warn, *, minimum: int = 0, maximum: int = 2**31 - 1):
    value = row.get(name)
    try:
        number = coerce.integer(value.strip() if isinstance(value, str) else value, maximum=None)
    except coerce.Invalid:
        warn(f"{name} {value!r} is not a whole number, left out")
        return None
    if number is None:
        return None
    if not minimum <= number <= maximum:
        warn(f"{name} {value!r} is out of range, left out")
        return None
    return number


def _float(row: dict, name: str, warn: Warn):
    value = row.get(name)
    try:
        return coerce.number(value)
    except coerce.Invalid:
        warn(f"{name} {value!r} is not a number, left out")
        return None


def _date_value(row: dict, name: str, warn: Warn):
    value = as_text(row.get(name)).strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        warn(f"{name} {value!r} is not a date (YYYY-MM-DD), left out")
        return None


_TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:\.\d+)?\s*([AaPp]\.?[Mm]\.?)?$")


def parse_time(value: str) -> time:
    """``09:00``, ``9:00:00``, ``9am``, ``5:30 PM``, ``17:00:00Z`` -> time; ValueError else."""
    text = value.strip()
    text = re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", text)
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError(value)
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValueError(value)
        hour = hour % 12 + (12 if match[4][0] in "Pp" else 0)
    if hour == 24 and minute == 0 and second == 0:
        return time(23, 59, 59)
    return time(hour, minute, second)


def _is_time(value: str) -> bool:
    try:
        parse_time(value)
    except ValueError:
        return False
    return True


def _email(row: dict, name: str, warn: Warn) -> str:
    value = _text(row, name, 254, warn)
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        warn(f"{name} {value!r} is not an email address, left out")
        return ""
    return value


@functools.cache
def _values(choices) -> frozenset[str]:
    """A choices class's values, computed once: ``Choices.values`` builds a new list each time,
    which showed in an import's profile (it is asked for every row)."""
    return frozenset(choices.values)


def _choice(row: dict, name: str, choices, warn: Warn, default: str = "") -> str:
    value = as_text(row.get(name)).strip()
    if not value:
        return default
    lowered = value.lower()
    if lowered in _values(choices):
        return lowered
    warn(f"{name} {value!r} is not one of {', '.join(choices.values)}, left out")
    return default


def _lat_lon(row: dict, warn: Warn) -> tuple[float | None, float | None]:
    lat = _float(row, "latitude", warn)
    lon = _float(row, "longitude", warn)
    if lat is None or lon is None:
        if (lat is None) != (lon is None):
            warn("latitude and longitude must come together, coordinates left out")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        warn(f"latitude/longitude {lat}, {lon} out of range, coordinates left out")
        return None, None
    return lat, lon


def parse_organization(row: dict, warn: Warn) -> dict:
    return {
        "name": _required(row, "name", 300, warn),
        "alternate_name": _text(row, "alternate_name", 300, warn),
        "description": _required(row, "description", None, warn),
        "email": _email(row, "email", warn),
        "website": _text(row, "website", 500, warn) or _text(row, "url", 500, warn),
        "tax_status": _text(row, "tax_status", 100, warn),
        "tax_id": _text(row, "tax_id", 100, warn),
        "year_incorporated": _int(row, "year_incorporated", warn, maximum=9999),
        "legal_status": _text(row, "legal_status", 100, warn),
        "logo": _text(row, "logo", 500, warn),
        "uri": _text(row, "uri", 500, warn),
    }


def parse_service(row: dict, warn: Warn) -> dict:
    status = as_text(row.get("status")).strip().lower()
    if not status:
        raise RowError("required field status is missing")
    if status not in _values(ServiceStatusChoices):
        raise RowError(
            f"status {row.get('status')!r} is not one of {', '.join(ServiceStatusChoices.values)}"
        )
    return {
        "name": _required(row, "name", 300, warn),
        "alternate_name": _text(row, "alternate_name", 300, warn),
        "description": _text(row, "description", None, warn),
        "url": _text(row, "url", 500, warn),
        "email": _email(row, "email", warn),
        "status": status,
        "interpretation_services": _text(row, "interpretation_services", None, warn),
        "application_process": _text(row, "application_process", None, warn),
        "fees_description": _text(row, "fees_description", None, warn),
        "wait_time": _text(row, "wait_time", 200, warn),
        "fees": _text(row, "fees", None, warn),
        "accreditations": _text(row, "accreditations", None, warn),
        "eligibility_description": _text(row, "eligibility_description", None, warn),
        "minimum_age": _int(row, "minimum_age", warn, maximum=150),
        "maximum_age": _int(row, "maximum_age", warn, maximum=150),
        "assured_date": _date_value(row, "assured_date", warn),
        "assurer_email": _email(row, "assurer_email", warn),
        "licenses": _text(row, "licenses", None, warn),
        "alert": _text(row, "alert", None, warn),
    }


def parse_location(row: dict, warn: Warn) -> dict:
    lat, lon = _lat_lon(row, warn)
    return {
        "location_type": _choice(
            row, "location_type", LocationTypeChoices, warn, LocationTypeChoices.PHYSICAL
        ),
        "url": _text(row, "url", 500, warn),
        "name": _text(row, "name", 300, warn),
        "alternate_name": _text(row, "alternate_name", 300, warn),
        "description": _text(row, "description", None, warn),
        "transportation": _text(row, "transportation", None, warn),
        "latitude": lat,
        "longitude": lon,
        "external_identifier": _text(row, "external_identifier", 200, warn),
        "external_identifier_type": _text(row, "external_identifier_type", 100, warn),
    }


_COUNTRY_NAMES = {"usa": "US", "united states": "US", "united states of america": "US"}


def parse_address(row: dict, warn: Warn) -> dict:
    country = as_text(row.get("country")).strip()
    if not country:
        country = "US"  # most 2.0 feeds leave it out; Lantern is a U.S. directory
    elif country.lower() in _COUNTRY_NAMES:
        country = _COUNTRY_NAMES[country.lower()]
    elif len(country) != 2:
        raise RowError(f"country {country!r} is not a two-letter ISO 3166 code")
    return {
        "attention": _text(row, "attention", 200, warn),
        "address_1": _required(row, "address_1", 300, warn),
        "address_2": _text(row, "address_2", 300, warn),
        "city": _required(row, "city", 100, warn),
        "region": _text(row, "region", 100, warn),
        "state_province": _required(row, "state_province", 100, warn),
        "postal_code": _required(row, "postal_code", 20, warn),
        "country": country.upper(),
        "address_type": _choice(
            row, "address_type", AddressTypeChoices, warn, AddressTypeChoices.PHYSICAL
        ),
    }


def parse_service_at_location(row: dict, warn: Warn) -> dict:
    return {"description": _text(row, "description", None, warn)}


def parse_contact(row: dict, warn: Warn) -> dict:
    return {
        "name": _text(row, "name", 200, warn),
        "title": _text(row, "title", 200, warn),
        "department": _text(row, "department", 200, warn),
        "email": _email(row, "email", warn),
    }


_PHONE_TYPES = {"tty": "textphone", "mobile": "cell", "sms": "text", "phone": "voice"}


def parse_phone(row: dict, warn: Warn) -> dict:
    number = _required(row, "number", 50, warn)
    if len(number) > 2 and number[0] == number[-1] == '"':
        number = number[1:-1].strip()
    kind = as_text(row.get("type")).strip().lower()
    kind = _PHONE_TYPES.get(kind, kind)
    if kind and kind not in _values(PhoneTypeChoices):
        warn(f"type {row.get('type')!r} is not a phone type, left out")
        kind = ""
    return {
        "number": number,
        "extension": _int(row, "extension", warn),
        "type": kind,
        "description": _text(row, "description", None, warn),
    }


def parse_language(row: dict, warn: Warn) -> dict:
    return {
        "name": _text(row, "name", 100, warn) or _text(row, "language", 100, warn),
        "code": _text(row, "code", 35, warn),
        "note": _text(row, "note", None, warn),
    }


_WEEKDAYS = {
    "monday": "MO", "mon": "MO", "tuesday": "TU", "tue": "TU", "tues": "TU",
    "wednesday": "WE", "wed": "WE", "thursday": "TH", "thu": "TH", "thur": "TH", "thurs": "TH",
    "friday": "FR", "fri": "FR", "saturday": "SA", "sat": "SA", "sunday": "SU", "sun": "SU",
    "1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU",
}  # fmt: skip
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


_DAY_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_DAY_SETS = {
    "weekdays": _DAY_ORDER[:5], "weekday": _DAY_ORDER[:5], "weekends": _DAY_ORDER[5:],
    "weekend": _DAY_ORDER[5:], "daily": _DAY_ORDER, "everyday": _DAY_ORDER,
    "every day": _DAY_ORDER, "7 days": _DAY_ORDER, "all week": _DAY_ORDER, "m-f": _DAY_ORDER[:5],
}  # fmt: skip
_RANGE_RE = re.compile(r"^([a-z]+)\.?\s*-\s*([a-z]+)\.?$")
_RANGE_WORDS = re.compile(r"\s+(?:through|thru|to|until)\s+|\s*[\u2013\u2014]\s*")


def _day_token(word: str) -> str:
    word = word.strip().rstrip(".")
    token = _WEEKDAYS.get(word.lower(), word.upper())
    if not _BYDAY_RE.match(token):
        raise ValueError(word)
    return token


def _byday(value: str) -> str:
    """``"TH,FR"`` / ``"Monday"`` / ``"1MO,-1FR"`` / ``"Monday - Thursday"`` / ``"Mon thru Fri"``
    / ``"Weekdays"`` -> canonical ``byday``; ValueError else."""
    days: list[str] = []
    text = _RANGE_WORDS.sub("-", value.strip().lower())
    for part in re.split(r"[,;/&]+|\s+and\s+", text):
        part = part.strip()
        if not part:
            continue
        if part in _DAY_SETS:
            days += [d for d in _DAY_SETS[part] if d not in days]
            continue
        if match := _RANGE_RE.match(part):
            first, last = _day_token(match[1]), _day_token(match[2])
            if first in _DAY_ORDER and last in _DAY_ORDER:
                start, end = _DAY_ORDER.index(first), _DAY_ORDER.index(last)
                span = (end - start) % 7 + 1
                days += [d for d in (_DAY_ORDER[(start + i) % 7] for i in range(span))
                         if d not in days]  # fmt: skip
                continue
        for word in part.split():
            token = _day_token(word)
            if token not in days:
                days.append(token)
    return ",".join(days)


def _int_list(value: str, low: int, high: int) -> str:
    out = []
    for part in re.split(r"[,\s;]+", value.strip()):
        if not part:
            continue
        number = int(part)
        if not (low <= abs(number) <= high):
            raise ValueError(part)
        out.append(str(number))
    return ",".join(out)


def parse_schedule(row: dict, warn: Warn) -> dict:
    """A schedule; raises ValueError (-> the schedule is dropped with a warning) when the
    hours, days or recurrence cannot be understood."""
    fields: dict = {
        "valid_from": None,
        "valid_to": None,
        "dtstart": None,
        "until": None,
    }
    for name in fields:
        value = as_text(row.get(name)).strip()
        if value:
            try:
                fields[name] = date.fromisoformat(value[:10])
            except ValueError as exc:
                if _is_time(value):  # real feeds put "8:30AM" in date columns
                    warn(f"{name} {value!r} is a time of day, not a date, left out")
                    continue
                raise ValueError(f"{name} {value!r} is not a date") from exc
    if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
        raise ValueError("valid_to is before valid_from")
    for name in ("opens_at", "closes_at"):
        value = as_text(row.get(name)).strip()
        try:
            fields[name] = parse_time(value) if value else None
        except ValueError as exc:
            raise ValueError(f"{name} {value!r} is not a time of day") from exc
    byday = as_text(row.get("byday")).strip()
    weekday = as_text(row.get("weekday")).strip()  # HSDS 1.x/2.0 regular_schedules
    freq = as_text(row.get("freq")).strip().upper()
    try:
        fields["byday"] = _byday(byday or weekday)
    except ValueError as exc:
        raise ValueError(f"day {exc} is not a weekday") from exc
    if not freq and (weekday or byday):
        freq = ScheduleFreqChoices.WEEKLY
    if freq and freq not in _values(ScheduleFreqChoices):
        raise ValueError(f"freq {freq!r} is not WEEKLY or MONTHLY")
    fields["freq"] = freq
    wkst = as_text(row.get("wkst")).strip().upper()
    if wkst and wkst not in _values(WeekdayChoices):
        raise ValueError(f"wkst {wkst!r} is not a weekday")
    fields["wkst"] = wkst
    for name, low, high in (("byweekno", 1, 53), ("bymonthday", 1, 31), ("byyearday", 1, 366)):
        value = as_text(row.get(name)).strip()
        try:
            fields[name] = _int_list(value, low, high) if value else ""
        except ValueError as exc:
            raise ValueError(f"{name} {value!r} is not a list of numbers in range") from exc
    for name in ("count", "interval"):
        value = as_text(row.get(name)).strip()
        try:
            fields[name] = int(float(value)) if value else None
        except ValueError as exc:
            raise ValueError(f"{name} {value!r} is not a number") from exc
        if fields[name] is not None and fields[name] < 0:
            raise ValueError(f"{name} {value!r} is negative")
    tz = as_text(row.get("timezone")).strip()
    try:
        fields["timezone"] = float(tz) if tz else None
    except ValueError as exc:
        raise ValueError(f"timezone {tz!r} is not a UTC offset in hours") from exc
    if fields["timezone"] is not None and not -14 <= fields["timezone"] <= 14:
        raise ValueError(f"timezone {tz!r} is not a UTC offset in hours")
    description = _text(row, "description", None, warn)
    nothing = not (fields["byday"] or fields["opens_at"] or fields["bymonthday"] or description)
    if nothing and (fields["closes_at"] or freq):
        raise ValueError("no days, hours or description")
    fields.update(
        description=description,
        schedule_link=_text(row, "schedule_link", 500, warn),
        attending_type=_text(row, "attending_type", 100, warn),
        notes=_text(row, "notes", None, warn),
    )
    return fields


_STATE_NAMES = None


def _state_names() -> dict[str, str]:
    global _STATE_NAMES
    if _STATE_NAMES is None:
        from lantern.core.geo import USStateChoices

        names = {str(label).lower(): code for code, label in USStateChoices.choices}
        names.update({code.lower(): code for code in USStateChoices.values})
        _STATE_NAMES = names
    return _STATE_NAMES


_NATIONAL = {"united states", "usa", "us", "national", "nationwide", "all states", "u.s."}
_COUNTY_RE = re.compile(r"^(.+?\b(?:county|parish|borough))\s*,?\s*([A-Za-z .]+)?$", re.I)
_ZIP_RE = re.compile(r"^\d{5}(?:-\d{4})?$")


def parse_service_area(row: dict, warn: Warn) -> dict:
    """HSDS fields, plus Lantern's scope/state/value read from the name or extent."""
    name = _text(row, "name", 200, warn) or _text(row, "service_area", 200, warn)
    fields = {
        "name": name,
        "description": _text(row, "description", None, warn),
        "extent": _text(row, "extent", None, warn),
        "extent_type": _text(row, "extent_type", 20, warn),
        "uri": _text(row, "uri", 500, warn),
    }
    fields.update(area_scope(name))
    return fields


def area_scope(text: str) -> dict:
    """``"TX"``/``"Texas"`` -> statewide; ``"Harris County, TX"`` -> county; ``"77002"`` ->
    ZIP; ``"United States"`` -> national; a city with a state -> city; else local."""
    value = (text or "").strip()
    lowered = value.lower().rstrip(".")
    names = _state_names()
    result = {"scope": ServiceAreaScopeChoices.LOCAL, "state": "", "value": ""}
    if not value:
        return result
    if lowered in _NATIONAL:
        result["scope"] = ServiceAreaScopeChoices.NATIONAL
    elif lowered in names:
        result.update(scope=ServiceAreaScopeChoices.STATE, state=names[lowered])
    elif _ZIP_RE.match(value):
        from lantern.core.geo import place_for_zip

        place = place_for_zip(value)
        result.update(
            scope=ServiceAreaScopeChoices.POSTAL_CODE,
            value=value[:5],
            state=place.state if place else "",
        )
    elif "," in value:
        head, tail = (p.strip() for p in value.rsplit(",", 1))
        state = names.get(tail.lower().rstrip("."), "")
        if state:
            county = _COUNTY_RE.match(head)
            scope = ServiceAreaScopeChoices.COUNTY if county else ServiceAreaScopeChoices.CITY
            result.update(scope=scope, state=state, value=head[:100])
    return result


def parse_taxonomy(row: dict, warn: Warn) -> dict:
    # HSDS 3.0 requires a description; 2.0 had none, so the name stands in for it
    name = _required(row, "name", 200, warn)
    return {
        "name": name,
        "description": _text(row, "description", None, warn) or name,
        "uri": _text(row, "uri", 500, warn),
        "version": _text(row, "version", 50, warn),
    }


def parse_taxonomy_term(row: dict, warn: Warn) -> dict:
    name = _required(row, "name", 200, warn)
    return {
        "code": _text(row, "code", 100, warn),
        "name": name,
        "description": _text(row, "description", None, warn) or name,
        "taxonomy": _text(row, "taxonomy", 200, warn) or _text(row, "vocabulary", 200, warn),
        "language": _text(row, "language", 35, warn),
        "term_uri": _text(row, "term_uri", 500, warn),
    }


def parse_attribute(row: dict, warn: Warn) -> dict:
    return {
        "link_type": _text(row, "link_type", 100, warn),
        "link_entity": _text(row, "link_entity", 50, warn),
        "value": _text(row, "value", None, warn),
    }


def parse_organization_identifier(row: dict, warn: Warn) -> dict:
    return {
        "identifier_scheme": _text(row, "identifier_scheme", 100, warn),
        "identifier_type": _required(row, "identifier_type", 100, warn),
        "identifier": _required(row, "identifier", 300, warn),
    }


PARSERS: dict[str, Callable[[dict, Warn], dict]] = {
    "organization": parse_organization,
    "organization_identifier": parse_organization_identifier,
    "service": parse_service,
    "location": parse_location,
    "address": parse_address,
    "service_at_location": parse_service_at_location,
    "contact": parse_contact,
    "phone": parse_phone,
    "language": parse_language,
    "schedule": parse_schedule,
    "service_area": parse_service_area,
    "taxonomy": parse_taxonomy,
    "taxonomy_term": parse_taxonomy_term,
    "attribute": parse_attribute,
}


def parse_bool(value) -> bool | None:
    """``core.coerce.boolean``'s words; ``None`` when blank or not one of them."""
    try:
        return coerce.boolean(as_text(value))
    except coerce.Invalid:
        return None


def parse_population(value) -> str | None:
    text = as_text(value).strip().lower().replace(" ", "_").replace("-", "_")
    return text if text in _values(PopulationChoices) else None


def parse_organization_type(value) -> str | None:
    text = as_text(value).strip().lower().replace(" ", "_").replace("-", "_")
    return text if text in _values(OrganizationTypeChoices) else None
