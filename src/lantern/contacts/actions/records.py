"""Contacts as records: logging and editing one (validated, audited, visibility re-checked),
the repeat-caller lookup, and who handles a contact."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.accounts.choices import UserRoleChoices
from lantern.accounts.models import User
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import queries
from lantern.contacts.choices import (
    NON_DATA_CALL_TYPES,
    ContactCallTypeChoices,
    ContactStatusChoices,
)
from lantern.contacts.definitions import active_form
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import (
    Contact,
    ContactCallType,
)
from lantern.contacts.validation import clean_contact
from lantern.privacy import crypto
from lantern.privacy.fields import reveal

PERSONAL_FIELDS = ("caller_name", "caller_phone", "caller_email", "summary")
MAX_MESSAGE = 1600  # Twilio's limit for one SMS body; chat and email replies share it
GUESS_LANGUAGE_FROM = 3  # a person's first texts; later ones would only cost the detector's time
HANDLER_ROLES = (UserRoleChoices.ADVOCATE, UserRoleChoices.CASE_ANALYST, UserRoleChoices.SUPERVISOR)


def _resolve_handler(value, actor) -> User | None:
    if value is None:
        return actor
    if isinstance(value, User):
        return value
    user = User.objects.filter(username=value, is_active=True, role__in=HANDLER_ROLES).first()
    if user is None:
        raise ContactValidationError({"handled_by": f"no active advocate named {value!r}"})
    return user


def _apply(contact: Contact, values: dict) -> None:
    """Set cleaned values on the contact, keeping blind indexes and derived flags in step."""
    for field, value in values.items():
        if field in ("call_types", "handled_by"):
            continue
        model_field = Contact._meta.get_field(field)
        if value is None and not model_field.null:
            value = model_field.get_default()  # a cleared optional field goes back to its default
        setattr(contact, field, value)
        if field == "caller_phone":
            contact.caller_phone_index = crypto.blind_index("phone", value) if value else ""
        elif field == "caller_email":
            contact.caller_email_index = crypto.blind_index("email", value) if value else ""


def _derive_flags(contact: Contact, call_types: list[str]) -> None:
    contact.substantive = not any(t in NON_DATA_CALL_TYPES for t in call_types)
    if ContactCallTypeChoices.CRISIS in call_types:
        contact.urgent = True
    if ContactCallTypeChoices.AT_RISK not in call_types:
        contact.at_risk = []  # the categories describe an at-risk contact only


def _set_call_types(contact: Contact, call_types: list[str], *, replace: bool) -> None:
    if replace:
        contact.call_types.all().delete()
    ContactCallType.objects.bulk_create(
        ContactCallType(contact=contact, call_type=value, position=i)
        for i, value in enumerate(call_types)
    )


def _ensure_visible(actor, contact: Contact) -> None:
    """House rule: an actor never writes a record they could not open afterwards."""
    if actor is not None and not rules.allows_object(actor, "view_contact", contact):
        raise PermissionDenied("the permission rules would hide this contact from you")


def _audit_changes(values: dict, before: dict | None = None) -> dict:
    """Field names and non-personal values; personal fields only say that they changed."""
    changes = {}
    for field, value in values.items():
        if field in PERSONAL_FIELDS:
            changes[field] = "changed" if before is not None else ("set" if value else "empty")
            continue
        if isinstance(value, User):
            value = value.username
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        changes[field] = [before[field], value] if before is not None else value
    return changes


def do_create_contact(data: dict, *, actor, recorded_at=None) -> Contact:
    """Record a contact from API-shaped ``data`` (see ``validation``). ``actor`` None = system.

    ``recorded_at`` is for imports of historical contacts: when the contact was first logged.
    """
    rules.require(actor, "create_contact", system=True)  # None: intake, imports
    form = active_form()
    values = clean_contact(data, form)
    now = timezone.now()
    contact = Contact(
        form_version=form,
        received_at=values.pop("received_at", None) or now,
        created_at=recorded_at or now,
    )
    handler = _resolve_handler(values.get("handled_by"), actor)
    _apply(contact, values)
    contact.handled_by = handler
    contact.created_by = actor
    _derive_flags(contact, values["call_types"])
    with transaction.atomic():
        contact.save(force_insert=True)
        _set_call_types(contact, values["call_types"], replace=False)
        audit.record(
            actor,
            Audit.CREATE,
            contact,
            changes=_audit_changes({**values, "handled_by": handler, "urgent": contact.urgent}),
        )
        _ensure_visible(actor, contact)
    return contact


def do_update_contact(contact: Contact, data: dict, *, actor) -> Contact:
    """Apply a partial update (PATCH semantics) to ``contact``."""
    rules.require(actor, "edit_contact", contact, system=True)  # None: intake, imports
    values = clean_contact(data, contact.form_version, partial=True)
    ended, received = (
        values.get("ended_at", contact.ended_at),
        values.get("received_at", contact.received_at),
    )
    if ended and received and ended < received:
        raise ContactValidationError({"ended_at": "is before received_at"})
    if "handled_by" in values:
        values["handled_by"] = _resolve_handler(values["handled_by"], actor)
    before = {}
    for field in values:
        if field == "call_types":
            before[field] = contact.call_type_values
        elif field in PERSONAL_FIELDS:
            before[field] = reveal(getattr(contact, field))
        else:
            before[field] = getattr(contact, field)
    changed = {f: v for f, v in values.items() if before[f] != v}
    if not changed:
        return contact
    call_types = changed.get("call_types", before.get("call_types") or contact.call_type_values)
    if changed.get("at_risk") and ContactCallTypeChoices.AT_RISK not in call_types:
        raise ContactValidationError(
            {"at_risk": "only a contact with the 'at_risk' call type records at-risk categories"}
        )
    with transaction.atomic():
        _apply(contact, changed)
        if "handled_by" in changed:
            contact.handled_by = changed["handled_by"]
        _derive_flags(contact, call_types)
        audited = dict(changed)
        if contact.status == ContactStatusChoices.OPEN and call_types:
            # an advocate logs a contact that arrived through a channel
            contact.status = audited["status"] = ContactStatusChoices.LOGGED
            if contact.handled_by is None and actor is not None:
                contact.handled_by = audited["handled_by"] = actor
        contact.save()
        if "call_types" in changed:
            _set_call_types(contact, call_types, replace=True)
        audit_before = {
            f: (
                v.username
                if isinstance(v, User)
                else v.isoformat()
                if hasattr(v, "isoformat")
                else v
            )
            for f, v in before.items()
        }
        if "status" in audited:
            audit_before["status"] = ContactStatusChoices.OPEN.value
            audit_before.setdefault("handled_by", None)
        audit.record(actor, Audit.UPDATE, contact, changes=_audit_changes(audited, audit_before))
        _ensure_visible(actor, contact)
    return contact


def do_repeat_lookup(user, *, phone: str = "", email: str = "", exclude_id=None):
    """The repeat-contact check as an advocate types a phone or email.

    A match tells the asker that this person has called before, so every lookup that finds one
    is audited (without the phone or email: the audit trail holds no personal data). Lookups
    that find nothing are not, or each keystroke would write an event.
    """
    if not rules.allows(user, "create_contact"):
        raise PermissionDenied("create_contact")
    repeat = queries.repeat_contacts_for_input(phone=phone, email=email, exclude_id=exclude_id)
    if repeat.count:
        audit.record(
            user, Audit.LOOKUP, object_type="contacts.contact", changes={"matches": repeat.count}
        )
    return repeat


INTAKE = "intake"  # the audit actor for what arrives through a channel


def do_take_contact(contact: Contact, *, actor) -> Contact:
    """An advocate answers a waiting contact: it becomes theirs to handle and log.

    Only an open contact nobody handles yet can be taken; two advocates racing for it meet the
    conditional update, and the second is told someone else has it.
    """
    rules.require(actor, "take_contact", contact, system=True)  # None: intake, imports
    with transaction.atomic():
        taken = Contact.objects.filter(
            pk=contact.pk, status=ContactStatusChoices.OPEN, handled_by__isnull=True
        ).update(handled_by=actor, updated_at=timezone.now())
        if not taken:
            raise ContactValidationError({"handled_by": "someone else has taken this contact"})
        contact.refresh_from_db()
        audit.record(actor, Audit.UPDATE, contact, changes={"handled_by": actor.username})
    return contact


def do_release_contact(contact: Contact, *, reason: str) -> Contact:
    """A contact taken for a call that could not be connected goes back to nobody, so the next
    advocate can take it. Only while it is still open."""
    with transaction.atomic():
        released = Contact.objects.filter(
            pk=contact.pk, status=ContactStatusChoices.OPEN, handled_by__isnull=False
        ).update(handled_by=None, updated_at=timezone.now())
        if released:
            contact.handled_by = None
            audit.record(INTAKE, Audit.UPDATE, contact, changes={"handled_by": None}, reason=reason)
    return contact


def do_shred_contacts(contact_ids) -> int:
    """Remove the personal fields of these contacts (name, phone, email, summary) and their blind
    indexes, so the caller is no longer recognised as a repeat caller; the de-identified contact
    stays for statistics. Returns how many were shredded now (already-shredded ones are skipped,
    so a run killed half-way resumes without doing anything twice). The caller audits counts."""
    return Contact.objects.filter(pk__in=contact_ids, shredded_at__isnull=True).update(
        caller_name=None,
        caller_phone=None,
        caller_email=None,
        summary=None,
        caller_phone_index="",
        caller_email_index="",
        shredded_at=timezone.now(),
    )
