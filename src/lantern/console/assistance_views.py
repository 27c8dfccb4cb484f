"""The T&TA request queue: list with filters, one request (assign, move its status, record
deliverables and hours), and a new request from a logged contact. Each POST reads one form and
calls one action (``lantern.assistance.actions``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lantern.accounts import rules
from lantern.assistance import actions, queries
from lantern.assistance.choices import (
    STATUS_MOVES,
    AssistanceRequestSourceChoices,
    AssistanceRequestStatusChoices,
)
from lantern.assistance.exceptions import AssistanceError
from lantern.assistance.forms import (
    AssignForm,
    AssistanceFilterForm,
    AssistanceRequestForm,
    DeliverableForm,
)
from lantern.assistance.models import AssistanceRequest
from lantern.audit import queries as audit_queries
from lantern.console import access


def _request(user, request_id) -> AssistanceRequest:
    return access.get_or_404(queries.access_request_for_user, user, request_id)


def _refused(request, exc: AssistanceError) -> None:
    messages.error(request, " ".join(str(m) for m in exc.errors.values()))


def assistance_list(request):
    access.require(request.user, queries.ACTION)
    form = AssistanceFilterForm(request.GET or {"status": "open"})
    filters = form.cleaned_data if form.is_valid() else {"status": "open"}
    qs = queries.requests_for(
        request.user,
        status=filters.get("status") or "",
        owner=filters.get("owner") or "",
        overdue=bool(filters.get("overdue")),
        topic=filters.get("topic") or "",
        reference=filters.get("reference") or "",
    )
    return access.filtered_list(
        request, "console/assistance_list.html", form, qs, today=timezone.localdate()
    )


@require_http_methods(["GET", "HEAD"])
def assistance_detail(request, request_id):
    item = _request(request.user, request_id)
    view = queries.present_request(request.user, item)
    ctx = {
        "view": view,
        "item": item,
        "assign_form": AssignForm(initial={"owner": str(item.owner_id or "")}, auto_id="assign-%s"),
        "deliverable_form": DeliverableForm(
            initial={"delivered_on": timezone.localdate()}, auto_id="deliverable-%s"
        ),
        "moves": [
            (value, label)
            for value, label in AssistanceRequestStatusChoices.choices
            if value in STATUS_MOVES[item.status]
        ],
        "hours": sum((d.hours for d in view.deliverables), 0),
    }
    if rules.allows(request.user, "view_audit"):
        ctx["trail"] = audit_queries.events_for_object("assistance.assistancerequest", item.pk)[
            :100
        ]
    return render(request, "console/assistance_detail.html", ctx)


@require_POST
def assistance_assign(request, request_id):
    item = _request(request.user, request_id)
    form = AssignForm(request.POST)
    owner = None
    if form.is_valid() and form.cleaned_data["owner"]:
        owner = queries.owner_by_id(form.cleaned_data["owner"])
        if owner is None:
            messages.error(request, _("That person cannot work on T&TA requests."))
            return redirect(item)
    try:
        actions.do_assign_assistance_request(item, owner, actor=request.user)
    except AssistanceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Assigned.") if owner else _("No one is assigned now."))
    return _back(request, item)


@require_POST
def assistance_status(request, request_id):
    item = _request(request.user, request_id)
    try:
        actions.do_move_assistance_request(item, request.POST.get("status", ""), actor=request.user)
    except AssistanceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Status changed."))
    return _back(request, item)


@require_POST
def assistance_deliverable(request, request_id):
    item = _request(request.user, request_id)
    form = DeliverableForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect(item)
    try:
        actions.do_add_assistance_deliverable(item, form.cleaned_data, actor=request.user)
    except AssistanceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Deliverable recorded."))
    return redirect(item)


def _back(request, item):
    """To the request, or to the queue if the change took it out of the user's sight (an
    advocate who gave their request to someone else)."""
    if rules.allows_object(request.user, queries.ACTION, item):
        return redirect(item)
    return redirect("console:assistance_list")


@require_http_methods(["GET", "HEAD", "POST"])
def assistance_from_contact(request, contact_id):
    """A new request, its fields taken from a logged contact (the caller's details when the
    user may see them), for the advocate to check and complete."""
    access.require(request.user, "create_assistance_request")
    contact = access.contact(request.user, contact_id)
    if request.method == "POST":
        form = AssistanceRequestForm(request.POST)
        if form.is_valid():
            data = {**form.cleaned_data, "language": contact.language}
            try:
                item = actions.do_create_assistance_request(
                    data, actor=request.user, source=AssistanceRequestSourceChoices.CONTACT,
                    contact=contact,
                )  # fmt: skip
            except AssistanceError as exc:
                form.add_action_errors(exc.errors)
            else:
                messages.success(
                    request,
                    _("T&TA request %(ref)s created, due %(due)s.")
                    % {"ref": item.reference, "due": item.due_on.isoformat()},
                )
                if rules.allows_object(request.user, queries.ACTION, item):
                    return redirect(item)
                return redirect(contact)
        status = 400
    else:
        form = AssistanceRequestForm(initial=queries.initial_from_contact(request.user, contact))
        status = 200
    ctx = {
        "form": form,
        "contact": contact,
        "earlier": queries.requests_from_contact(request.user, contact),
    }
    return render(request, "console/assistance_form.html", ctx, status=status)
