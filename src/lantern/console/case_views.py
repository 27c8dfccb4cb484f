"""Case screens: the list with filters, a case's page (facts, people, protocol, timeline, status
and notes), and opening a case from a contact."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.accounts.models import User
from lantern.cases import actions, queries, statuses
from lantern.cases.actions import CaseError
from lantern.cases.choices import CaseTraffickingTypeChoices
from lantern.cases.models import Case
from lantern.cases.reports import queries as report_queries
from lantern.console import access
from lantern.console.forms import CaseForm, LegalHoldForm
from lantern.contacts import queries as contact_queries
from lantern.contacts.choices import VenueChoices
from lantern.core.geo import USStateChoices
from lantern.protocols import queries as protocol_queries


def _editable(user, case_id):
    """A case the user may change: 404 when they may not see it, 403 when they may only see it."""
    case = access.case(user, case_id)
    access.require(user, "edit_case", case)
    return case


def case_list(request):
    access.require(request.user, "view_case")
    g = request.GET
    config = statuses.current()
    filters = queries.CaseFilter(
        status=g.get("status", "") if g.get("status", "") in config.labels else "",
        trafficking_type=g.get("trafficking_type", "")
        if g.get("trafficking_type", "") in CaseTraffickingTypeChoices.values else "",
        venue=g.get("venue", "") if g.get("venue", "") in VenueChoices.values else "",
        state=g.get("state", "") if g.get("state", "") in USStateChoices.values else "",
        assigned_to_me=g.get("mine") == "1",
        follow_up_due=g.get("due") == "1",
    )  # fmt: skip
    qs = filters.apply(queries.cases_for_user(request.user), request.user)
    page, query = access.paginate(request, qs)
    # Django's get_<field>_display rebuilds the whole choices mapping, translating every label,
    # on each call: two per row cost more than the query (bench/cases.py). Look them up once.
    types, venues = dict(CaseTraffickingTypeChoices.choices), dict(VenueChoices.choices)
    for case in page:
        case.type_label, case.venue_label = types[case.trafficking_type], venues[case.venue]
        case.status_label = config.label(case.status)
    return render(
        request,
        "console/case_list.html",
        {
            "page": page, "query": query, "filters": filters,
            "statuses": config.labels.items(), "types": CaseTraffickingTypeChoices.choices,
            "venues": VenueChoices.choices, "states": USStateChoices.choices,
        },
    )  # fmt: skip


def case_detail(request, case_id):
    try:
        case = queries.access_case_for_user(request.user, case_id)
    except Case.DoesNotExist:
        if (kept := queries.merged_case_for_user(request.user, case_id)) is None:
            raise Http404("No such case") from None
        messages.info(request, _("That case was merged into %(kept)s.") % {"kept": kept})
        return redirect("console:case_detail", case_id=kept.pk)
    config = statuses.current()
    return render(
        request,
        "console/case_detail.html",
        {
            "case": case,
            "status_label": config.label(case.status),
            "moves": [(s, config.label(s)) for s in sorted(config.moves.get(case.status, ()))],
            "parties": case.parties.all(),
            "timeline": queries.case_timeline(request.user, case),
            "protocol": protocol_queries.protocol_for_case(case),
            "reports": report_queries.reports_for_case(request.user, case),
            "referrals": queries.referrals_for_case(request.user, case),
            "links": case.links.select_related("contact").order_by("linked_at"),
            "can_edit": rules.allows_object(request.user, "edit_case", case),
            **_holds(request, case),
        },
    )


def _holds(request, case) -> dict:
    ctx = {"holds": queries.holds_for_case(case),
           "can_hold": rules.allows(request.user, "place_legal_hold")}  # fmt: skip
    if ctx["can_hold"]:
        ctx["hold_form"] = LegalHoldForm(auto_id="hold-%s")
        ctx["hold_url"] = reverse("console:case_hold", args=[case.pk])
    return ctx


def case_edit(request, case_id):
    case = _editable(request.user, case_id)
    access.require(request.user, "view_case_pii", case)  # the form shows the summary
    staff = User.objects.filter(is_active=True, role__in=CASE_STAFF).order_by("username")
    form = CaseForm(
        request.POST or None,
        staff=staff,
        initial=CaseForm.initial_from(case, queries.case_summary(request.user, case)),
    )
    if request.method == "POST" and form.is_valid():
        facts, parties = form.to_data()
        try:
            actions.do_edit_case(case, facts, parties, actor=request.user)
        except CaseError as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("%(case)s saved.") % {"case": case})
            return redirect("console:case_detail", case_id=case.pk)
    return render(
        request, "console/case_form.html", {"form": form, "case": case},
        status=400 if form.errors else 200,
    )  # fmt: skip


CASE_STAFF = ("advocate", "case_analyst", "supervisor")


@require_POST
def case_from_contact(request, contact_id):
    access.require(request.user, "create_case")
    contact = access.contact(request.user, contact_id)
    try:
        case = actions.do_open_case(contact, actor=request.user)
    except CaseError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("console:contact_detail", contact_id=contact.pk)
    messages.success(request, _("%(case)s opened from this contact.") % {"case": case})
    return redirect("console:case_detail", case_id=case.pk)


@require_POST
def case_status(request, case_id):
    case = _editable(request.user, case_id)
    try:
        actions.do_change_case_status(
            case, request.POST.get("status", ""), actor=request.user,
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except CaseError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    return redirect("console:case_detail", case_id=case.pk)


@require_POST
def case_note(request, case_id):
    case = _editable(request.user, case_id)
    try:
        actions.do_add_case_note(case, request.POST.get("body", ""), actor=request.user)
    except CaseError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    return redirect("console:case_detail", case_id=case.pk)


@require_POST
def case_link(request, case_id):
    """Add a contact to the case, named by its short id, its address or its id."""
    case = _editable(request.user, case_id)
    contact = contact_queries.contact_by_reference(request.user, request.POST.get("contact", ""))
    if contact is None:
        messages.error(request, _("No single contact you can open has that short id, address or "
                                  "id. Copy its address from the contact's page."))  # fmt: skip
    elif actions.do_link_contact(case, contact, actor=request.user):
        messages.success(
            request,
            _("Contact %(short_id)s added to %(case)s.")
            % {"short_id": contact.short_id, "case": case},
        )
    else:
        messages.error(
            request,
            _("Contact %(short_id)s is already in %(case)s.")
            % {"short_id": contact.short_id, "case": case},
        )
    return redirect("console:case_detail", case_id=case.pk)


@require_POST
def case_unlink(request, case_id, contact_id):
    case = _editable(request.user, case_id)
    contact = access.contact(request.user, contact_id)
    try:
        actions.do_unlink_contact(case, contact, actor=request.user)
    except CaseError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    return redirect("console:case_detail", case_id=case.pk)


@require_POST
def case_merge(request, case_id):
    """Merge a duplicate, named by its short id, into this case."""
    access.require(request.user, "merge_cases")
    case = _editable(request.user, case_id)
    duplicate = queries.case_by_reference(
        request.user, request.POST.get("duplicate", ""), "edit_case"
    )
    if duplicate is None:
        messages.error(request, _("No open case has that id. Give the duplicate's 8-character id."))
        return redirect("console:case_detail", case_id=case.pk)
    try:
        actions.do_merge_cases(case, duplicate, actor=request.user)
    except CaseError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(
            request,
            _("%(duplicate)s merged into %(case)s.") % {"duplicate": duplicate, "case": case},
        )
    return redirect("console:case_detail", case_id=case.pk)
