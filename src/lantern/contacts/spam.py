"""Spam batches: contacts a supervisor dismissed together as fake (a flood of tips or chats).

A dismissed contact keeps everything it had; it carries its batch (``Contact.spam_batch``), so
the inbox, routing and statistics leave it out, and restoring the batch clears the mark. The
routing side (tasks, offers, chats) is ``routing.spam``, which calls these.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts.choices import ContactStatusChoices
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import Contact, SpamBatch

MAX_BATCH = 5_000


def do_mark_spam(contact_ids, *, actor, reason: str = "") -> tuple[SpamBatch, list[Contact]]:
    """Mark the open, not yet dismissed contacts among ``contact_ids`` as one batch."""
    ids = list(dict.fromkeys(contact_ids))[: MAX_BATCH + 1]
    if not ids:
        raise ContactValidationError({"contacts": "choose the contacts to dismiss"})
    if len(ids) > MAX_BATCH:
        raise ContactValidationError({"contacts": f"at most {MAX_BATCH} contacts at a time"})
    with transaction.atomic():
        # locked on their own (PostgreSQL locks no outer join), their chats read after
        chosen = list(
            Contact.objects.select_for_update()
            .filter(pk__in=ids, status=ContactStatusChoices.OPEN, spam_batch__isnull=True)
            .order_by("received_at", "id")
        )
        if not chosen:
            raise ContactValidationError(
                {"contacts": "none of them is open and waiting: nothing was dismissed"}
            )
        batch = SpamBatch.objects.create(
            reason=(reason or "").strip()[:200], dismissed_by=actor, size=len(chosen)
        )
        Contact.objects.filter(pk__in=[c.pk for c in chosen]).update(spam_batch=batch)
        audit.record(actor, Audit.CREATE, batch, changes={"contacts": len(chosen)})
        audit.record_many(actor, Audit.UPDATE, chosen, changes={"spam_batch": str(batch.pk)})
    return batch, chosen


def do_unmark_spam(batch: SpamBatch, *, actor) -> list[Contact]:
    """Restore a batch: its contacts count and wait again."""
    with transaction.atomic():
        fresh = SpamBatch.objects.select_for_update().get(pk=batch.pk)
        if fresh.restored_at:
            raise ContactValidationError({"batch": "this batch was restored already"})
        contacts = list(Contact.objects.filter(spam_batch=fresh))
        Contact.objects.filter(spam_batch=fresh).update(spam_batch=None)
        fresh.restored_at, fresh.restored_by = timezone.now(), actor
        fresh.save(update_fields=["restored_at", "restored_by"])
        audit.record_many(actor, Audit.UPDATE, contacts, changes={"spam_batch": None})
    batch.restored_at, batch.restored_by = fresh.restored_at, actor
    return contacts
