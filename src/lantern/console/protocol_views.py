"""Response protocol screens: the list with "which protocol applies?", a protocol's page with its
steps and verification, and the editor for directory managers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.console import access
from lantern.console.protocol_forms import ProtocolForm, ProtocolLookupForm
from lantern.protocols import actions, queries
from lantern.protocols.exceptions import ProtocolError
from lantern.protocols.models import Protocol


def _protocol(protocol_id) -> Protocol:
    protocol = queries.protocols_for_user(None).filter(pk=protocol_id).first()
    if protocol is None:
        raise Http404("No such protocol")
    return protocol


def protocol_list(request):
    access.require(request.user, "view_protocols")
    lookup = ProtocolLookupForm(request.GET or None)
    chosen = None
    if request.GET and lookup.is_valid():
        chosen = queries.protocol_for(*lookup.place_and_situation())
    return render(
        request,
        "console/protocols.html",
        {
            "protocols": queries.protocols_for_user(request.user),
            "lookup": lookup,
            "looked_up": bool(request.GET) and lookup.is_valid(),
            "chosen": chosen,
            "can_manage": rules.allows(request.user, "manage_protocols"),
        },
    )


def protocol_detail(request, protocol_id):
    access.require(request.user, "view_protocols")
    protocol = _protocol(protocol_id)
    return render(
        request,
        "console/protocol_detail.html",
        {"protocol": protocol, "can_manage": rules.allows(request.user, "manage_protocols")},
    )


def protocol_edit(request, protocol_id=None):
    access.require(request.user, "manage_protocols")
    protocol = _protocol(protocol_id) if protocol_id else None
    initial = ProtocolForm.initial_from(protocol) if protocol else {"active": True}
    form = ProtocolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, steps = form.to_data()
        try:
            saved = actions.do_save_protocol(fields, steps, actor=request.user, protocol=protocol)
        except ProtocolError as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("Protocol “%(name)s” saved.") % {"name": saved.name})
            return redirect("console:protocol_detail", protocol_id=saved.pk)
    return render(
        request,
        "console/protocol_form.html",
        {"form": form, "protocol": protocol},
        status=400 if form.errors else 200,
    )


@require_POST
def protocol_verify(request, protocol_id):
    access.require(request.user, "manage_protocols")
    protocol = _protocol(protocol_id)
    actions.do_verify_protocol(protocol, actor=request.user)
    messages.success(request, _("Marked as verified today."))
    return redirect("console:protocol_detail", protocol_id=protocol.pk)
