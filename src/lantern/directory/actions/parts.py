"""A service's nested rows (types, languages, phones, hours, areas, locations) checked into the
plain dicts the service actions write."""

from __future__ import annotations

import re
import zoneinfo

from lantern.core import geo
from lantern.core.language import normalize_language
from lantern.core.phone import normalize_phone
from lantern.directory import taxonomy
from lantern.directory.actions import validate as v
from lantern.directory.choices import (
    PhoneTypeChoices,
    ServiceAreaScopeChoices,
)
from lantern.directory.models import (
    TaxonomyTerm,
)


def clean_types(codes: list, errors: dict) -> list[TaxonomyTerm]:
    wanted = [str(c).strip() for c in codes if str(c).strip()]
    terms = {
        t.code: t
        for t in TaxonomyTerm.objects.filter(
            taxonomy_ref_id=taxonomy.stable_id("taxonomy", taxonomy.SERVICE_TYPES),
            code__in=wanted,
        )
    }
    unknown = [c for c in wanted if c not in terms]
    if unknown:
        errors["service_types"] = f"unknown service type: {', '.join(unknown)}"
    return [terms[c] for c in dict.fromkeys(wanted) if c in terms]


def clean_languages(codes: list, errors: dict) -> list[str]:
    tags, bad = [], []
    for code in codes:
        try:
            tags.append(normalize_language(str(code)))
        except ValueError:
            bad.append(str(code))
    if bad:
        errors["languages"] = (
            f"not a language code: {', '.join(bad)} (use BCP 47 codes such as en, es, zh-Hant)"
        )
    return list(dict.fromkeys(tags))


def clean_phones(rows: list, errors: dict) -> list[dict]:
    phones = []
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {"number": row}
        key = f"phones.{i}"
        number = str(row.get("number") or "").strip()
        if not number:
            if any(str(row.get(k) or "").strip() for k in ("extension", "description")):
                errors[f"{key}.number"] = "A phone number is required"
            continue
        try:
            number = normalize_phone(number)
        except ValueError as exc:
            errors[f"{key}.number"] = str(exc)
        extension = row.get("extension")
        if extension in (None, ""):
            extension = None
        else:
            try:
                extension = int(str(extension).strip())
                if extension < 0:
                    raise ValueError
            except ValueError:
                errors[f"{key}.extension"] = "must be digits only"
                extension = None
        kind = v.choice(row.get("type"), PhoneTypeChoices, f"{key}.type", errors, "phone type")
        phones.append(
            {
                "number": number,
                "extension": extension,
                "type": kind or PhoneTypeChoices.VOICE,
                "description": str(row.get("description") or "").strip()[:500],
            }
        )
    return phones


def clean_schedules(rows: list, errors: dict) -> list[dict]:
    """Weekly hours rows ``{byday: [MO, ...] | "MO,TU", opens_at, closes_at, overnight}``.

    Hours that close at or before they open run past midnight, and must say so with
    ``overnight``; otherwise it is almost always a typing mistake (17:00 typed as 07:00).
    """
    schedules = []
    for i, row in enumerate(rows):
        key = f"schedules.{i}"
        if not isinstance(row, dict):
            errors[key] = "must be a mapping of byday, opens_at and closes_at"
            continue
        days = row.get("byday") or []
        if isinstance(days, str):
            days = [d for d in re.split(r"[,\s]+", days) if d]
        days = [str(d).strip().upper() for d in days]
        bad = [d for d in days if d not in v.WEEKDAYS]
        opens = v.clock_time(row.get("opens_at"), f"{key}.opens_at", errors)
        closes = v.clock_time(row.get("closes_at"), f"{key}.closes_at", errors)
        overnight = v.boolean(row.get("overnight"))
        if not days and opens is None and closes is None:
            continue  # an empty row
        if bad:
            errors[f"{key}.byday"] = f"not a day of the week: {', '.join(bad)} (use MO .. SU)"
        elif not days:
            errors[f"{key}.byday"] = "choose at least one day"
        if f"{key}.opens_at" in errors or f"{key}.closes_at" in errors:
            continue
        if opens is None:
            errors[f"{key}.opens_at"] = "When does it open? (HH:MM)"
            continue
        if closes is None:
            errors[f"{key}.closes_at"] = "When does it close? (HH:MM)"
            continue
        if opens == closes:
            errors[f"{key}.closes_at"] = (
                "opens and closes at the same time; for round-the-clock service tick 24/7 instead"
            )
        elif closes < opens and not overnight:
            errors[f"{key}.closes_at"] = (
                f"closes at {closes:%H:%M}, before it opens at {opens:%H:%M}: if the hours run "
                "past midnight, tick 'past midnight'"
            )
        elif closes > opens and overnight:
            errors[f"{key}.closes_at"] = (
                f"marked 'past midnight' but closes at {closes:%H:%M}, after it opens at "
                f"{opens:%H:%M} on the same day; untick 'past midnight'"
            )
        schedules.append(
            {
                "byday": ",".join(d for d in v.WEEKDAYS if d in days),
                "opens_at": opens,
                "closes_at": closes,
                "description": str(row.get("description") or "").strip()[:500],
            }
        )
    return schedules


def clean_areas(rows: list, errors: dict) -> list[dict]:
    areas = []
    for i, row in enumerate(rows):
        key = f"service_areas.{i}"
        if not isinstance(row, dict):
            errors[key] = "must be a mapping of scope, state and value"
            continue
        scope = (row.get("scope") or "").strip()
        state = (row.get("state") or "").strip()
        value = (row.get("value") or "").strip()
        if not (scope or state or value):
            continue
        scope = v.choice(scope, ServiceAreaScopeChoices, f"{key}.scope", errors, "area scope")
        if not scope:
            errors.setdefault(f"{key}.scope", "choose how far the service reaches")
            continue
        if state:
            try:
                state = geo.normalize_state(state)
            except ValueError as exc:
                errors[f"{key}.state"] = str(exc)
        if scope == ServiceAreaScopeChoices.NATIONAL:
            state, value = "", ""
        elif (
            scope
            in (
                ServiceAreaScopeChoices.STATE,
                ServiceAreaScopeChoices.COUNTY,
                ServiceAreaScopeChoices.CITY,
            )
            and not state
        ):
            errors.setdefault(f"{key}.state", "Which state?")
        if scope in (ServiceAreaScopeChoices.COUNTY, ServiceAreaScopeChoices.CITY) and not value:
            errors[f"{key}.value"] = f"Which {scope}?"
        if scope == ServiceAreaScopeChoices.POSTAL_CODE:
            try:
                value = geo.normalize_zip(value)[:5]
                place = geo.place_for_zip(value)
                if place is None:
                    errors[f"{key}.value"] = f"unknown ZIP code {value}"
                else:
                    state = place.state
            except ValueError as exc:
                errors[f"{key}.value"] = str(exc)
        if scope == ServiceAreaScopeChoices.STATE:
            value = ""
        name = {
            ServiceAreaScopeChoices.NATIONAL: "United States",
            ServiceAreaScopeChoices.STATE: state,
            ServiceAreaScopeChoices.LOCAL: "Around its locations",
        }.get(scope, f"{value}, {state}".strip(", "))
        areas.append({"scope": scope, "state": state, "value": value[:100], "name": name})
    return areas


def clean_locations(rows: list, errors: dict) -> list[dict]:
    """Locations with their physical address, geocoded from the ZIP code when not given."""
    locations = []
    for i, row in enumerate(rows):
        key = f"locations.{i}"
        if not isinstance(row, dict):
            errors[key] = "must be a mapping"
            continue
        fields = (
            "name",
            "address_1",
            "address_2",
            "city",
            "state",
            "postal_code",
            "latitude",
            "longitude",
            "time_zone",
            "description",
            "transportation",
        )
        if not any(str(row.get(f) or "").strip() for f in fields):
            continue  # an empty row
        loc_errors: dict[str, str] = {}
        values = {
            "id": row.get("id") or None,
            "name": v.text(row, "name", loc_errors),
            "description": v.text(row, "description", loc_errors, max_length=5_000),
            "transportation": v.text(row, "transportation", loc_errors, max_length=2_000),
            "address_1": v.text(
                row, "address_1", loc_errors, required=True, label="Street address"
            ),
            "address_2": v.text(row, "address_2", loc_errors),
            "city": v.text(row, "city", loc_errors, required=True, max_length=100, label="City"),
            "confidential": v.boolean(row.get("confidential")),
        }
        state = v.text(row, "state", loc_errors, required=True, max_length=100, label="State")
        if state:
            try:
                state = geo.normalize_state(state)
            except ValueError as exc:
                loc_errors["state"] = str(exc)
        postal_code = v.text(
            row, "postal_code", loc_errors, required=True, max_length=10, label="ZIP code"
        )
        place = None
        if postal_code:
            try:
                postal_code = geo.normalize_zip(postal_code)
            except ValueError as exc:
                loc_errors["postal_code"] = str(exc)
            else:
                place = geo.place_for_zip(postal_code)
                if place is None:
                    loc_errors["postal_code"] = f"unknown ZIP code {postal_code}"
                elif state and "state" not in loc_errors and place.state != state:
                    loc_errors["postal_code"] = (
                        f"ZIP code {postal_code} is in {place.state}, not {state}"
                    )
        lat = v.number(row.get("latitude"), "latitude", loc_errors, -90, 90, "latitude")
        lon = v.number(row.get("longitude"), "longitude", loc_errors, -180, 180, "longitude")
        if (lat is None) != (lon is None) and not {"latitude", "longitude"} & loc_errors.keys():
            loc_errors["longitude" if lon is None else "latitude"] = (
                "give both latitude and longitude, or neither (the ZIP code's centre is used)"
            )
        if lat is None and lon is None and place is not None:
            lat, lon = place.latitude, place.longitude
        tz = v.text(row, "time_zone", loc_errors, max_length=64)
        if tz:
            try:
                zoneinfo.ZoneInfo(tz)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                loc_errors["time_zone"] = f"{tz!r} is not a time zone (e.g. America/Chicago)"
        elif place is not None:
            tz = place.time_zone
        values.update(
            state=state, postal_code=postal_code, latitude=lat, longitude=lon, time_zone=tz
        )
        errors.update({f"{key}.{k}": v for k, v in loc_errors.items()})
        locations.append(values)
    return locations
