"""911 or the police called during a contact: who was called, when, and by whom.

Kept beside ``contacts.actions`` (past 600 lines) because it is one responsibility: recording,
on the contact, that an emergency call was made while the person was with the hotline. Each
record is audited, counted in the operations dashboard, and shown on the contact's page.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts.choices import PoliceCallByChoices, PoliceCallToChoices
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import Contact, PoliceCall

# A clock a few minutes off, or a call placed just before the contact was logged as received,
# is not an error.
TOLERANCE = timedelta(minutes=15)


def do_record_police_call(
    contact: Contact, *, actor, called: str, called_by: str, called_at: datetime
) -> PoliceCall:
    """Record that 911 or the police was called during ``contact``."""
    if not (
        rules.allows(actor, "record_police_call")
        and rules.allows_object(actor, "view_contact", contact)
    ):
        audit.record(actor, Audit.REFUSED, contact, reason="record a police call")
        raise ContactValidationError({"contact": _("You may not record a call on this contact.")})
    errors = {}
    if called not in PoliceCallToChoices.values:
        errors["called"] = _("Choose who was called.")
    if called_by not in PoliceCallByChoices.values:
        errors["called_by"] = _("Choose who made the call.")
    now = timezone.now()
    if called_at is None:
        errors["called_at"] = _("Say when the call was made.")
    elif called_at > now + TOLERANCE:
        errors["called_at"] = _("The call cannot be in the future.")
    elif called_at < contact.received_at - TOLERANCE:
        errors["called_at"] = _("The call was made during the contact: not before it began.")
    if errors:
        raise ContactValidationError(errors)
    with transaction.atomic():
        call = PoliceCall.objects.create(
            contact=contact, called=called, called_by=called_by, called_at=called_at,
            recorded_by=actor,
        )  # fmt: skip
        audit.record(
            actor, Audit.CREATE, call,
            changes={"contact": str(contact.pk), "called": called, "called_by": called_by},
        )  # fmt: skip
    return call
