"""Writing, verifying and retiring response protocols (directory managers).

A save replaces the protocol's fields and its whole ordered list of steps, all or nothing.
Refused: a protocol without steps, a jurisdiction that does not fit its level, a step with
neither a directory service nor an agency, or an active protocol that would overlap another at
the same jurisdiction (``engine.overlapping``). A refusal changes nothing and is audited.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.choices import CaseTraffickingTypeChoices
from lantern.directory.models import Service
from lantern.protocols import engine
from lantern.protocols.choices import ProtocolLevelChoices
from lantern.protocols.exceptions import ProtocolError
from lantern.protocols.models import Protocol, ProtocolStep

FIELDS = ("name", "level", "state", "county", "city", "notes", "active")
TRISTATE = ("crisis", "minor", "consent", "foreign_national")


def _refused(actor, protocol: Protocol | None, errors: dict) -> ProtocolError:
    audit.record(
        actor,
        Audit.REFUSED,
        object_type="protocols.protocol",
        object_id=str(protocol.pk) if protocol and protocol.pk else "",
        changes={"errors": errors},
    )
    return ProtocolError(errors)


def _apply(protocol: Protocol, data: dict, errors: dict) -> None:
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(protocol, name, value.strip() if isinstance(value, str) else value)
    if not protocol.name:
        errors["name"] = "give the protocol a name"
    if protocol.level not in ProtocolLevelChoices.values:
        errors["level"] = "choose national, state, county or city"
    for name in TRISTATE:
        if name in data:
            value = data[name]
            if value not in (None, True, False):
                errors[name] = "yes, no, or empty for any"
            setattr(protocol, name, value)
    if "trafficking_type" in data:
        value = data["trafficking_type"] or ""
        if value and value not in CaseTraffickingTypeChoices.values:
            errors["trafficking_type"] = f"{value!r} is not a type of trafficking"
        protocol.trafficking_type = value
    errors.update(engine.jurisdiction_errors(protocol))


def as_uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def _steps(raw_steps, errors: dict) -> list[ProtocolStep]:
    if not raw_steps:
        errors["steps"] = "a protocol needs at least one contact to make"
        return []
    steps = []
    service_ids = {as_uuid(s.get("service")) for s in raw_steps if s.get("service")} - {None}
    known = {
        str(pk) for pk in Service.objects.filter(pk__in=service_ids).values_list("pk", flat=True)
    }
    for number, raw in enumerate(raw_steps, 1):
        where = f"steps.{number}"
        service = as_uuid(raw["service"]) if raw.get("service") else None
        agency = (raw.get("agency") or "").strip()
        instructions = (raw.get("instructions") or "").strip()
        if raw.get("service") and str(service) not in known:
            errors[f"{where}.service"] = "no such directory service"
        if not raw.get("service") and not agency:
            errors[f"{where}.agency"] = "name the agency, or choose a directory service"
        if not instructions:
            errors[f"{where}.instructions"] = "say what to do at this step"
        wait = raw.get("wait_minutes")
        if wait not in (None, "") and (not str(wait).isdigit() or int(wait) > 10080):
            errors[f"{where}.wait_minutes"] = "minutes, a whole number up to a week"
        steps.append(
            ProtocolStep(
                position=number,
                service_id=service,
                agency=agency[:200],
                phone=(raw.get("phone") or "").strip()[:40],
                instructions=instructions,
                wait_minutes=int(wait) if wait not in (None, "") and str(wait).isdigit() else None,
            )
        )
    return steps


def do_save_protocol(data: dict, steps: list[dict], *, actor, protocol: Protocol | None = None):
    """Create (``protocol`` None) or replace a protocol and its steps. All or nothing."""
    rules.require(actor, "manage_protocols")
    is_new = protocol is None
    target = Protocol() if is_new else Protocol.objects.get(pk=protocol.pk)
    before = {name: getattr(target, name) for name in (*FIELDS, *TRISTATE, "trafficking_type")}
    errors: dict = {}
    _apply(target, data, errors)
    new_steps = _steps(steps, errors)
    if not errors and target.active:
        same_place = Protocol.objects.filter(
            level=target.level, state=target.state, active=True
        ).exclude(pk=target.pk)
        clash = engine.overlapping(target, same_place)
        if clash:
            errors["situation"] = (
                f"it would overlap {clash[0].name!r} (same jurisdiction, a case could fit both "
                "equally): set a condition that tells them apart, or retire one"
            )
    if errors:
        raise _refused(actor, None if is_new else target, errors)
    with transaction.atomic():
        target.save()
        target.steps.all().delete()
        for step in new_steps:
            step.protocol = target
        ProtocolStep.objects.bulk_create(new_steps)
        after = {name: getattr(target, name) for name in before}
        audit.record(
            actor,
            Audit.CREATE if is_new else Audit.UPDATE,
            target,
            changes={
                **{k: str(v) for k, v in after.items() if is_new or before[k] != v},
                "steps": len(new_steps),
            },
        )
    return target


def do_verify_protocol(protocol: Protocol, *, actor) -> Protocol:
    """A directory manager checked the protocol's contacts and instructions are still right."""
    rules.require(actor, "manage_protocols")
    with transaction.atomic():
        protocol.last_verified_at = timezone.now()
        protocol.verified_by = actor
        protocol.save(update_fields=["last_verified_at", "verified_by", "updated_at"])
        audit.record(actor, Audit.VERIFY, protocol)
    return protocol
