"""Every change to the referral directory.

Each action checks ``manage_directory`` (an ``actor`` of None is the system itself: imports,
the demo seeder), validates its input into ``InvalidInput`` with one message per field, writes,
records an audit event with the object's id (the directory holds no personal data, but the
audit trail still says who changed what), and rebuilds the search rows of every service it
touched with ``indexing.reindex_services``, all in one transaction.

Input is API-shaped: plain dicts and lists of strings, so the console, the API and scripts
share one path. Nested collections of a service (types, languages, phones, hours, areas,
locations) are replaced wholesale by an update that names them, and left alone by one that
does not.
"""

from __future__ import annotations

import re
import uuid
import zoneinfo
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.core import geo
from lantern.core.errors import InvalidInput
from lantern.core.language import language_name, normalize_language
from lantern.core.phone import normalize_phone
from lantern.directory import indexing, taxonomy
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
from lantern.directory.models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

WEEKDAYS = list(WeekdayChoices.values)  # MO .. SU
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


# --- helpers ------------------------------------------------------------------------------------


def _require(actor) -> None:
    if actor is not None:
        rules.require(actor, "manage_directory")


def _text(data: dict, key: str, errors: dict, *, required=False, max_length=300, label="") -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = "must be text"
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = f"{label or key.replace('_', ' ').capitalize()} is required"
    elif len(value) > max_length:
        errors[key] = f"is too long ({len(value)} characters, at most {max_length})"
    return value


def _email(value: str, key: str, errors: dict) -> str:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            errors[key] = f"{value!r} is not an email address"
    return value


def _url(value: str, key: str, errors: dict) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors[key] = f"{value!r} is not a web address (https://...)"
    return value


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _choice(value, choices, key: str, errors: dict, what: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if value and value not in choices.values:
        errors[key] = f"{value!r} is not a known {what}"
        return ""
    return value or ""


def _age(value, key: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        age = int(value)
    except (TypeError, ValueError):
        errors[key] = "must be a whole number of years"
        return None
    if not 0 <= age <= 120:
        errors[key] = "must be between 0 and 120"
        return None
    return age


def _float(value, key: str, errors: dict, low: float, high: float, what: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[key] = f"{value!r} is not a number"
        return None
    if not low <= number <= high:
        errors[key] = f"{what} must be between {low:g} and {high:g}"
        return None
    return number


def _time(value, key: str, errors: dict) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = _TIME_RE.match(str(value).strip())
    if not match:
        errors[key] = f"{value!r} is not a time (HH:MM, 24-hour clock)"
        return None
    return time(int(match[1]), int(match[2]))


def _list(data: dict, key: str, errors: dict) -> list:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list | tuple):
        errors[key] = "must be a list"
        return []
    return list(value)


def _fail(errors: dict) -> None:
    if errors:
        raise InvalidInput(errors)


# --- organizations ------------------------------------------------------------------------------


def clean_organization(data: dict) -> dict:
    errors: dict[str, str] = {}
    values = {
        "name": _text(data, "name", errors, required=True),
        "alternate_name": _text(data, "alternate_name", errors),
        "description": _text(data, "description", errors, required=True, max_length=10_000),
        "email": _email(_text(data, "email", errors, max_length=254), "email", errors),
        "website": _url(_text(data, "website", errors, max_length=500), "website", errors),
        "organization_type": _choice(
            data.get("organization_type"),
            OrganizationTypeChoices,
            "organization_type",
            errors,
            "organization type",
        ),
    }
    _fail(errors)
    return values


def do_create_organization(data: dict, *, actor) -> Organization:
    _require(actor)
    values = clean_organization(data)
    with transaction.atomic():
        org = Organization.objects.create(**values)
        audit.record(actor, Audit.CREATE, org, changes={"fields": sorted(values)})
    return org


def do_update_organization(org: Organization, data: dict, *, actor) -> Organization:
    _require(actor)
    values = clean_organization({**_organization_values(org), **data})
    changed = {k: v for k, v in values.items() if getattr(org, k) != v}
    if not changed:
        return org
    with transaction.atomic():
        for key, value in changed.items():
            setattr(org, key, value)
        org.save()
        audit.record(actor, Audit.UPDATE, org, changes={"fields": sorted(changed)})
        # the organization's name and type are part of every one of its services' search rows
        indexing.reindex_services(list(org.services.values_list("pk", flat=True)))
    return org


def _organization_values(org: Organization) -> dict:
    return {
        k: getattr(org, k)
        for k in (
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "organization_type",
        )
    }


# --- services -----------------------------------------------------------------------------------

SERVICE_TEXT_FIELDS = {
    # field: (required, max length)
    "name": (True, 300),
    "alternate_name": (False, 300),
    "description": (False, 10_000),
    "eligibility_description": (False, 5_000),
    "application_process": (False, 5_000),
    "fees_description": (False, 5_000),
    "interpretation_services": (False, 5_000),
    "wait_time": (False, 200),
    "alert": (False, 2_000),
}
NESTED = ("service_types", "languages", "phones", "schedules", "service_areas", "locations")


def _service_types(codes: list, errors: dict) -> list[TaxonomyTerm]:
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


def _languages(codes: list, errors: dict) -> list[str]:
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


def _phones(rows: list, errors: dict) -> list[dict]:
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
        kind = _choice(row.get("type"), PhoneTypeChoices, f"{key}.type", errors, "phone type")
        phones.append(
            {
                "number": number,
                "extension": extension,
                "type": kind or PhoneTypeChoices.VOICE,
                "description": str(row.get("description") or "").strip()[:500],
            }
        )
    return phones


def _schedules(rows: list, errors: dict) -> list[dict]:
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
        bad = [d for d in days if d not in WEEKDAYS]
        opens = _time(row.get("opens_at"), f"{key}.opens_at", errors)
        closes = _time(row.get("closes_at"), f"{key}.closes_at", errors)
        overnight = _bool(row.get("overnight"))
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
                "byday": ",".join(d for d in WEEKDAYS if d in days),
                "opens_at": opens,
                "closes_at": closes,
                "description": str(row.get("description") or "").strip()[:500],
            }
        )
    return schedules


def _service_areas(rows: list, errors: dict) -> list[dict]:
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
        scope = _choice(scope, ServiceAreaScopeChoices, f"{key}.scope", errors, "area scope")
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


def _locations(rows: list, errors: dict) -> list[dict]:
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
            "name": _text(row, "name", loc_errors),
            "description": _text(row, "description", loc_errors, max_length=5_000),
            "transportation": _text(row, "transportation", loc_errors, max_length=2_000),
            "address_1": _text(row, "address_1", loc_errors, required=True, label="Street address"),
            "address_2": _text(row, "address_2", loc_errors),
            "city": _text(row, "city", loc_errors, required=True, max_length=100, label="City"),
            "confidential": _bool(row.get("confidential")),
        }
        state = _text(row, "state", loc_errors, required=True, max_length=100, label="State")
        if state:
            try:
                state = geo.normalize_state(state)
            except ValueError as exc:
                loc_errors["state"] = str(exc)
        postal_code = _text(
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
        lat = _float(row.get("latitude"), "latitude", loc_errors, -90, 90, "latitude")
        lon = _float(row.get("longitude"), "longitude", loc_errors, -180, 180, "longitude")
        if (lat is None) != (lon is None) and not {"latitude", "longitude"} & loc_errors.keys():
            loc_errors["longitude" if lon is None else "latitude"] = (
                "give both latitude and longitude, or neither (the ZIP code's centre is used)"
            )
        if lat is None and lon is None and place is not None:
            lat, lon = place.latitude, place.longitude
        tz = _text(row, "time_zone", loc_errors, max_length=64)
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


def clean_service(data: dict, *, partial: bool = False) -> dict:
    """Validate API-shaped service data; with ``partial`` only the keys present are cleaned."""
    errors: dict[str, str] = {}
    values: dict = {}
    for field, (required, max_length) in SERVICE_TEXT_FIELDS.items():
        if partial and field not in data:
            continue
        values[field] = _text(data, field, errors, required=required, max_length=max_length)
    for field in ("url", "email"):
        if partial and field not in data:
            continue
        text = _text(data, field, errors, max_length=500)
        values[field] = (_url if field == "url" else _email)(text, field, errors)
    if not partial or "status" in data:
        status = _choice(data.get("status"), ServiceStatusChoices, "status", errors, "status")
        if status == ServiceStatusChoices.DEFUNCT:
            errors["status"] = "retire a service with the Retire action, not by editing it"
        values["status"] = status or ServiceStatusChoices.ACTIVE
    for field in ("minimum_age", "maximum_age"):
        if not partial or field in data:
            values[field] = _age(data.get(field), field, errors)
    low, high = values.get("minimum_age"), values.get("maximum_age")
    if low is not None and high is not None and low > high:
        errors["maximum_age"] = f"is below the minimum age ({low})"
    for field in ("available_24_7", "trafficking_training"):
        if not partial or field in data:
            values[field] = _bool(data.get(field))
    if not partial or "populations" in data:
        populations = [str(p) for p in _list(data, "populations", errors)]
        unknown = [p for p in populations if p not in PopulationChoices.values]
        if unknown:
            errors["populations"] = f"unknown population: {', '.join(unknown)}"
        values["populations"] = [p for p in PopulationChoices.values if p in populations]
    nested = {}
    if not partial or "service_types" in data:
        nested["service_types"] = _service_types(_list(data, "service_types", errors), errors)
    if not partial or "languages" in data:
        nested["languages"] = _languages(_list(data, "languages", errors), errors)
    for key, cleaner in (
        ("phones", _phones),
        ("schedules", _schedules),
        ("service_areas", _service_areas),
        ("locations", _locations),
    ):
        if not partial or key in data:
            nested[key] = cleaner(_list(data, key, errors), errors)
    _fail(errors)
    return {**values, **nested}


def _organization_of(value) -> Organization:
    if isinstance(value, Organization):
        return value
    try:
        return Organization.objects.get(pk=uuid.UUID(str(value)))
    except (ValueError, Organization.DoesNotExist):
        raise InvalidInput({"organization": "choose an existing organization"}) from None


def _write_nested(service: Service, nested: dict) -> None:
    if "service_types" in nested:
        service.taxonomy_terms.set(nested["service_types"])
    if "languages" in nested:
        service.languages.all().delete()
        Language.objects.bulk_create(
            Language(service=service, code=code, name=language_name(code))
            for code in nested["languages"]
        )
    if "phones" in nested:
        service.phones.all().delete()
        Phone.objects.bulk_create(Phone(service=service, **p) for p in nested["phones"])
    if "schedules" in nested:
        service.schedules.all().delete()
        Schedule.objects.bulk_create(
            Schedule(service=service, freq=ScheduleFreqChoices.WEEKLY, **s)
            for s in nested["schedules"]
        )
    if "service_areas" in nested:
        service.service_areas.all().delete()
        ServiceArea.objects.bulk_create(
            ServiceArea(service=service, **a) for a in nested["service_areas"]
        )
    if "locations" in nested:
        _write_locations(service, nested["locations"])


def _write_locations(service: Service, rows: list[dict]) -> None:
    current = {sal.location_id: sal for sal in service.service_at_locations.all()}
    kept = set()
    for row in rows:
        row = dict(row)
        loc_id = row.pop("id", None)
        address = {
            k: row.pop(k) for k in ("address_1", "address_2", "city", "state", "postal_code")
        }
        location = None
        if loc_id:
            try:
                location = Location.objects.get(pk=uuid.UUID(str(loc_id)))
            except (ValueError, Location.DoesNotExist):
                location = None
            if location is not None and location.pk not in current:
                location = None  # only this service's own locations can be edited through it
        if location is None:
            location = Location(
                organization=service.organization, location_type=LocationTypeChoices.PHYSICAL
            )
        for key, value in row.items():
            setattr(location, key, value)
        location.save()
        addr = location.addresses.filter(address_type=AddressTypeChoices.PHYSICAL).first()
        addr = addr or Address(location=location, address_type=AddressTypeChoices.PHYSICAL)
        addr.address_1, addr.address_2 = address["address_1"], address["address_2"]
        addr.city, addr.state_province = address["city"], address["state"]
        addr.postal_code, addr.country = address["postal_code"], "US"
        addr.save()
        ServiceAtLocation.objects.get_or_create(service=service, location=location)
        kept.add(location.pk)
    for loc_id, sal in current.items():
        if loc_id not in kept:
            sal.delete()
            # a location no other service uses goes with it
            if not ServiceAtLocation.objects.filter(location_id=loc_id).exists():
                Location.objects.filter(pk=loc_id).delete()


def _changes(values: dict) -> dict:
    """What changed, for the audit row: field names, and counts for nested collections."""
    changes = {}
    for key, value in values.items():
        if key in NESTED:
            changes[key] = len(value)
        else:
            changes[key] = "set"
    return changes


def do_create_service(organization, data: dict, *, actor) -> Service:
    """A new service of ``organization`` (an Organization or its id)."""
    _require(actor)
    organization = _organization_of(organization)
    values = clean_service(data)
    nested = {k: values.pop(k) for k in NESTED}
    with transaction.atomic():
        service = Service.objects.create(organization=organization, **values)
        _write_nested(service, nested)
        audit.record(
            actor,
            Audit.CREATE,
            service,
            changes={"organization": str(organization.pk), **_changes(values | nested)},
        )
        indexing.reindex_services([service.pk])
    return service


def do_update_service(service: Service, data: dict, *, actor) -> Service:
    """Update the fields and collections named in ``data`` (PATCH semantics)."""
    _require(actor)
    values = clean_service(data, partial=True)
    nested = {k: values.pop(k) for k in NESTED if k in values}
    changed = {k: v for k, v in values.items() if getattr(service, k) != v}
    if not changed and not nested:
        return service
    with transaction.atomic():
        for key, value in changed.items():
            setattr(service, key, value)
        service.save()
        _write_nested(service, nested)
        audit.record(actor, Audit.UPDATE, service, changes=_changes(changed | nested))
        indexing.reindex_services([service.pk])
    return service


def do_verify_service(service: Service, *, actor) -> Service:
    """Record that the service's details were checked today, and by whom."""
    _require(actor)
    if service.status == ServiceStatusChoices.DEFUNCT:
        raise InvalidInput({"status": "a retired service cannot be verified; reactivate it first"})
    with transaction.atomic():
        service.assured_date = timezone.localdate()
        service.verified_by = actor
        service.assurer_email = getattr(actor, "email", "") or ""
        service.save(
            update_fields=["assured_date", "verified_by", "assurer_email", "last_modified"]
        )
        audit.record(
            actor,
            Audit.VERIFY,
            service,
            changes={"assured_date": service.assured_date.isoformat()},
        )
        indexing.reindex_services([service.pk])
    return service


def _set_status(service: Service, status: str, action: str, *, actor, reason: str) -> Service:
    _require(actor)
    if service.status == status:
        return service
    before = service.status
    with transaction.atomic():
        service.status = status
        service.save(update_fields=["status", "last_modified"])
        audit.record(
            actor, action, service, changes={"status": [before, status]}, reason=reason[:500]
        )
        indexing.reindex_services([service.pk])
    return service


def do_retire_service(service: Service, *, actor, reason: str = "") -> Service:
    """Take a service out of search (HSDS status ``defunct``); its referrals stay."""
    return _set_status(
        service,
        ServiceStatusChoices.DEFUNCT,
        Audit.RETIRE,
        actor=actor,
        reason=reason,
    )


def do_reactivate_service(service: Service, *, actor) -> Service:
    return _set_status(
        service,
        ServiceStatusChoices.ACTIVE,
        Audit.REACTIVATE,
        actor=actor,
        reason="",
    )
