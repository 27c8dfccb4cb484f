"""Tip report screens: draft from a case (with the case's protocol beside the form), the
report's page with its review, approval and delivery steps, and the lists of reports waiting
for someone."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lantern.cases.choices import TipReportStatusChoices as Status
from lantern.cases.choices import TipReportUrgencyChoices
from lantern.cases.models import AgencyLink
from lantern.cases.reports import actions, config, content, fast_path, pdf, queries
from lantern.cases.reports.actions import ReportError
from lantern.console import access
from lantern.console.report_forms import (
    LinkForm,
    OutcomeForm,
    PhoneForm,
    ReportForm,
    ReviewForm,
)
from lantern.directory import queries as directory_queries
from lantern.protocols import queries as protocol_queries


def _agencies(protocol) -> list:
    if protocol is None:
        return []
    return [step.service for step in protocol.steps.all() if step.service_id]


def _first_draft(case, protocol) -> dict:
    """A new report starts from the case: its indicators, the protocol's first agency, an
    urgency from the situation, and the consent a contact recorded."""
    situation = protocol_queries.situation_for_case(case)
    agencies = _agencies(protocol)
    initial = {
        "indicators": case.control_methods,
        "urgency": TipReportUrgencyChoices.IMMEDIATE if situation.crisis
        else TipReportUrgencyChoices.URGENT,
        "agency": str(agencies[0].pk) if agencies else "other",
        "protocol": protocol,
    }  # fmt: skip
    if situation.consent:
        contact = next(
            (link.contact for link in case.links.select_related("contact")
             if link.contact.consent_to_share), None,
        )  # fmt: skip
        if contact is not None:
            initial.update(consent_basis="consent", consent_given_by="the caller",
                           consent_given_at=contact.received_at)  # fmt: skip
    return initial


def report_new(request, case_id):
    access.require(request.user, "draft_report")
    case = access.case(request.user, case_id)
    protocol = protocol_queries.protocol_for_case(case)
    form = ReportForm(request.POST or None, agencies=_agencies(protocol),
                      initial=_first_draft(case, protocol))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.do_draft_report(
                case, {**form.to_data(), "protocol": protocol}, actor=request.user
            )
        except ReportError as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("%(report)s saved as a draft.") % {"report": report})
            return redirect("console:report_detail", report_id=report.pk)
    return render(
        request, "console/report_form.html",
        {"form": form, "case": case, "protocol": protocol, "report": None},
        status=400 if form.errors else 200,
    )  # fmt: skip


def report_edit(request, report_id):
    access.require(request.user, "draft_report")
    report = access.report(request.user, report_id)
    if not queries.steps_for(request.user, report).edit:
        messages.error(request, _("Only the author edits a draft; this report is not a draft."))
        return redirect("console:report_detail", report_id=report.pk)
    protocol = report.protocol or protocol_queries.protocol_for_case(report.case)
    agencies = _agencies(protocol)
    if report.agency_id and report.agency not in agencies:
        agencies.insert(0, report.agency)
    text = queries.report_text(request.user, report) or {}
    form = ReportForm(request.POST or None, agencies=agencies,
                      initial=ReportForm.initial_from(report, text))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_report(report, form.to_data(), actor=request.user)
        except ReportError as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("%(report)s saved.") % {"report": report})
            return redirect("console:report_detail", report_id=report.pk)
    return render(
        request, "console/report_form.html",
        {"form": form, "case": report.case, "protocol": protocol, "report": report},
        status=400 if form.errors else 200,
    )  # fmt: skip


# The page that shows a new agency link answers the POST that made it (the token is shown once),
# so reloading it would post the form again and issue a second link, revoking the one just
# sent. Each form carries a one-time value kept in the session; a form posted again is refused.
_LINK_FORMS = "report_link_forms"


def _link_form_id(request) -> str:
    form_id = secrets.token_urlsafe(16)
    request.session[_LINK_FORMS] = [*request.session.get(_LINK_FORMS, [])[-19:], form_id]
    return form_id


def _take_link_form(request) -> bool:
    """True once per form the page gave out."""
    ids = request.session.get(_LINK_FORMS, [])
    form_id = request.POST.get("form_id", "")
    if form_id not in ids:
        return False
    request.session[_LINK_FORMS] = [i for i in ids if i != form_id]
    return True


def _detail(request, report, *, new_link=None, status=200):
    user = request.user
    steps = queries.steps_for(user, report)
    # who the directory lists for the agency (a protocol step names it): offered as recipient
    contacts = directory_queries.agency_contacts(report.agency) if steps.deliver else []
    preview = queries.agency_preview(user, report)
    return render(
        request,
        "console/report_detail.html",
        {
            "report": report,
            "case": report.case,
            "steps": steps,
            "text": queries.report_text(user, report),
            "preview": preview,
            "shares_personal": content.shares_personal_details(report),
            "missing": actions.missing_for_submission(report) if steps.submit else {},
            "history": queries.report_history(user, report),
            "links": queries.links_for(report) if steps.deliver or steps.outcome else [],
            "calls": report.phone_calls.all(),
            "new_link": new_link,
            "agency_contacts": contacts,
            "can_email_links": bool(config.link_email_sender()),
            "link_form_id": _link_form_id(request) if steps.deliver else "",
            "link_form": LinkForm(
                initial={
                    "hours": config.current().link_hours,
                    "recipient_name": contacts[0].label if contacts else "",
                    "recipient_contact": contacts[0].reach if contacts else "",
                }
            ),
            "phone_form": PhoneForm(
                initial={
                    "agency_name": report.recipient,
                    "person": contacts[0].label if contacts else "",
                }
            ),
            "outcome_form": OutcomeForm(),
            "overriding": report.consent_basis == "override",
            "fast_steps": fast_path.steps_for(user, report),
        },
        status=status,
    )


@never_cache
def report_detail(request, report_id):
    return _detail(request, access.report(request.user, report_id))


def _step(request, report, call):
    """Run one workflow step; its refusal becomes a message on the report's page."""
    try:
        call()
    except ReportError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    return redirect("console:report_detail", report_id=report.pk)


@require_POST
def report_submit(request, report_id):
    report = access.report(request.user, report_id)
    return _step(request, report, lambda: actions.do_submit_report(report, actor=request.user))


@require_POST
def report_decide(request, report_id):
    """The reviewer's or the approver's decision, whichever step the report is at."""
    access.require_any(request.user, "review_report", "approve_report")
    report = access.report(request.user, report_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to send back."))
        return redirect("console:report_detail", report_id=report.pk)
    d = form.cleaned_data
    approve = d["decision"] == "approve"
    if report.status == Status.AWAITING_APPROVAL:

        def call():
            return actions.do_approve_report(
                report, actor=request.user, approve=approve, comment=d["comment"],
                confirm_override=d["confirm_override"],
            )  # fmt: skip
    else:

        def call():
            return actions.do_review_report(
                report, actor=request.user, approve=approve, comment=d["comment"]
            )

    return _step(request, report, call)


@require_POST
def report_withdraw(request, report_id):
    report = access.report(request.user, report_id)
    reason = request.POST.get("reason", "")
    return _step(
        request, report, lambda: actions.do_withdraw_report(report, actor=request.user,
                                                            reason=reason)
    )  # fmt: skip


@never_cache
@require_POST
def report_link(request, report_id):
    """Issue the agency's link. The page that answers is the only place its address is ever
    shown (nothing keeps the token), so it is rendered here rather than after a redirect."""
    access.require(request.user, "deliver_report")
    report = access.report(request.user, report_id)
    if not _take_link_form(request):
        messages.error(request, _("That form was sent already (the page was reloaded): the link "
                                  "it made is listed under Deliveries. Create another only if "
                                  "you need a new one."))  # fmt: skip
        return redirect("console:report_detail", report_id=report.pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the recipient and how many hours the link lasts."))
        return redirect("console:report_detail", report_id=report.pk)
    email_link = form.cleaned_data.pop("email_link")
    try:
        link, token = actions.do_issue_agency_link(report, actor=request.user, **form.cleaned_data)
    except ReportError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("console:report_detail", report_id=report.pk)
    url = request.build_absolute_uri(reverse("public:agency_report", args=[token]))
    if email_link:
        try:
            actions.do_email_agency_link(link, actor=request.user, url=url)
            messages.success(request, _("The link is being emailed to its recipient."))
        except ReportError as exc:
            messages.error(request, _("The link was not emailed: %(reason)s")
                           % {"reason": " ".join(exc.errors.values())})  # fmt: skip
    report.refresh_from_db()
    return _detail(request, report, new_link=url)


@require_POST
def report_link_revoke(request, report_id, link_id):
    access.require(request.user, "deliver_report")
    report = access.report(request.user, report_id)
    link = AgencyLink.objects.filter(pk=link_id, report=report).first()
    if link is None:
        raise Http404("No such link")
    return _step(request, report, lambda: actions.do_revoke_agency_link(link, actor=request.user))


@require_POST
def report_pdf(request, report_id):
    access.require(request.user, "deliver_report")
    report = access.report(request.user, report_id)
    try:
        document = actions.do_prepare_pdf(report, actor=request.user)
    except ReportError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("console:report_detail", report_id=report.pk)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = pdf.content_disposition(report)
    response["Cache-Control"] = "no-store"
    return response


def _form_step(request, report, form_class, invalid: str, action):
    """A step that takes a small form: ``action(report, actor=..., **cleaned_data)``."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("console:report_detail", report_id=report.pk)
    return _step(request, report,
                 lambda: action(report, actor=request.user, **form.cleaned_data))  # fmt: skip


@require_POST
def report_phone(request, report_id):
    access.require(request.user, "deliver_report")
    report = access.report(request.user, report_id)
    return _form_step(request, report, PhoneForm, "Name the agency and the person you spoke to.",
                      actions.do_record_phone_notification)  # fmt: skip


@require_POST
def report_acknowledged(request, report_id):
    access.require(request.user, "deliver_report")
    report = access.report(request.user, report_id)
    note = request.POST.get("note", "")
    return _step(
        request, report,
        lambda: actions.do_record_acknowledgement(report, actor=request.user, note=note),
    )  # fmt: skip


@require_POST
def report_outcome(request, report_id):
    access.require(request.user, "deliver_report")
    report = access.report(request.user, report_id)
    return _form_step(request, report, OutcomeForm, "Say what the agency did or said.",
                      actions.do_record_outcome)  # fmt: skip


def report_list(request):
    """Reports waiting for this user: their drafts and sent-back reports, what they review,
    approve or deliver."""
    access.require(request.user, "view_case")
    groups = queries.waiting_for(request.user)
    after = list(fast_path.awaiting_review_after(request.user)[:50])
    if after:
        groups.insert(0, queries.Waiting(_("Review after the crisis fast path"), after))
    return render(request, "console/report_list.html", {"groups": groups})
