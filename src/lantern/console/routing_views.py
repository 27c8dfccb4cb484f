"""Routing screens: the advocate's presence and offers (a bar on every page), the supervisor
board, surge mode, re-triage on a contact, and the staffing planner."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from csp.decorators import csp_update
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.cases.reports import queries as report_queries
from lantern.console import access
from lantern.console.forms import StaffingForm
from lantern.contacts import queries as contact_queries
from lantern.core import pow, spreadsheet
from lantern.routing import actions, call_control, call_queries, queries, telephony
from lantern.routing import staffing as staffing_plan
from lantern.routing.choices import AdvocatePresenceChoices, TaskUrgencyChoices
from lantern.routing.exceptions import RoutingError
from lantern.routing.models import Offer, Queue, Task
from lantern.training import queries as training_queries


def _back(request, default="console:home"):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)


def routing_bar(request):
    """The advocate's presence switch and the contact offered to them (an HTMX partial)."""
    access.require(request.user, "take_contact")
    return render(request, "console/_routing_bar.html", _bar_context(request.user))


def _bar_context(user) -> dict:
    offer = queries.pending_offer_for(user)
    now = timezone.now()
    status = queries.status_of(user)
    return {
        "status": status,
        # queues whose contacts are not offered to them for want of training (docs/training.md)
        "not_cleared": [
            row["queue"] for row in training_queries.clearance(user) if row["gaps"]
        ] if status.presence == AdvocatePresenceChoices.AVAILABLE else [],
        "presences": AdvocatePresenceChoices.choices,
        "offer": offer,
        "offer_left": max(0, int((offer.expires_at - now).total_seconds())) if offer else 0,
        "offer_waited": now - offer.task.created_at if offer else None,
    }


@require_POST
def presence(request):
    access.require(request.user, "take_contact")
    try:
        actions.do_set_presence(request.user, request.POST.get("presence", ""), actor=request.user)
    except RoutingError as exc:
        messages.error(request, str(exc))
    if request.headers.get("HX-Request"):
        return render(request, "console/_routing_bar.html", _bar_context(request.user))
    return _back(request)


def _offer(request, offer_id) -> Offer:
    offer = Offer.objects.select_related("task").filter(pk=offer_id, advocate=request.user).first()
    if offer is None:  # someone else's offer looks missing
        raise Http404("No such offer")
    return offer


@require_POST
def offer_accept(request, offer_id):
    access.require(request.user, "take_contact")
    offer = _offer(request, offer_id)
    try:
        task = actions.do_accept_offer(offer, actor=request.user)
    except RoutingError as exc:
        messages.error(request, str(exc))
        return _back(request)
    if task.channel in ("sms", "chat", "email", "webform"):
        return redirect("console:conversation", contact_id=task.contact_id)
    return redirect("console:contact_edit", contact_id=task.contact_id)


@require_POST
def offer_decline(request, offer_id):
    access.require(request.user, "take_contact")
    try:
        actions.do_decline_offer(_offer(request, offer_id), actor=request.user)
    except RoutingError as exc:
        messages.error(request, str(exc))
    return _back(request)


def board(request):
    access.require(request.user, "view_routing_board")
    return render(request, "console/board.html", _board_context(request))


def board_partial(request):
    access.require(request.user, "view_routing_board")
    return render(request, "console/_board.html", _board_context(request))


FAILED_FOR = timedelta(days=7)  # how long the board lists a reply that could not be sent


def _board_context(request) -> dict:
    now = timezone.now()
    tz = timezone.get_current_timezone()
    day = queries.start_of_day(now, tz)
    board = queries.board(now, tz)
    return {
        **board,
        "training": training_queries.board(board, now),
        "metrics": queries.daily_metrics(day, day + timedelta(days=1)),
        "all_queues": Queue.objects.filter(active=True),
        "can_manage": rules.allows(request.user, "manage_routing"),
        "can_dismiss_spam": rules.allows(request.user, "dismiss_spam"),
        "live_calls": call_queries.live_calls(),
        "failed_replies": contact_queries.failed_replies(request.user, since=now - FAILED_FOR),
        "failed_link_emails": report_queries.failed_link_emails(
            request.user, since=now - FAILED_FOR
        ),  # fmt: skip
        "can_monitor_call": rules.allows(request.user, "monitor_call"),
        # the proof of work raised against a flood of wrong receipt codes or of tips and chats
        "pressure": pow.pressure(),
    }


def metrics(request):
    """One day's figures per queue and channel (the board shows today's), with a CSV download."""
    access.require(request.user, "view_routing_board")
    tz = timezone.get_current_timezone()
    try:
        day = date.fromisoformat(request.GET.get("day") or str(timezone.localdate()))
    except ValueError:
        return render(
            request, "console/routing_metrics.html",
            {"error": "Give the day as YYYY-MM-DD.", "day": timezone.localdate()}, status=400,
        )  # fmt: skip
    start = datetime.combine(day, time.min, tz)
    rows = queries.daily_metrics(start, start + timedelta(days=1))
    if request.GET.get("format") == "csv":
        return _metrics_csv(day, rows)
    return render(request, "console/routing_metrics.html", {"day": day, "metrics": rows})


METRIC_COLUMNS = (
    ("queue__name", "queue"), ("channel", "channel"), ("offered", "offered"),
    ("answered", "answered"), ("abandoned", "abandoned"), ("asa_seconds", "asa_seconds"),
    ("service_level", "service_level"), ("aht_seconds", "aht_seconds"),
)  # fmt: skip


def _metrics_csv(day, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="routing-{day}.csv"'
    writer = spreadsheet.writer(response)
    writer.writerow([header for _, header in METRIC_COLUMNS])
    for row in rows:
        writer.writerow(["" if row[key] is None else row[key] for key, _ in METRIC_COLUMNS])
    return response


@require_POST
def queue_divert(request, queue_id):
    access.require(request.user, "manage_routing")
    queue = Queue.objects.filter(pk=queue_id).first()
    if queue is None:
        raise Http404("No such queue")
    to = Queue.objects.filter(pk=request.POST.get("to") or None).first()
    try:
        actions.do_divert_queue(queue, to, actor=request.user)
    except RoutingError as exc:
        messages.error(request, str(exc))
    else:
        done = f"{queue} now goes to {to}." if to else f"{queue} takes its own contacts again."
        messages.success(request, done)
    return redirect("console:board")


def staffing(request):
    """The staffing planner's heat map: advocates needed per hour of the week."""
    access.require(request.user, "view_routing_board")
    form = StaffingForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        share, seconds = data["target"]
        cells = staffing_plan.weekly_plan(
            data["start"], data["end"], tz, target=share, answer_within=seconds,
            max_occupancy=data["max_occupancy"] / 100,
        )  # fmt: skip
        # shades against the week's peak, but never so few that one advocate shows as the peak
        peak = max(8, max((c.agents for c in cells.values()), default=0))
        context["rows"] = [
            {
                "hour": hour,
                "cells": [
                    {**vars(cells[(day, hour)]), "heat": cells[(day, hour)].agents / peak}
                    for day in range(1, 8)
                ],
            }
            for hour in range(24)
        ]
        context["days"] = staffing_plan.DAYS
        context["total_hours"] = sum(c.agents for c in cells.values())
    return render(request, "console/staffing.html", context, status=400 if form.errors else 200)


@require_POST
def retriage(request, contact_id):
    contact = access.contact(request.user, contact_id, "retriage_contact")
    task = Task.objects.filter(contact=contact).first()
    if task is None:
        raise Http404("This contact has not been routed")
    urgency = request.POST.get("urgency", "")
    if urgency not in TaskUrgencyChoices.values:
        messages.error(request, _("Choose an urgency."))
        return redirect("console:contact_detail", contact_id=contact.pk)
    try:
        actions.do_retriage(
            task, urgency=urgency, reason=request.POST.get("reason", ""), actor=request.user
        )
    except RoutingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Triage changed; the reason is kept with the contact."))
    return redirect("console:contact_detail", contact_id=contact.pk)


@require_POST
def call_action(request, contact_id, action):
    """A button of a live call's card (interpreter, transfer, hold, hang up, listen...)."""
    contact = access.contact(request.user, contact_id)
    # the role first: one who may not act on calls is refused, not told there is no live call
    monitoring = action in ("listen", "coach")
    if action == "callback":  # a missed call nobody has taken yet: whoever may take it
        access.require(request.user, "take_contact", contact)
    else:
        access.require(request.user, "monitor_call" if monitoring else "control_call",
                       None if monitoring else contact)  # fmt: skip
    to_user = to_queue = None
    if action == "transfer" and request.POST.get("user", "").strip():
        to_user = queries.staff_by_username(request.POST["user"].strip())
        if to_user is None:
            messages.error(request, _("Nobody of that name takes calls here."))
            return redirect("console:contact_detail", contact_id=contact.pk)
    if action == "transfer" and request.POST.get("queue"):
        to_queue = queries.queue_by_name(request.POST["queue"])
        if to_queue is None:
            messages.error(request, _("There is no open queue of that name."))
            return redirect("console:contact_detail", contact_id=contact.pk)
    try:
        call_control.do_call_action(
            contact,
            action,
            actor=request.user,
            language=request.POST.get("language", "").strip(),
            # a number typed, or one picked from the protocol's and the referrals' numbers
            to=(request.POST.get("to", "").strip() or request.POST.get("pick", "").strip()),
            user=to_user,
            queue=to_queue,
            warm=request.POST.get("warm") == "1",
        )
    except RoutingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: the call's timeline shows each step."))
    if request.POST.get("next") == "board":  # listen or coach from the live board
        return redirect("console:board")
    return redirect("console:contact_detail", contact_id=contact.pk)


def softphone_token(request):
    """The browser softphone's access token (JSON); 503 when calls do not reach browsers here."""
    access.require(request.user, "take_contact")
    token = telephony.access_token(request.user)
    if not token:
        return JsonResponse({"detail": _("The browser softphone is not set up.")}, status=503)
    return JsonResponse({"token": token}, headers={"Cache-Control": "no-store"})


# What Twilio's Voice SDK (vendored, 2.18.5) reaches from the softphone page, and only from it:
# its signalling socket (wss://voice-js.<edge>.twilio.com), the call-quality events it posts
# (https://eventgw[.<region>].twilio.com) and its ring and hang-up sounds (sdk.twilio.com). Every
# other page keeps the site's own Content-Security-Policy (settings.CONTENT_SECURITY_POLICY).
SOFTPHONE_CSP = {
    "connect-src": ["wss://*.twilio.com", "https://*.twilio.com"],
    "media-src": ["'self'", "https://sdk.twilio.com"],
}


@csp_update(SOFTPHONE_CSP)
def softphone(request):
    """The browser softphone: a page the advocate keeps open while available."""
    access.require(request.user, "take_contact")
    return render(request, "console/softphone.html")


@require_POST
def softphone_action(request, action):
    """The softphone's hold button: the caller of the advocate's live call, on or off hold."""
    access.require(request.user, "take_contact")
    if action not in ("hold", "unhold"):
        raise Http404("No such softphone action")
    contact = call_queries.live_call_contact_for(request.user)
    if contact is None:
        return JsonResponse({"detail": _("You are not on a call.")}, status=409)
    try:
        call_control.do_hold_call(contact, held=action == "hold", actor=request.user)
    except RoutingError as exc:
        return JsonResponse({"detail": str(exc)}, status=409)
    return JsonResponse({"held": action == "hold"})
