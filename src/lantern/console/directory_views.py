"""Directory screens: search (page and the live-call panel), service pages, managers' screens,
and referrals given on a contact. Each view reads one form and calls one action or query."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.cases import actions as case_actions
from lantern.cases import queries as case_queries
from lantern.console import access
from lantern.console.directory_forms import (
    DirectorySearchForm,
    OrganizationForm,
    ServiceEditor,
)
from lantern.core.errors import InvalidInput
from lantern.directory import actions, queries, relax, search
from lantern.directory.models import Organization, Service

PANEL_PER_PAGE = 10


def _service(user, service_id, action="view_directory") -> Service:
    access.require(user, action)
    return access.get_or_404(queries.access_service_for_user, user, service_id, action)


def _organization(user, organization_id) -> Organization:
    access.require(user, "manage_directory")
    return access.get_or_404(queries.access_organization_for_user, user, organization_id)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- search ---------------------------------------------------------------------------------------


def search_form(data=None, initial=None) -> DirectorySearchForm:
    return DirectorySearchForm(
        data,
        initial=initial,
        service_types=queries.service_type_choices(),
        languages=["en", "es", "fr", "zh", "vi", "ko", "tl", "ru", "ar", "ht", "pt", "hi"],
    )


def _results_context(request, form: DirectorySearchForm, *, per_page: int) -> dict:
    """Run the search the form describes; ``target`` says how results offer a referral."""
    user = request.user
    target = request.GET.get("contact", "")
    ctx = {"form": form, "target": target, "page": None, "errors": {}, "panel": bool(target)}
    contact = None
    if target and target != "new":
        contact = access.contact(user, target)
        ctx["contact"] = contact
        ctx["referred"] = case_queries.referred_service_ids(user, contact)
    ctx["can_refer"] = bool(target) and rules.allows(user, "give_referral")
    if not form.has_criteria():
        return ctx
    params = form.params()
    if form.near_error:
        ctx["errors"] = {"near": form.near_error}
        return ctx
    try:
        query = search.parse_query({**params, "per_page": str(per_page)})
    except InvalidInput as exc:
        ctx["errors"] = exc.errors
        return ctx
    ctx["page"] = search.search(user, query)
    ctx["query"] = params
    if ctx["page"].total == 0:
        ctx["relaxations"] = relax.relaxations(user, query)
    return ctx


def directory(request):
    """The standalone directory: the same search as the panel, full width."""
    access.require(request.user, "view_directory")
    form = search_form(request.GET or None, initial={"radius_km": "40"})
    ctx = _results_context(request, form, per_page=20)
    ctx["can_manage"] = rules.allows(request.user, "manage_directory")
    return render(request, "console/directory.html", ctx)


def directory_search(request):
    """HTMX: the results for what is typed in the search panel (GET, debounced)."""
    access.require(request.user, "view_directory")
    form = search_form(request.GET)
    per_page = PANEL_PER_PAGE if request.GET.get("contact") else 20
    return render(
        request,
        "console/_directory_results.html",
        _results_context(request, form, per_page=per_page),
    )


# --- services -------------------------------------------------------------------------------------


def service_detail(request, service_id):
    access.require(request.user, "view_directory")
    detail = access.get_or_404(queries.service_detail, request.user, service_id)
    ctx = {
        "d": detail,
        "service": detail.service,
        "acceptance": case_queries.acceptance_for_service(detail.service),
    }
    contact_id = request.GET.get("contact")
    if contact_id and detail.can_refer:
        contact = access.contact(request.user, contact_id)
        ctx["contact"] = contact
        ctx["referred"] = detail.service.pk in case_queries.referred_service_ids(
            request.user, contact
        )
    return render(request, "console/directory_service.html", ctx)


def _editor_page(request, editor, *, service=None, organization):
    ctx = {"editor": editor, "service": service, "organization": organization}
    return render(request, "console/directory_service_form.html", ctx)


def service_new(request, organization_id):
    organization = _organization(request.user, organization_id)
    editor = ServiceEditor(
        request.POST or None,
        initial={"status": "active"},
        service_types=queries.service_type_choices(),
    )
    if request.method == "POST" and editor.is_valid():
        try:
            service = actions.do_create_service(organization, editor.to_data(), actor=request.user)
        except InvalidInput as exc:
            editor.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("Service “%(name)s” added.") % {"name": service.name})
            return redirect(service)
    return _editor_page(request, editor, organization=organization)


def service_edit(request, service_id):
    service = _service(request.user, service_id, "manage_directory")
    editor = ServiceEditor(
        request.POST or None,
        initial=queries.service_form_data(service),
        service_types=queries.service_type_choices(),
    )
    if request.method == "POST" and editor.is_valid():
        try:
            actions.do_update_service(service, editor.to_data(), actor=request.user)
        except InvalidInput as exc:
            editor.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("Service “%(name)s” saved.") % {"name": service.name})
            return redirect(service)
    return _editor_page(request, editor, service=service, organization=service.organization)


def _back(request, default: str) -> str:
    """Where a one-click action returns to: a ``next`` on this site, or the default."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else default


@require_POST
def service_verify(request, service_id):
    service = _service(request.user, service_id, "manage_directory")
    try:
        actions.do_verify_service(service, actor=request.user)
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, _("“%(name)s” verified today.") % {"name": service.name})
    return redirect(_back(request, service.get_absolute_url()))


@require_POST
def service_retire(request, service_id):
    service = _service(request.user, service_id, "manage_directory")
    actions.do_retire_service(service, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(
        request,
        _("“%(name)s” retired: it no longer appears in search.") % {"name": service.name},
    )
    return redirect(_back(request, service.get_absolute_url()))


@require_POST
def service_reactivate(request, service_id):
    service = _service(request.user, service_id, "manage_directory")
    actions.do_reactivate_service(service, actor=request.user)
    messages.success(request, _("“%(name)s” is active again.") % {"name": service.name})
    return redirect(_back(request, service.get_absolute_url()))


def due_list(request):
    access.require(request.user, "manage_directory")
    qs = queries.services_due_for_verification(request.user)
    page, _ = access.paginate(request, qs)
    return render(request, "console/directory_due.html", {"page": page, "query": ""})


# --- organizations --------------------------------------------------------------------------------


def organization_list(request):
    access.require(request.user, "manage_directory")
    text = request.GET.get("q", "")
    qs = queries.organizations_for_manager(request.user, text)
    page, query = access.paginate(request, qs)
    ctx = {"page": page, "q": text, "query": query}
    return render(request, "console/directory_organizations.html", ctx)


def organization_new(request):
    access.require(request.user, "manage_directory")
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.do_create_organization(form.to_data(), actor=request.user)
        except InvalidInput as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(
                request,
                _("Organization “%(name)s” added. Now add its services.") % {"name": org.name},
            )
            return redirect("console:directory_organization", org.pk)
    return render(request, "console/directory_organization.html", {"form": form})


def organization_edit(request, organization_id):
    org = _organization(request.user, organization_id)
    form = OrganizationForm(
        request.POST or None,
        initial={
            f: getattr(org, f)
            for f in (
                "name",
                "alternate_name",
                "organization_type",
                "description",
                "email",
                "website",
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_organization(org, form.to_data(), actor=request.user)
        except InvalidInput as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("Organization “%(name)s” saved.") % {"name": org.name})
            return redirect("console:directory_organization", org.pk)
    ctx = {
        "form": form,
        "organization": org,
        "services": queries.services_of_organization(request.user, org),
    }
    return render(request, "console/directory_organization.html", ctx)


# --- referrals on a contact -----------------------------------------------------------------------


def _referrals_response(request, contact, *, error: str = ""):
    if _is_htmx(request):
        ctx = {
            "contact": contact,
            "referrals": case_queries.referrals_for_contact(request.user, contact),
            "referral_error": error,
            "editable": True,
        }
        return render(request, "console/_referrals_given.html", ctx)
    if error:
        messages.error(request, error)
    return redirect(_back(request, reverse("console:contact_edit", args=[contact.pk])))


@require_POST
def referral_give(request, contact_id):
    """Attach a service to a saved contact (the panel's Refer button on the edit page)."""
    access.require(request.user, "give_referral")
    contact = access.contact(request.user, contact_id)
    service = _service(request.user, request.POST.get("service", ""))
    location = queries.location_of_service(service, request.POST.get("location", ""))
    try:
        case_actions.do_give_referral(contact, service, actor=request.user, location=location)
    except InvalidInput as exc:
        return _referrals_response(request, contact, error=" ".join(exc.errors.values()))
    if not _is_htmx(request):
        messages.success(request, _("Referred: %(name)s.") % {"name": service.name})
    return _referrals_response(request, contact)


@require_POST
def referral_remove(request, contact_id, referral_id):
    access.require(request.user, "give_referral")
    contact = access.contact(request.user, contact_id)
    referral = access.get_or_404(
        case_queries.access_referral_for_user, request.user, contact, referral_id
    )
    try:
        case_actions.do_remove_referral(referral, actor=request.user)
    except InvalidInput as exc:
        return _referrals_response(request, contact, error=" ".join(exc.errors.values()))
    if not _is_htmx(request):
        messages.success(
            request,
            _("Referral to %(name)s removed.") % {"name": referral.service.name},
        )
    return _referrals_response(request, contact)


@require_POST
def referral_update(request, contact_id, referral_id):
    """The closed loop: record that the caller reached the service, was accepted, declined,
    or could not get through. Answers on the page it came from (the contact's or the case's)."""
    access.require(request.user, "give_referral")
    contact = access.contact(request.user, contact_id)
    referral = access.get_or_404(
        case_queries.access_referral_for_user, request.user, contact, referral_id
    )
    try:
        case_actions.do_update_referral(
            referral, request.POST.get("status", ""), actor=request.user,
            note=request.POST.get("note", ""),
        )  # fmt: skip
    except InvalidInput as exc:
        return _referrals_response(request, contact, error=" ".join(exc.errors.values()))
    if not _is_htmx(request):
        messages.success(
            request,
            _("Referral to %(name)s updated.") % {"name": referral.service.name},
        )
    return _referrals_response(request, contact)
