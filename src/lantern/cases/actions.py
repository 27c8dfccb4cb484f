"""Every change to cases and referrals: check the rules, write and audit in one transaction."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases import statuses
from lantern.cases.choices import (
    ADULT_AGE_BANDS,
    MINOR_AGE_BANDS,
    REFERRAL_MOVES,
    REFERRAL_OPEN,
    CaseAgeBandChoices,
    CaseCitizenshipChoices,
    CaseControlMethodChoices,
    CaseGenderChoices,
    CasePartyRoleChoices,
    CaseTraffickingTypeChoices,
    ReferralStatusChoices,
)
from lantern.cases.models import (
    Case,
    CaseContact,
    CaseNote,
    CaseParty,
    CaseStatusChange,
    Referral,
    ReferralUpdate,
)
from lantern.contacts import actions as contact_actions
from lantern.contacts.choices import VenueChoices
from lantern.contacts.models import Contact
from lantern.core.errors import InvalidInput
from lantern.core.geo import USStateChoices
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
                contact=contact, service=service, location=location, note=note, given_by=actor,
                follow_up_on=timezone.localdate()
                + timedelta(days=settings.LANTERN_REFERRAL_FOLLOW_UP_DAYS),
            )  # fmt: skip
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


def do_update_referral(
    referral: Referral, status: str, *, actor, note: str = "", follow_up_on=None
) -> Referral:
    """Move a referral round its closed loop (``REFERRAL_MOVES``). While it is still open
    (given, contacted, unreachable) it keeps a follow-up date: the one given, else the default
    number of days from today; an outcome (accepted, declined) clears it."""
    _require_referral_rights(actor, referral.contact)
    note = (note or "").strip()
    with transaction.atomic():
        fresh = Referral.objects.select_for_update().get(pk=referral.pk)
        old = fresh.status
        errors = {}
        if status not in ReferralStatusChoices.values:
            errors["status"] = f"{status!r} is not a referral status"
        elif status not in REFERRAL_MOVES.get(old, ()):
            errors["status"] = (
                f"a referral cannot go from {ReferralStatusChoices(old).label.lower()} to "
                f"{ReferralStatusChoices(status).label.lower()}"
            )
        elif len(note) > 5_000:
            errors["note"] = "is too long (at most 5000 characters)"
        if not errors:
            fresh.status = status
            if status in REFERRAL_OPEN:
                fresh.follow_up_on = follow_up_on or timezone.localdate() + timedelta(
                    days=settings.LANTERN_REFERRAL_FOLLOW_UP_DAYS
                )
            else:
                fresh.follow_up_on = None
            fresh.save(update_fields=["status", "follow_up_on", "updated_at"])
            ReferralUpdate.objects.create(referral=fresh, old=old, new=status, note=note, by=actor)
            audit.record(actor, Audit.UPDATE, fresh, changes={"status": [old, status]})
    if errors:
        raise refuse(actor, referral, errors, object_type="cases.referral", error=InvalidInput)
    return fresh


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


# --- cases ------------------------------------------------------------------------------------


class CaseError(InvalidInput):
    """A change to a case that cannot be made as asked; ``errors`` says why."""


require = rules.require


def refuse(actor, obj, errors: dict, *, object_type="cases.case", error=CaseError):
    """Audit a refused change (in its own transaction: the change itself changed nothing) and
    return the error to raise. ``obj`` may be None when the refused change would have made it."""
    audit.record(
        actor,
        Audit.REFUSED,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        changes={"errors": errors},
    )
    return error(errors)


def do_open_case(contact: Contact, *, actor, data: dict | None = None) -> Case:
    """A new case from a contact: status as the statuses file starts it, the contact linked, the
    place taken from the contact."""
    require(actor, "create_case")
    if not rules.allows_object(actor, "view_contact", contact):
        raise PermissionDenied("the permission rules do not let you open this contact")
    case = Case(
        status=statuses.current().initial,
        state=contact.state,
        county=contact.county,
        city=contact.city,
        postal_code=contact.postal_code,
        created_by=actor,
    )
    errors = _apply_facts(case, data or {})
    if errors:
        raise refuse(actor, None, errors)
    with transaction.atomic():
        case.save(force_insert=True)
        CaseContact.objects.create(case=case, contact=contact, linked_by=actor)
        CaseStatusChange.objects.create(case=case, new=case.status, changed_by=actor)
        audit.record(
            actor, Audit.CREATE, case, changes={"contact": str(contact.pk), "status": case.status}
        )
    return case


def _apply_facts(case: Case, data: dict) -> dict:
    errors = {}
    if "trafficking_type" in data:
        if data["trafficking_type"] not in CaseTraffickingTypeChoices.values:
            errors["trafficking_type"] = "choose sex, labor, sex and labor, or not known"
        case.trafficking_type = data["trafficking_type"]
    if "venue" in data:
        if data["venue"] not in VenueChoices.values:
            errors["venue"] = "choose a venue or industry from the list"
        case.venue = data["venue"]
    if "control_methods" in data:
        methods = data["control_methods"] or []
        bad = [m for m in methods if m not in CaseControlMethodChoices.values]
        if not isinstance(methods, list) or bad:
            errors["control_methods"] = f"{bad[0] if bad else methods!r} is not a method of control"
        case.control_methods = sorted(set(methods)) if not bad else methods
    if "victims_served" in data:
        if data["victims_served"] not in (True, False, None):
            errors["victims_served"] = "choose yes, no, or not recorded (null)"
        case.victims_served = data["victims_served"]
    for name in ("county", "city", "postal_code"):
        if name in data:
            setattr(case, name, (data[name] or "").strip()[:100])
    if "state" in data:
        if data["state"] and data["state"] not in USStateChoices.values:
            errors["state"] = "not a U.S. state or territory"
        case.state = data["state"] or ""
    if "summary" in data:
        summary = (data["summary"] or "").strip()
        if len(summary) > 20_000:
            errors["summary"] = "is too long (at most 20,000 characters)"
        case.summary = summary
    if "follow_up_on" in data:
        case.follow_up_on = data["follow_up_on"]
    if "assigned_to" in data:
        case.assigned_to = data["assigned_to"]
    return errors


def do_update_case(case: Case, data: dict, *, actor) -> Case:
    """Change a case's facts (type, venue, methods of control, victims served, place, summary,
    assignment, follow-up date). All or nothing; the summary's text is not written to the audit
    trail."""
    require(actor, "edit_case", case)
    fresh = Case.objects.get(pk=case.pk)
    before = {name: getattr(fresh, name) for name in AUDITED_FACTS}
    errors = _apply_facts(fresh, data)
    if errors:
        raise refuse(actor, case, errors)
    with transaction.atomic():
        fresh.save()
        audit.record(actor, Audit.UPDATE, fresh, changes=_fact_changes(fresh, before, data))
    return fresh


AUDITED_FACTS = ("trafficking_type", "venue", "control_methods", "victims_served", "state",
                 "county", "city", "postal_code", "follow_up_on", "assigned_to_id")  # fmt: skip


def _fact_changes(case: Case, before: dict, data: dict) -> dict:
    """What changed, for the audit trail; the summary's text never goes there."""
    changes = {k: str(getattr(case, k)) for k in AUDITED_FACTS if getattr(case, k) != before[k]}
    if "summary" in data:
        changes["summary"] = "changed"
    return changes


def do_change_case_status(case: Case, new: str, *, actor, reason: str = "") -> Case:
    """Move a case to ``new`` if the statuses file allows the move from where it is."""
    require(actor, "edit_case", case)
    config = statuses.current()
    with transaction.atomic():
        fresh = Case.objects.select_for_update().get(pk=case.pk)
        old = fresh.status
        allowed = config.allowed(old, new)
        if allowed:
            fresh.status = new
            fresh.save(update_fields=["status", "updated_at"])
            CaseStatusChange.objects.create(
                case=fresh, old=old, new=new, reason=reason.strip()[:300], changed_by=actor
            )
            # the reason is free text (it may name someone): kept encrypted, not in the audit
            audit.record(actor, Audit.UPDATE, fresh, changes={"status": [old, new]})
    if not allowed:
        if new not in config.labels:
            raise refuse(actor, case, {"status": f"{new!r} is not a case status"})
        raise refuse(
            actor,
            case,
            {
                "status": f"a case cannot move from {config.label(old)} to {config.label(new)}"
            },  # fmt: skip
        )
    return fresh


def do_link_contact(case: Case, contact: Contact, *, actor) -> bool:
    """Add a contact to a case; False if it was already there."""
    require(actor, "edit_case", case)
    if not rules.allows_object(actor, "view_contact", contact):
        raise PermissionDenied("the permission rules do not let you open this contact")
    try:
        with transaction.atomic():
            CaseContact.objects.create(case=case, contact=contact, linked_by=actor)
            audit.record(actor, Audit.UPDATE, case, changes={"linked": str(contact.pk)})
    except IntegrityError:
        return False
    return True


def do_unlink_contact(case: Case, contact: Contact, *, actor) -> None:
    """Take a contact out of a case; a case keeps at least one contact."""
    require(actor, "edit_case", case)
    with transaction.atomic():
        links = CaseContact.objects.select_for_update().filter(case=case)
        if not links.filter(contact=contact).exists():
            return
        if links.count() == 1:
            refused = {"contact": "a case keeps at least one contact: link another one first"}
        else:
            refused = None
            links.filter(contact=contact).delete()
            audit.record(actor, Audit.UPDATE, case, changes={"unlinked": str(contact.pk)})
    if refused:
        raise refuse(actor, case, refused)


def do_set_parties(case: Case, parties: list[dict], *, actor) -> list[CaseParty]:
    """Replace the case's potential victims and suspected traffickers (counted attributes)."""
    require(actor, "edit_case", case)
    errors: dict = {}
    rows = _parties(case, parties, errors)
    if errors:
        raise refuse(actor, case, errors)
    with transaction.atomic():
        _replace_parties(case, rows)
        audit.record(actor, Audit.UPDATE, case, changes={"parties": _describe(rows)})
    return rows


def do_edit_case(case: Case, facts: dict, parties: list[dict], *, actor) -> Case:
    """The case form: its facts and its people, saved together or not at all."""
    require(actor, "edit_case", case)
    fresh = Case.objects.get(pk=case.pk)
    before = {name: getattr(fresh, name) for name in AUDITED_FACTS}
    errors = _apply_facts(fresh, facts)
    rows = _parties(fresh, parties, errors)
    if errors:
        raise refuse(actor, case, errors)
    with transaction.atomic():
        fresh.save()
        _replace_parties(fresh, rows)
        changes = _fact_changes(fresh, before, facts)
        changes["parties"] = _describe(rows)
        audit.record(actor, Audit.UPDATE, fresh, changes=changes)
    return fresh


def _describe(rows) -> list[str]:
    return [f"{r.count} {r.role} {r.age_band}" for r in rows]


def _replace_parties(case: Case, rows: list[CaseParty]) -> None:
    CaseParty.objects.filter(case=case).delete()
    CaseParty.objects.bulk_create(rows)


def _parties(case: Case, parties: list[dict], errors: dict) -> list[CaseParty]:
    """Validated party rows (errors go into ``errors``)."""
    rows = []
    for number, raw in enumerate(parties, 1):
        where = f"parties.{number}"
        row = CaseParty(
            case=case,
            role=raw.get("role", ""),
            count=raw.get("count", 1),
            age_band=raw.get("age_band") or CaseAgeBandChoices.UNKNOWN,
            minor=raw.get("minor"),
            gender=raw.get("gender") or CaseGenderChoices.UNKNOWN,
            citizenship=raw.get("citizenship") or CaseCitizenshipChoices.UNKNOWN,
            nationality=(raw.get("nationality") or "").upper()[:2],
        )
        if row.role not in CasePartyRoleChoices.values:
            errors[f"{where}.role"] = "potential victims or suspected traffickers"
        if not isinstance(row.count, int) or not 1 <= row.count <= 10_000:
            errors[f"{where}.count"] = "how many people: a whole number from 1"
        if row.age_band not in CaseAgeBandChoices.values:
            errors[f"{where}.age_band"] = "choose an age band"
        if row.gender not in CaseGenderChoices.values:
            errors[f"{where}.gender"] = "choose a gender, or not known"
        if row.citizenship not in CaseCitizenshipChoices.values:
            errors[f"{where}.citizenship"] = "U.S. citizen, foreign national, or not known"
        if row.minor is None and row.age_band in MINOR_AGE_BANDS:
            row.minor = True
        if row.minor is None and row.age_band in ADULT_AGE_BANDS:
            row.minor = False
        if (row.minor is True and row.age_band in ADULT_AGE_BANDS) or (
            row.minor is False and row.age_band in MINOR_AGE_BANDS
        ):
            errors[f"{where}.minor"] = "does not fit the age band"
        rows.append(row)
    return rows


def do_add_case_note(case: Case, body: str, *, actor) -> CaseNote:
    require(actor, "edit_case", case)
    body = (body or "").strip()
    if not body:
        raise refuse(actor, case, {"body": "write the note first"})
    if len(body) > 20_000:
        raise refuse(actor, case, {"body": "is too long (at most 20,000 characters)"})
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, body=body, author=actor)
        audit.record(actor, Audit.CREATE, note, changes={"case": str(case.pk)})
    return note


def do_merge_cases(keep: Case, duplicate: Case, *, actor) -> Case:
    """The same situation recorded twice: ``duplicate``'s contacts, notes and people join
    ``keep``, and ``duplicate`` points at it (kept, so links to it still lead somewhere)."""
    require(actor, "merge_cases")
    require(actor, "edit_case", keep)
    require(actor, "edit_case", duplicate)
    if keep.pk == duplicate.pk:
        raise refuse(actor, keep, {"duplicate": "a case cannot be merged into itself"})
    if duplicate.merged_into_id or keep.merged_into_id:
        raise refuse(actor, duplicate, {"duplicate": "one of the cases is already merged"})
    with transaction.atomic():
        have = set(CaseContact.objects.filter(case=keep).values_list("contact", flat=True))
        CaseContact.objects.filter(case=duplicate).exclude(contact__in=have).update(case=keep)
        CaseNote.objects.filter(case=duplicate).update(case=keep)
        CaseParty.objects.filter(case=duplicate).update(case=keep)
        Case.objects.filter(pk=duplicate.pk).update(merged_into=keep)
        audit.record(actor, Audit.UPDATE, keep, changes={"merged": str(duplicate.pk)})
        audit.record(actor, Audit.UPDATE, duplicate, changes={"merged_into": str(keep.pk)})
    duplicate.refresh_from_db()
    return keep


# --- legal holds ------------------------------------------------------------------------------


def do_place_hold(
    *,
    actor,
    reason: str,
    review_on,
    contact: Contact | None = None,
    case=None,
    received_from=None,
    received_until=None,
):
    """Keep a contact, a case (and its contacts) or the contacts received in a date range past
    their retention schedule, until a supervisor releases the hold."""
    from lantern.cases.models import LegalHold

    if not rules.allows(actor, "place_legal_hold"):
        raise PermissionDenied("Only a supervisor places a legal hold.")
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "say why the records are kept (never personal data)"
    if sum(x is not None for x in (contact, case, received_from)) != 1:
        errors["target"] = "hold one contact, one case, or one range of dates"
    if received_from is not None and (received_until is None or received_until < received_from):
        errors["received_until"] = "the range ends on or after it starts"
    if review_on is None or review_on < timezone.localdate():
        errors["review_on"] = "a review date from today on"
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            contact=contact, case=case, received_from=received_from,
            received_until=received_until, reason=reason[:500], review_on=review_on,
            placed_by=actor,
        )  # fmt: skip
        audit.record(actor, Audit.CREATE, hold, changes={"review_on": str(review_on)},
                     reason=reason[:500])  # fmt: skip
    return hold


def do_release_hold(hold, *, actor, reason: str = ""):
    """The records go back under the retention schedule."""
    if not rules.allows(actor, "place_legal_hold"):
        raise PermissionDenied("Only a supervisor releases a legal hold.")
    with transaction.atomic():
        released = (
            type(hold)
            .objects.filter(pk=hold.pk, released_at__isnull=True)
            .update(released_by=actor, released_at=timezone.now())
        )
        if released:
            audit.record(actor, Audit.UPDATE, hold, changes={"released": True},
                         reason=(reason or "").strip()[:500])  # fmt: skip
    hold.refresh_from_db()
    return hold


def do_shred_cases(cases) -> int:
    """Remove the narrative of these cases (the summary and every note); the de-identified case
    stays for statistics. Returns how many were shredded now (retention; it audits counts)."""
    from lantern.cases.models import Case, CaseNote

    with transaction.atomic():
        ids = list(Case.objects.filter(pk__in=cases, shredded_at__isnull=True).values_list(
            "pk", flat=True))  # fmt: skip
        CaseNote.objects.filter(case_id__in=ids).update(body=None)
        return Case.objects.filter(pk__in=ids).update(summary=None, shredded_at=timezone.now())
