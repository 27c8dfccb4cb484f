"""Dismissing a flood of fake contacts as spam, and undoing it (issue 16).

A supervisor picks a burst (the open web tips and chats of a time window, or some of them) and
dismisses it in one step: the contacts are marked as one spam batch (``contacts.spam``), leave
the inbox and the queues (their routing tasks become ``dismissed``, pending offers are
withdrawn), and their chats close. Statistics count them apart. Restoring the batch puts them
back where they were: their tasks wait again and are offered as usual. Both steps are audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import actions as contacts
from lantern.contacts import spam as contact_spam
from lantern.contacts.models import Conversation
from lantern.routing import live
from lantern.routing.choices import OPEN_TASK_STATES, OfferStateChoices, TaskStateChoices
from lantern.routing.models import Offer, Task


def do_dismiss_spam(contact_ids, *, actor, reason: str = ""):
    """Dismiss the open contacts among ``contact_ids`` as one spam batch; returns the batch."""
    with transaction.atomic():
        batch, dismissed = contact_spam.do_mark_spam(contact_ids, actor=actor, reason=reason)
        tasks = Task.objects.filter(contact__in=dismissed, state__in=OPEN_TASK_STATES)
        Offer.objects.filter(task__in=tasks, state=OfferStateChoices.PENDING).update(
            state=OfferStateChoices.WITHDRAWN, answered_at=timezone.now()
        )
        moved = tasks.update(state=TaskStateChoices.DISMISSED)
        for conversation in Conversation.objects.filter(contact__in=dismissed, state="open"):
            contacts.do_close_conversation(conversation, actor=actor, reason="dismissed as spam")
        audit.record(actor, Audit.UPDATE, batch, changes={"tasks_dismissed": moved})
        live.changed()
    return batch


def do_restore_spam(batch, *, actor):
    """Undo a dismissal: the contacts return to the inbox and their tasks wait again."""
    with transaction.atomic():
        restored = contact_spam.do_unmark_spam(batch, actor=actor)
        moved = Task.objects.filter(contact__in=restored, state=TaskStateChoices.DISMISSED).update(
            state=TaskStateChoices.WAITING
        )
        audit.record(actor, Audit.UPDATE, batch, changes={"tasks_waiting_again": moved})
        live.changed()
    return batch
