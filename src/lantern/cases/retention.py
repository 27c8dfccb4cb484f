"""Applying the retention schedule (``lantern apply_retention``; issue 22).

For each kind the schedule names (``privacy.retention``), the records past their period are
found, minus those a legal hold keeps (``cases.queries.exclude_held``, applied again in the very
statement that shreds, so a hold placed during a run wins), then shredded or deleted in batches.
Each batch is its own transaction and skips what is already done, so a run killed half-way
resumes without doing anything twice and leaves no record half-shredded. The audit log gets one
entry per kind with the count, never the content. On SQLite, ``secure_delete`` (always on)
overwrites the freed bytes, and the write-ahead log is checkpointed and truncated at the end.

Kinds: ``contact_personal`` (name, phone, email, summary and their blind indexes),
``messages`` and ``tip_threads`` (message bodies and the participant of closed conversations),
``attachments`` (deleted), ``case_narrative`` (a case's summary and notes, once the case is
closed), ``agency_links`` (deleted once expired or revoked).

Then the keys of every month that ended and has nothing left under it are destroyed
(``privacy.periods``): older database backups lose those months too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases import actions as case_actions
from lantern.cases.models import AgencyLink, Case
from lantern.cases.queries import exclude_held, exclude_held_cases
from lantern.contacts import actions as contacts
from lantern.contacts.choices import (
    ContactChannelChoices,
    ContactStatusChoices,
    ConversationStateChoices,
)
from lantern.contacts.models import Attachment, Contact, Conversation
from lantern.core import erase
from lantern.privacy import periods, retention

BATCH = 500
ACTOR = "retention"


@dataclass
class Step:
    kind: str
    rule: retention.Rule
    due: Callable[[datetime], object]  # now -> queryset of records due
    apply: Callable[[object], int]  # queryset -> records shredded or deleted


def _contacts_due(rule, now):
    cutoff = now - rule.keep
    qs = Contact.objects.filter(shredded_at__isnull=True)
    if rule.after == "received":
        qs = qs.filter(received_at__lt=cutoff)
    elif rule.after == "closed":  # logged, or never logged and its conversation over; unchanged
        never_logged = Q(status=ContactStatusChoices.OPEN) & ~Q(
            conversation__state=ConversationStateChoices.OPEN
        )  # a text nobody logged, a call left before an answer: they would stay for ever
        qs = qs.filter(Q(status=ContactStatusChoices.LOGGED) | never_logged, updated_at__lt=cutoff)
    else:
        qs = qs.filter(conversation__last_message_at__lt=cutoff)
    return exclude_held(qs)


def _conversations_due(rule, now, *, tips: bool):
    cutoff = now - rule.keep
    field = {"received": "opened_at", "closed": "closed_at", "last_message": "last_message_at"}
    qs = Conversation.objects.filter(
        shredded_at__isnull=True, closed_at__isnull=False, **{f"{field[rule.after]}__lt": cutoff}
    )
    tip_channels = [ContactChannelChoices.WEBFORM]
    qs = qs.filter(channel__in=tip_channels) if tips else qs.exclude(channel__in=tip_channels)
    return exclude_held(qs, "contact_id")


def _attachments_due(rule, now):
    cutoff = now - rule.keep
    field = {"received": "message__created_at", "closed": "message__conversation__closed_at",
             "last_message": "message__conversation__last_message_at"}[rule.after]  # fmt: skip
    qs = Attachment.objects.filter(**{f"{field}__lt": cutoff})
    return exclude_held(qs, "message__conversation__contact_id")


def _cases_due(rule, now):
    cutoff = now - rule.keep
    qs = Case.objects.filter(shredded_at__isnull=True, merged_into__isnull=True)
    if rule.after == "received":
        qs = qs.filter(created_at__lt=cutoff)
    else:  # closed, and not changed since
        qs = qs.filter(status="closed", updated_at__lt=cutoff)
    return exclude_held_cases(qs)


def _links_due(rule, now):
    cutoff = now - rule.keep
    if rule.after == "received":
        qs = AgencyLink.objects.filter(created_at__lt=cutoff)
    else:  # closed: expired or revoked
        qs = AgencyLink.objects.filter(expires_at__lt=cutoff) | AgencyLink.objects.filter(
            revoked_at__lt=cutoff
        )
    from lantern.cases.models import LegalHold

    held_cases = LegalHold.objects.filter(released_at__isnull=True, case__isnull=False)
    return qs.exclude(report__case__in=held_cases.values("case"))


def _delete(qs) -> int:
    return qs.model.objects.filter(pk__in=qs).delete()[1].get(qs.model._meta.label, 0)


def steps() -> list[Step]:
    schedule = retention.schedule()
    table = {
        "contact_personal": (_contacts_due, contacts.do_shred_contacts),
        "messages": (lambda r, n: _conversations_due(r, n, tips=False),
                     contacts.do_shred_conversations),
        "tip_threads": (lambda r, n: _conversations_due(r, n, tips=True),
                        contacts.do_shred_conversations),
        "attachments": (_attachments_due, contacts.do_delete_attachments),
        "case_narrative": (_cases_due, case_actions.do_shred_cases),
        "agency_links": (_links_due, _delete),
    }  # fmt: skip
    out = []
    for kind, (due, apply) in table.items():
        rule = schedule.get(kind)
        if rule is not None:
            out.append(Step(kind, rule, lambda now, d=due, r=rule: d(r, now), apply))
    return out


def plan(now: datetime | None = None) -> dict[str, int]:
    """What a run would shred or delete now, by kind (nothing is changed). ``month_keys`` counts
    the months whose keys would be destroyed as things stand (a run shreds first, so it may
    destroy more)."""
    now = now or timezone.now()
    counts = {step.kind: step.due(now).count() for step in steps()}
    return {**counts, "month_keys": len(periods.due(now))}


def run(
    now: datetime | None = None, *, say: Callable[[str], None] = lambda line: None, actor=ACTOR
) -> dict:
    """Shred or delete what is due, in batches; returns the counts by kind. ``actor``: who the
    audit log names (the nightly job, or the administrator who pressed the button)."""
    now = now or timezone.now()
    done = {}
    for step in steps():
        total = 0
        while True:
            with transaction.atomic():
                batch = list(step.due(now).values_list("pk", flat=True)[:BATCH])
                if not batch:
                    break
                # the hold check again, in the statement itself: a hold placed meanwhile wins
                n = step.apply(step.due(now).filter(pk__in=batch))
            total += n
            if n == 0:
                break
        done[step.kind] = total
        if total:
            audit.record(
                actor, Audit.DELETE, object_type="privacy.retention", object_id=step.kind,
                changes={"count": total, "then": step.rule.then, **step.rule.describe()},
            )  # fmt: skip
        say(f"{step.kind}: {total} {'shredded' if step.rule.then == 'shred' else 'deleted'}")
    done["month_keys"] = len(_destroy_month_keys(now, say, actor))
    erase.forget_deleted()  # freed pages are zeroed (secure_delete); the log is emptied too
    return done


def _destroy_month_keys(now: datetime, say, actor) -> list[str]:
    if cleared := periods.clear_destroyed():  # a database restored from before a destruction
        audit.record(actor, Audit.DELETE, object_type="privacy.key", object_id="unreadable",
                     changes={"values_removed": cleared})  # fmt: skip
    months = periods.due(now)
    if months:
        ids = periods.destroy(months, now)
        audit.record(
            actor, Audit.DELETE, object_type="privacy.key", object_id=f"{months[0]}..{months[-1]}",
            changes={"months": months, "keys": len(ids)},
        )  # fmt: skip
    say(f"month keys destroyed: {', '.join(months) or 'none'}")
    return months
