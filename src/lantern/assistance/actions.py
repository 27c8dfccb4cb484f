"""Changes to T&TA requests: each one atomic and audited in the same transaction.

The audit rows name the request and what changed (status, owner, topic, kind of deliverable,
hours), never the requester's details or free text. A refusal changes nothing and raises
``AssistanceError`` (per field) or ``PermissionDenied``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.accounts import rules
from lantern.assistance import deadlines
from lantern.assistance.choices import (
    STATUS_MOVES,
    AssistanceDeliverableKindChoices,
    AssistanceRequestOrganizationTypeChoices,
    AssistanceRequestSourceChoices,
    AssistanceRequestStatusChoices,
)
from lantern.assistance.exceptions import AssistanceError, DuplicateRequest
from lantern.assistance.models import AssistanceDeliverable, AssistanceRequest, AssistanceTopic
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.core.geo import USStateChoices
from lantern.core.phone import normalize_phone

Status = AssistanceRequestStatusChoices
MAX_TEXT = 10_000
MAX_SHORT = 200
MAX_HOURS = Decimal("1000")
# the furthest ahead a requester's deadline may be: further is a typo (2062 for 2026)
MAX_DEADLINE_DAYS = 3 * 365


def _text(data: dict, name: str, limit: int, errors: dict, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = _("must be text")
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("at most %(n)d characters") % {"n": limit}
    return value


def _topic(value, errors: dict) -> AssistanceTopic | None:
    if isinstance(value, AssistanceTopic):
        return value
    topic = (
        AssistanceTopic.objects.filter(key=value, active=True).first()
        if isinstance(value, str) and value
        else None
    )
    if topic is None:
        errors["topic"] = _("Choose one of the topics.")
    return topic


def _deadline(value, today: date, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors["deadline"] = _("Enter a date (YYYY-MM-DD).")
            return None
    if not isinstance(value, date):
        errors["deadline"] = _("Enter a date (YYYY-MM-DD).")
        return None
    if value < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    elif value > today + timedelta(days=MAX_DEADLINE_DAYS):
        errors["deadline"] = _("The deadline is too far ahead; check the year.")
    return value


def _requester(data: dict, errors: dict) -> dict:
    """The requester's details, checked: a name and a way to answer (email or phone)."""
    fields = {
        "requester_name": _text(data, "requester_name", MAX_SHORT, errors, required=True),
        "organization": _text(data, "organization", MAX_SHORT, errors),
        "email": _text(data, "email", 254, errors),
        "phone": _text(data, "phone", 40, errors),
    }
    if fields["email"] and "email" not in errors:
        try:
            validate_email(fields["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    if fields["phone"] and "phone" not in errors:
        try:
            fields["phone"] = normalize_phone(fields["phone"])
        except ValueError:
            errors["phone"] = _("Enter a phone number we can call, with its area code.")
    if not fields["email"] and not fields["phone"] and not {"email", "phone"} & set(errors):
        errors["email"] = _("Give an email address or a phone number so we can answer you.")
    return fields


def _clean_request(data: dict, today: date, errors: dict) -> dict:
    cleaned = _requester(data, errors)
    kind = data.get("organization_type")
    if kind not in AssistanceRequestOrganizationTypeChoices.values:
        errors["organization_type"] = _("Choose the kind of organization.")
    state = data.get("state") or ""
    if state not in ("", *USStateChoices.values):
        errors["state"] = _("Choose a state or territory from the list.")
    urgent = data.get("urgent", False)
    if not isinstance(urgent, bool):
        errors["urgent"] = _("Say whether the request is urgent (true or false).")
    language = data.get("language") or "en"
    if not isinstance(language, str) or len(language) > 35:
        language = "en"
    cleaned.update(
        organization_type=kind,
        state=state,
        topic=_topic(data.get("topic"), errors),
        description=_text(data, "description", MAX_TEXT, errors, required=True),
        deadline=_deadline(data.get("deadline"), today, errors),
        urgent=urgent is True,
        language=language,
    )
    return cleaned


def _refuse(actor, errors: dict, request: AssistanceRequest | None = None) -> AssistanceError:
    """Audit a refused change (which fields were wrong, never what was typed) and return the
    error to raise."""
    audit.record(
        actor,
        Audit.REFUSED,
        object_type="assistance.assistancerequest",
        object_id=str(request.pk) if request is not None else "",
        changes={"fields": sorted(errors)},
    )
    return AssistanceError(errors)


def _summary(request: AssistanceRequest) -> dict:
    """What the audit log may say about a request: no personal data."""
    return {
        "source": request.source,
        "topic": request.topic.key,
        "organization_type": request.organization_type,
        "state": request.state,
        "urgent": request.urgent,
        "status": request.status,
        "due_on": request.due_on.isoformat(),
        "contact": str(request.contact_id) if request.contact_id else "",
    }


def do_create_assistance_request(
    data: dict, *, actor, source: str, contact=None, received_at=None, submission_key: str = ""
) -> AssistanceRequest:
    """File a request. ``actor`` is ``"public"`` for the public form, else a staff user allowed
    ``create_assistance_request`` (and, for a request from a contact, to view that contact).
    A ``submission_key`` filed already raises ``DuplicateRequest`` and files nothing."""
    staff = not isinstance(actor, str) and actor is not None
    if staff:
        rules.require(actor, "create_assistance_request")
        if contact is not None:
            rules.require(actor, "view_contact", contact)
    if source not in AssistanceRequestSourceChoices.values:
        raise AssistanceError({"source": "unknown source"})
    received_at = received_at or timezone.now()
    errors: dict = {}
    cleaned = _clean_request(data, timezone.localdate(received_at), errors)
    if errors:
        raise _refuse(actor, errors)
    try:
        with transaction.atomic():
            request = AssistanceRequest.objects.create(
                **cleaned,
                source=source,
                contact=contact,
                submission_key=submission_key,
                received_at=received_at,
                due_on=deadlines.due_on(timezone.localdate(received_at), cleaned["urgent"]),
                created_by=actor if staff else None,
            )
            audit.record(actor, Audit.CREATE, request, changes=_summary(request))
    except IntegrityError:
        if submission_key and AssistanceRequest.objects.filter(
            submission_key=submission_key
        ).exists():
            raise DuplicateRequest() from None
        raise
    return request


def do_update_assistance_request(request: AssistanceRequest, data: dict, *, actor) -> None:
    """Change the facts staff may correct: topic, organization type, state, urgency (which moves
    the due date), deadline. Other keys are ignored."""
    rules.require(actor, "manage_assistance", request)
    with transaction.atomic():
        request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
        errors: dict = {}
        before = _summary(request)
        if "topic" in data:
            request.topic = _topic(data["topic"], errors) or request.topic
        if "organization_type" in data:
            if data["organization_type"] not in AssistanceRequestOrganizationTypeChoices.values:
                errors["organization_type"] = _("Choose the kind of organization.")
            else:
                request.organization_type = data["organization_type"]
        if "state" in data:
            if (data["state"] or "") not in ("", *USStateChoices.values):
                errors["state"] = _("Choose a state or territory from the list.")
            else:
                request.state = data["state"] or ""
        if "deadline" in data:
            request.deadline = _deadline(data["deadline"], timezone.localdate(), errors)
        if "urgent" in data:
            if not isinstance(data["urgent"], bool):
                errors["urgent"] = _("Say whether the request is urgent (true or false).")
            elif data["urgent"] != request.urgent:
                request.urgent = data["urgent"]
                request.due_on = deadlines.due_on(
                    timezone.localdate(request.received_at), request.urgent
                )
        if not errors:
            request.save()
            after = _summary(request)
            changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if changed:
                audit.record(actor, Audit.UPDATE, request, changes=changed)
    if errors:  # refused outside the transaction, so that the refusal's audit row stays
        raise _refuse(actor, errors, request)


def do_assign_assistance_request(request: AssistanceRequest, owner, *, actor) -> None:
    """Give the request to ``owner`` (who must be allowed to manage T&TA requests), or take it
    back from everyone with ``owner=None``. A new request becomes assigned."""
    rules.require(actor, "manage_assistance", request)
    if owner is not None and (not owner.is_active or not rules.allows(owner, "manage_assistance")):
        raise _refuse(actor, {"owner": _("That person cannot work on T&TA requests.")}, request)
    with transaction.atomic():
        request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
        before = request.owner_id
        request.owner = owner
        changes = {"owner": [before, owner.pk if owner else None]}
        if owner is not None and request.status == Status.NEW:
            request.status = Status.ASSIGNED
            changes["status"] = [Status.NEW.value, Status.ASSIGNED.value]
        request.save(update_fields=["owner", "status", "updated_at"])
        audit.record(actor, Audit.UPDATE, request, changes=changes)


def do_move_assistance_request(request: AssistanceRequest, status: str, *, actor) -> None:
    """Move the request to ``status`` along ``choices.STATUS_MOVES``. Delivered needs at least
    one deliverable recorded; assigned needs an owner."""
    rules.require(actor, "manage_assistance", request)
    with transaction.atomic():
        request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
        refusal = _move_refusal(request, status)
        if not refusal:
            _move(request, status, actor)
    if refusal:  # refused outside the transaction, so that the refusal's audit row stays
        raise _refuse(actor, {"status": refusal}, request)


def _move_refusal(request: AssistanceRequest, status: str) -> str:
    if status not in STATUS_MOVES.get(request.status, ()):
        return _("A request that is %(now)s cannot become %(then)s.") % {
            "now": request.get_status_display().lower(),
            "then": str(dict(Status.choices).get(status, status)).lower(),
        }
    if status == Status.DELIVERED and not request.deliverables.exists():
        return _("Record what was delivered first.")
    if status == Status.ASSIGNED and request.owner_id is None:
        return _("Choose who it is assigned to first.")
    return ""


def _move(request: AssistanceRequest, status: str, actor) -> None:
    before = request.status
    request.status = status
    now = timezone.now()
    if status == Status.DELIVERED:
        request.delivered_at = now
    if status == Status.CLOSED:
        request.closed_at = now
    elif before == Status.CLOSED:
        request.closed_at = None
    request.save(update_fields=["status", "delivered_at", "closed_at", "updated_at"])
    audit.record(actor, Audit.UPDATE, request, changes={"status": [before, status]})


def do_add_assistance_deliverable(
    request: AssistanceRequest, data: dict, *, actor
) -> AssistanceDeliverable:
    """Record a deliverable (kind, date, hours, a note). A new or assigned request moves to in
    progress: work has started."""
    rules.require(actor, "manage_assistance", request)
    errors: dict = {}
    kind = data.get("kind")
    if kind not in AssistanceDeliverableKindChoices.values:
        errors["kind"] = _("Choose what was delivered.")
    delivered_on = data.get("delivered_on") or timezone.localdate()
    if isinstance(delivered_on, str):
        try:
            delivered_on = date.fromisoformat(delivered_on)
        except ValueError:
            errors["delivered_on"] = _("Enter a date (YYYY-MM-DD).")
    if isinstance(delivered_on, date) and delivered_on > timezone.localdate():
        errors["delivered_on"] = _("The date cannot be in the future.")
    try:
        hours = Decimal(str(data.get("hours") or 0))
        if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
            raise InvalidOperation
        hours = hours.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["hours"] = _("Enter the hours spent, from 0 to 1000 (e.g. 1.5).")
        hours = Decimal("0")
    note = _text(data, "note", MAX_TEXT, errors)
    if errors:
        raise _refuse(actor, errors, request)
    with transaction.atomic():
        request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
        deliverable = AssistanceDeliverable.objects.create(
            request=request, kind=kind, delivered_on=delivered_on, hours=hours,
            note=note or None, recorded_by=actor,
        )  # fmt: skip
        changes = {"deliverable": kind, "hours": str(hours)}
        if request.status in (Status.NEW, Status.ASSIGNED):
            changes["status"] = [request.status, Status.IN_PROGRESS.value]
            request.status = Status.IN_PROGRESS
            request.save(update_fields=["status", "updated_at"])
        audit.record(actor, Audit.UPDATE, request, changes=changes)
    return deliverable
