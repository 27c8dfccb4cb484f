"""Creating, changing, verifying, retiring and reactivating services."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.core.errors import InvalidInput
from lantern.core.language import language_name
from lantern.directory import indexing
from lantern.directory.actions import parts
from lantern.directory.actions import validate as v
from lantern.directory.choices import (
    AddressTypeChoices,
    LocationTypeChoices,
    PopulationChoices,
    ScheduleFreqChoices,
    ServiceStatusChoices,
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
)

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


def clean_service(data: dict, *, partial: bool = False) -> dict:
    """Validate API-shaped service data; with ``partial`` only the keys present are cleaned."""
    errors: dict[str, str] = {}
    values: dict = {}
    for field, (required, max_length) in SERVICE_TEXT_FIELDS.items():
        if partial and field not in data:
            continue
        values[field] = v.text(data, field, errors, required=required, max_length=max_length)
    for field in ("url", "email"):
        if partial and field not in data:
            continue
        text = v.text(data, field, errors, max_length=500)
        values[field] = (v.url if field == "url" else v.email)(text, field, errors)
    if not partial or "status" in data:
        status = v.choice(data.get("status"), ServiceStatusChoices, "status", errors, "status")
        if status == ServiceStatusChoices.DEFUNCT:
            errors["status"] = "retire a service with the Retire action, not by editing it"
        values["status"] = status or ServiceStatusChoices.ACTIVE
    for field in ("minimum_age", "maximum_age"):
        if not partial or field in data:
            values[field] = v.age(data.get(field), field, errors)
    low, high = values.get("minimum_age"), values.get("maximum_age")
    if low is not None and high is not None and low > high:
        errors["maximum_age"] = f"is below the minimum age ({low})"
    for field in ("available_24_7", "trafficking_training"):
        if not partial or field in data:
            values[field] = v.boolean(data.get(field))
    if not partial or "populations" in data:
        populations = [str(p) for p in v.rows_of(data, "populations", errors)]
        unknown = [p for p in populations if p not in PopulationChoices.values]
        if unknown:
            errors["populations"] = f"unknown population: {', '.join(unknown)}"
        values["populations"] = [p for p in PopulationChoices.values if p in populations]
    nested = {}
    if not partial or "service_types" in data:
        types = v.rows_of(data, "service_types", errors)
        nested["service_types"] = parts.clean_types(types, errors)
    if not partial or "languages" in data:
        nested["languages"] = parts.clean_languages(v.rows_of(data, "languages", errors), errors)
    for key, cleaner in (
        ("phones", parts.clean_phones),
        ("schedules", parts.clean_schedules),
        ("service_areas", parts.clean_areas),
        ("locations", parts.clean_locations),
    ):
        if not partial or key in data:
            nested[key] = cleaner(v.rows_of(data, key, errors), errors)
    v.fail(errors)
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
    v.require_manager(actor)
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
    v.require_manager(actor)
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
    v.require_manager(actor)
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
    v.require_manager(actor)
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
