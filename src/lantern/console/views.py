"""Staff console views: read one form, call one action or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.audit import queries as audit_queries
from lantern.cases import actions as case_actions
from lantern.cases import queries as case_queries
from lantern.console import access
from lantern.console.directory_forms import DirectorySearchForm
from lantern.console.directory_views import search_form
from lantern.console.emergency_views import police_calls_context
from lantern.console.forms import (
    AuditFilterForm,
    ContactFilterForm,
    ContactForm,
    LegalHoldForm,
    LegalHoldRangeForm,
)
from lantern.contacts import actions, queries
from lantern.contacts.definitions import active_form
from lantern.core.errors import InvalidInput
from lantern.directory import queries as directory_queries
from lantern.protocols import queries as protocol_queries
from lantern.routing import actions as routing_actions
from lantern.routing import call_control, call_queries
from lantern.routing import queries as routing_queries
from lantern.routing.choices import TaskUrgencyChoices
from lantern.training import queries as training_queries


def home(request):
    ctx = {}
    if rules.allows(request.user, "view_contact"):
        ctx["today"] = queries.contact_counts_today(request.user)
        ctx["recent"] = queries.contacts_for_user(request.user).filter(handled_by=request.user)[:8]
    ctx["due"] = case_queries.follow_ups_due(request.user)
    if rules.allows(request.user, "place_legal_hold"):
        ctx["holds_to_review"] = case_queries.holds_to_review(timezone.localdate())
        ctx["range_holds"] = case_queries.range_holds()
        ctx["range_hold_form"] = LegalHoldRangeForm(auto_id="range-%s")
    ctx["can_find_person_records"] = rules.allows(request.user, "find_person_records")
    if rules.allows(request.user, "approve_person_export"):
        ctx["person_exports_waiting"] = case_queries.person_exports_waiting()
    ctx["can_export_conversations"] = rules.allows(request.user, "export_conversations")
    ctx["can_apply_retention"] = rules.allows(request.user, "apply_retention")
    ctx["can_view_self_assessment"] = rules.allows(request.user, "view_self_assessment")
    ctx["can_manage_library"] = rules.allows(request.user, "manage_library")
    return render(request, "console/home.html", ctx)


def contact_list(request):
    access.require(request.user, "view_contact")
    form = ContactFilterForm(request.GET or None, form_version=active_form())
    qs = queries.contacts_for_user(request.user)
    if form.is_valid():
        qs = queries.ContactFilter(
            **{k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        ).apply(qs, request.user)
    return access.filtered_list(request, "console/contact_list.html", form, qs)


def _panel(request, contact=None, form=None) -> dict:
    """The directory panel beside the contact form, prefilled from the contact's location.

    English is not prefilled as a language filter: nearly every service speaks it, and many
    directory entries do not list their languages at all.
    """
    if not rules.allows(request.user, "view_directory"):
        return {}
    source = {}
    if contact is not None:
        source = {
            "zip": contact.postal_code,
            "city": contact.city,
            "state": contact.state,
            "language": contact.language,
        }
    elif form is not None and form.is_bound:
        source = {
            "zip": form.data.get("postal_code", ""),
            "city": form.data.get("city", ""),
            "state": form.data.get("state", ""),
            "language": form.data.get("language", ""),
        }
    initial = {
        "radius_km": "40",
        "near": DirectorySearchForm.near_for(
            source.get("zip", ""), source.get("city", ""), source.get("state", "")
        ),
    }
    language = source.get("language") or ""
    if language and language.split("-")[0].lower() != "en":
        initial["language"] = language
    return {
        "panel_form": search_form(initial=initial),
        "panel_target": str(contact.pk) if contact is not None else "new",
    }


def contact_new(request):
    access.require(request.user, "create_contact")
    form = ContactForm(request.POST or None, form_version=active_form())
    chosen = request.POST.getlist("referral_services") if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        try:
            contact = case_actions.do_create_contact_with_referrals(
                form.to_data(), chosen, actor=request.user
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc.errors)
        else:
            given = (
                ngettext(" with %(count)s referral", " with %(count)s referrals", len(chosen))
                % {"count": len(chosen)}
                if chosen
                else ""
            )
            messages.success(
                request,
                _("Contact %(short_id)s saved%(given)s.")
                % {"short_id": contact.short_id, "given": given},
            )
            return redirect(contact)
    ctx = {
        "form": form,
        "creating": True,
        "queued": directory_queries.referable_services(request.user, chosen),
        **_panel(request, form=form),
    }
    return render(request, "console/contact_form.html", ctx)


@require_POST
def repeat_check(request):
    """HTMX: the repeat-contact banner for the phone/email being typed.

    POST, so the phone number and email never appear in a URL or a proxy's log.
    """
    repeat = actions.do_repeat_lookup(
        request.user,
        phone=request.POST.get("caller_phone", ""),
        email=request.POST.get("caller_email", ""),
        exclude_id=request.POST.get("contact_id") or None,
    )
    return render(request, "console/_repeat_banner.html", {"repeat": repeat})


def contact_detail(request, contact_id):
    contact = access.contact(request.user, contact_id)
    view = queries.present_contacts(request.user, [contact], reason="console detail")[0]
    ctx = {"view": view, "contact": contact}
    if rules.allows(request.user, "view_audit"):
        ctx["trail"] = audit_queries.events_for_object("contacts.contact", contact.pk)[:100]
    ctx["repeat"] = queries.repeat_contacts_of(contact)
    ctx["referrals"] = case_queries.referrals_for_contact(request.user, contact)
    ctx["can_refer"] = rules.allows(request.user, "give_referral")
    ctx["task"] = routing_queries.task_for_contact(contact)
    ctx["retriage_notes"] = routing_queries.retriage_notes(request.user, ctx["task"])
    ctx["can_retriage"] = rules.allows_object(request.user, "retriage_contact", contact)
    ctx["urgencies"] = TaskUrgencyChoices.choices
    ctx.update(police_calls_context(request.user, contact))
    ctx["call"] = call_queries.call_of(contact)
    ctx["call_live"] = ctx["call"] is not None and ctx["call"].ended_at is None
    ctx["can_control_call"] = rules.allows_object(request.user, "control_call", contact)
    ctx["can_monitor_call"] = rules.allows(request.user, "monitor_call")
    if ctx["call_live"] and ctx["can_control_call"]:
        ctx["transfer_numbers"] = protocol_queries.transfer_numbers(contact) + [
            {"label": r.service.name, "number": phone["number"]}
            for r in ctx["referrals"]
            for phone in r.phones
        ]
        ctx["queues"] = routing_queries.open_queues()
    ctx["can_call_back"] = call_queries.can_call_back(ctx["call"]) and call_control.may_call_back(
        request.user, contact
    )
    ctx["reviews"] = training_queries.reviews_of_contact(request.user, contact)
    ctx["can_review"] = training_queries.may_review(request.user, contact)
    ctx["holds"] = case_queries.holds_for_contact(contact)
    ctx["can_hold"] = rules.allows(request.user, "place_legal_hold")
    if ctx["can_hold"]:
        ctx["hold_form"] = LegalHoldForm(auto_id="hold-%s")
        ctx["hold_url"] = reverse("console:contact_hold", args=[contact.pk])
    ctx["call_buttons"] = [
        ("hold", _("Hold")),
        ("unhold", _("Take off hold")),
        ("leave", _("Leave the call")),
        ("hangup", _("Hang up")),
    ]
    return render(request, "console/contact_detail.html", ctx)


def contact_edit(request, contact_id):
    contact = access.contact(request.user, contact_id, "edit_contact")
    view = queries.present_contacts(request.user, [contact], reason="console edit")[0]
    form = ContactForm(
        request.POST or None,
        initial=ContactForm.initial_from(view),
        form_version=contact.form_version,
        show_personal=view.pii_visible,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_contact(contact, form.to_data(), actor=request.user)
        except InvalidInput as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(
                request,
                _("Contact %(short_id)s updated.") % {"short_id": contact.short_id},
            )
            return redirect(contact)
    ctx = {
        "form": form,
        "contact": contact,
        "creating": False,
        "referrals": case_queries.referrals_for_contact(request.user, contact),
        "can_refer": rules.allows(request.user, "give_referral"),
        **_panel(request, contact=contact),
    }
    return render(request, "console/contact_form.html", ctx)


def audit_list(request):
    access.require(request.user, "view_audit")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_queries.events(**filters)
    return access.filtered_list(request, "console/audit_list.html", form, events)


# --- the inbox: contacts that arrived through a channel (issue 4) --------------------------------


def inbox(request):
    if not rules.allows(request.user, "take_contact"):
        raise PermissionDenied
    now = timezone.now()
    contacts = queries.inbox(request.user)
    missed = call_queries.missed_calls(c.pk for c in contacts if c.channel == "phone")
    rows = [
        {
            "contact": c,
            "waiting": now - c.received_at,
            "conversation": getattr(c, "conversation", None),
            "missed": missed.get(c.pk),
            "can_call_back": c.pk in missed
            and call_queries.can_call_back(missed[c.pk])
            and call_control.may_call_back(request.user, c),
        }
        for c in contacts
    ]
    return render(request, "console/inbox.html", {"rows": rows})


@require_POST
def contact_take(request, contact_id):
    contact = access.contact(request.user, contact_id, "take_contact")
    try:
        routing_actions.do_take_task(contact, actor=request.user)
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("console:inbox")
    if hasattr(contact, "conversation"):
        return redirect("console:conversation", contact_id=contact.pk)
    return redirect("console:contact_edit", contact_id=contact.pk)


def conversation(request, contact_id):
    contact = access.contact(request.user, contact_id)
    if not hasattr(contact, "conversation"):
        raise Http404("This contact has no conversation")
    can_reply = rules.allows_object(request.user, "edit_contact", contact)
    error = ""
    if request.method == "POST":
        if not can_reply:
            raise PermissionDenied
        try:
            actions.do_send_message(
                contact.conversation, request.POST.get("body", ""), actor=request.user
            )
        except InvalidInput as exc:
            error = " ".join(exc.errors.values())
        else:
            return redirect("console:conversation", contact_id=contact.pk)
    ctx = {
        "contact": contact,
        "conversation": contact.conversation,
        "thread": queries.present_conversation(
            request.user, contact, reason="console conversation"
        ),
        "can_reply": can_reply,
        "can_take": contact.status == "open"
        and contact.handled_by_id is None
        and rules.allows_object(request.user, "take_contact", contact),
        "error": error,
        "draft": request.POST.get("body", "") if error else "",
    }
    return render(request, "console/conversation.html", ctx)
