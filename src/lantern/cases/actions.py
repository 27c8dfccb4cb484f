"""Every change to cases and referrals: check the rules, write and audit in one transaction."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.choices import ReferralStatusChoices
from lantern.cases.models import Referral
from lantern.contacts import actions as contact_actions
from lantern.contacts.models import Contact
from lantern.core.errors import InvalidInput
from lantern.directory.choices import ServiceStatusChoices
from lantern.directory.models import Location, Service


def _require_referral_rights(actor, contact: Contact) -> None:
    if not rules.allows(actor, "give_referral"):
        raise PermissionDenied("the permission rules do not allow give_referral")
    if not rules.allows_object(actor, "view_contact", contact):
        raise PermissionDenied("the permission rules do not let you open this contact")


def _check_service(service: Service, location: Location | None) -> None:
    if service.status != ServiceStatusChoices.ACTIVE:
        raise InvalidInput(
            {
                "service": f"{service.name} is {service.get_status_display().lower()}; "
                "it cannot be referred"
            }
        )
    if location is not None and not service.service_at_locations.filter(location=location).exists():
        raise InvalidInput({"location": "is not one of this service's locations"})


def do_give_referral(
    contact: Contact, service: Service, *, actor, location: Location | None = None, note: str = ""
) -> Referral:
    """Record that ``service`` was given to the caller of ``contact``.

    Idempotent: giving the same service again on the same contact returns the existing
    referral unchanged (no second row, no second audit event).
    """
    _require_referral_rights(actor, contact)
    existing = Referral.objects.filter(contact=contact, service=service).first()
    if existing is not None:
        return existing
    _check_service(service, location)
    note = (note or "").strip()
    if len(note) > 5_000:
        raise InvalidInput({"note": "is too long (at most 5000 characters)"})
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                contact=contact, service=service, location=location, note=note, given_by=actor
            )
            audit.record(
                actor,
                Audit.CREATE,
                referral,
                changes={
                    "contact": str(contact.pk),
                    "service": str(service.pk),
                    "location": str(location.pk) if location else "",
                    "note": "set" if note else "empty",
                },
            )
    except IntegrityError:
        # a colleague (or a double click) gave it at the same moment
        return Referral.objects.get(contact=contact, service=service)
    return referral


def do_remove_referral(referral: Referral, *, actor, reason: str = "given by mistake") -> None:
    """Delete a referral given by mistake; only while its status is still ``given``."""
    _require_referral_rights(actor, referral.contact)
    if referral.status != ReferralStatusChoices.GIVEN:
        raise InvalidInput(
            {
                "status": f"this referral is already {referral.get_status_display().lower()}; "
                "it can no longer be removed"
            }
        )
    with transaction.atomic():
        audit.record(
            actor,
            Audit.DELETE,
            referral,
            changes={"contact": str(referral.contact_id), "service": str(referral.service_id)},
            reason=reason,
        )
        referral.delete()


def do_create_contact_with_referrals(data: dict, service_ids, *, actor) -> Contact:
    """Record a new contact and the referrals chosen while it was being typed, all or nothing.

    ``service_ids`` are the services picked in the directory panel before the contact existed.
    A service that was retired meanwhile makes the whole save fail with a clear message, so
    the advocate can take it off and save again.
    """
    services = []
    ids = list(dict.fromkeys(str(s) for s in service_ids or [] if str(s).strip()))
    if ids:
        if not rules.allows(actor, "give_referral"):
            raise PermissionDenied("the permission rules do not allow give_referral")
        found = {str(s.pk): s for s in Service.objects.filter(pk__in=_valid_uuids(ids))}
        missing = [i for i in ids if i not in found]
        if missing:
            raise InvalidInput({"referrals": "a chosen service no longer exists; remove it"})
        services = [found[i] for i in ids]
        for service in services:
            _check_service(service, None)
    with transaction.atomic():
        contact = contact_actions.do_create_contact(data, actor=actor)
        for service in services:
            do_give_referral(contact, service, actor=actor)
    return contact


def _valid_uuids(values):
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            continue
    return out
