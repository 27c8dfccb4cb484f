"""A person's request about the records that concern them (issue 22 part 5): shredding them, or
giving them a copy.

A supervisor finds the contacts reached from the person's phone number or email address
(``contacts.queries.person_records``) and shreds those they choose, on the person's request:
the caller's name, phone, email and summary, the conversation's messages and address, and the
attachments, with their blind indexes, so the person is no longer recognised as a repeat
caller. The de-identified contact stays for statistics. A contact a legal hold keeps, or whose
conversation is still open (an advocate may be talking with the person), is left as it is and
reported. Cases linked to the contacts are not changed: a case can concern several people, so the
supervisor reviews it. Audited per contact, with the reason, never the content.

A copy goes through two supervisors: one prepares it from the contacts they chose, another reads
it and approves or declines it (never the one who prepared it), then one of them releases it, once,
within ``EXPORT_VALID_DAYS`` of the approval, as a ZIP of a PDF and JSON (``person_bundle``). The
bundle is built from the records each time; the release is refused if it is not what the approver
saw (a message added, a contact shredded or held since), and the export must be prepared again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases import person_bundle
from lantern.cases.choices import PersonExportStateChoices as ExportState
from lantern.cases.models import PersonExport
from lantern.cases.queries import exclude_held
from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.models import Attachment, Contact, Conversation
from lantern.core import erase
from lantern.core.errors import InvalidInput

EXPORT_VALID_DAYS = 14


@dataclass
class Shredded:
    contacts: int = 0
    held: list = field(default_factory=list)  # contacts a legal hold keeps
    still_open: list = field(default_factory=list)  # contacts whose conversation is open


def do_shred_for_person(actor, contact_ids, *, phone: str = "", email: str = "",
                        reason: str) -> Shredded:  # fmt: skip
    """Shred the chosen contacts among those that concern this phone number or email address
    (the lookup runs again here: an id that does not concern the person is refused)."""
    rules.require(actor, "shred_on_request")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "say why: the person's request and its date"})
    chosen = _chosen(contact_ids, phone, email, "shred")
    ids = [c.pk for c in chosen]
    result = Shredded()
    with transaction.atomic():
        free = set(exclude_held(Contact.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        open_ = set(
            Conversation.objects.filter(contact_id__in=ids, state="open").values_list(
                "contact_id", flat=True
            )
        )
        result.held = [c for c in chosen if c.pk not in free]
        result.still_open = [c for c in chosen if c.pk in free and c.pk in open_]
        shred = [c for c in chosen if c.pk in free and c.pk not in open_]
        shred_ids = [c.pk for c in shred]
        contacts.do_delete_attachments(
            Attachment.objects.filter(message__conversation__contact_id__in=shred_ids).values_list(
                "pk", flat=True
            )
        )
        contacts.do_shred_conversations(
            Conversation.objects.filter(contact_id__in=shred_ids).values_list("pk", flat=True)
        )
        result.contacts = contacts.do_shred_contacts(shred_ids)
        if shred:
            changes = {"shredded": "on the person's request"}
            audit.record_many(actor, Audit.DELETE, shred, changes=changes, reason=reason)
    erase.forget_deleted()
    return result


def _chosen(contact_ids, phone: str, email: str, verb: str) -> list:
    """The chosen contacts, each checked to concern this phone number or email address (the
    lookup runs again: an id that does not concern the person is refused)."""
    wanted = {str(i) for i in contact_ids}
    if not wanted:
        raise InvalidInput({"contact": f"choose the contacts to {verb}"})
    concern = contact_queries.contacts_about(phone, email).filter(shredded_at__isnull=True)
    chosen = [c for c in concern if str(c.pk) in wanted]
    if len(chosen) != len(wanted):
        raise InvalidInput({"contact": "a chosen contact does not concern this person, or is "
                                       "shredded already"})  # fmt: skip
    return chosen


def do_prepare_export(actor, contact_ids, *, phone: str = "", email: str = "", reason: str,
                      language: str = "en") -> PersonExport:  # fmt: skip
    """Prepare a copy of the chosen contacts for the person, for another supervisor to approve."""
    rules.require(actor, "find_person_records")
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "say why: the person's request and its date"
    if language not in dict(settings.LANGUAGES):
        errors["language"] = "choose one of the hotline's public languages"
    if errors:
        raise InvalidInput(errors)
    chosen = _chosen(contact_ids, phone, email, "export")
    export = PersonExport.objects.create(
        contact_ids=[str(c.pk) for c in chosen], language=language, reason=reason[:300],
        requested_by=actor,
    )  # fmt: skip
    audit.record(actor, Audit.CREATE, export, changes={"contacts": len(chosen)}, reason=reason)
    return export


def do_decide_export(export: PersonExport, *, actor, approve: bool, note: str = "") -> PersonExport:
    """Another supervisor approves the copy they read (its digest is recorded) or declines it."""
    rules.require(actor, "approve_person_export")
    note = (note or "").strip()
    with transaction.atomic():
        export = PersonExport.objects.select_for_update().get(pk=export.pk)
        errors = {}
        if export.state != ExportState.PENDING:
            errors["state"] = f"this export is {export.get_state_display()}"
        elif export.requested_by_id == actor.pk:
            errors["approver"] = "the supervisor who prepared an export cannot approve it"
        elif not approve and not note:
            errors["note"] = "say why it is declined"
        if errors:
            raise InvalidInput(errors)
        export.decided_by, export.decided_at = actor, timezone.now()
        export.decision_note = note[:300]
        if approve:
            content = person_bundle.build(export.contact_ids, language=export.language)
            if not content["contacts"]:
                raise InvalidInput({"state": "nothing to release: every chosen contact is held "
                                             "or shredded"})  # fmt: skip
            export.state = ExportState.APPROVED
            export.digest = person_bundle.digest(content)
        else:
            export.state = ExportState.DECLINED
        export.save()
        audit.record(actor, Audit.UPDATE, export, changes={"state": export.state},
                     reason=note)  # fmt: skip
    return export


def read_export(export: PersonExport, *, actor) -> dict | None:
    """The copy as it would be released now, for the approver to read (audited as a reading of
    personal data); None once it is declined or released."""
    rules.require(actor, "find_person_records")
    if export.state not in (ExportState.PENDING, ExportState.APPROVED):
        return None
    content = person_bundle.build(export.contact_ids, language=export.language)
    audit.record(actor, Audit.READ_PII, export, changes={"contacts": len(content["contacts"])})
    return content


def export_expires_at(export: PersonExport):
    return export.decided_at + timedelta(days=EXPORT_VALID_DAYS) if export.decided_at else None


def do_release_export(export: PersonExport, *, actor) -> bytes:
    """The approved copy as a ZIP, once: refused if expired, or if the records changed since the
    approver read them."""
    rules.require(actor, "find_person_records")
    with transaction.atomic():
        export = PersonExport.objects.select_for_update().get(pk=export.pk)
        if actor.pk not in (export.requested_by_id, export.decided_by_id):
            raise InvalidInput({"actor": "only the supervisors who prepared or approved this "
                                         "export can release it"})  # fmt: skip
        if export.state != ExportState.APPROVED:
            raise InvalidInput({"state": f"this export is {export.get_state_display()}"})
        if timezone.now() > export_expires_at(export):
            raise InvalidInput({"state": "the approval has expired: prepare the export again"})
        content = person_bundle.build(export.contact_ids, language=export.language, with_files=True)
        if person_bundle.digest(content) != export.digest:
            raise InvalidInput({"state": "the records changed since the approval: prepare the "
                                        "export again"})  # fmt: skip
        bundle = person_bundle.zip_bundle(
            content, reference=export.short_id, language=export.language, digest_value=export.digest
        )
        export.state, export.released_by, export.released_at = (
            ExportState.RELEASED, actor, timezone.now(),
        )  # fmt: skip
        export.save(update_fields=["state", "released_by", "released_at"])
        changes = {"digest": export.digest, "contacts": len(content["contacts"])}
        audit.record(actor, Audit.EXPORT, export, changes=changes)
    return bundle
