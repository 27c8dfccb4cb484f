"""A person's request about the records that concern them (issue 22 part 5): shredding them.

A supervisor finds the contacts reached from the person's phone number or email address
(``contacts.queries.person_records``) and shreds those they choose, on the person's request:
the caller's name, phone, email and summary, the conversation's messages and address, and the
attachments, with their blind indexes, so the person is no longer recognised as a repeat
caller. The de-identified contact stays for statistics. A contact a legal hold keeps, or whose
conversation is still open (an advocate may be talking with the person), is left as it is and
reported. Cases linked to the contacts are not changed: a case can concern several people, so the
supervisor reviews it. Audited per contact, with the reason, never the content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.queries import exclude_held
from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.models import Attachment, Contact, Conversation
from lantern.core import erase
from lantern.core.errors import InvalidInput


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
    wanted = {str(i) for i in contact_ids}
    if not wanted:
        raise InvalidInput({"contact": "choose the contacts to shred"})
    concern = contact_queries.contacts_about(phone, email).filter(shredded_at__isnull=True)
    chosen = [c for c in concern if str(c.pk) in wanted]
    if len(chosen) != len(wanted):
        raise InvalidInput({"contact": "a chosen contact does not concern this person, or is "
                                       "shredded already"})  # fmt: skip
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
