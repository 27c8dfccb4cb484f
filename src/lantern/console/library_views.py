"""The resource library for staff (issue 23 part 2): the list, and adding or changing a document
or link. The public sees published ones at /resources/."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lantern.console import access
from lantern.console.library_forms import ResourceForm
from lantern.library import actions, queries
from lantern.library.models import Resource


@require_http_methods(["GET", "HEAD"])
def library_list(request):
    access.require(request.user, "manage_library")
    return render(request, "console/library_list.html", {"resources": queries.staff_list()})


@require_http_methods(["GET", "HEAD", "POST"])
def library_edit(request, resource_id=None):
    access.require(request.user, "manage_library")
    resource = get_object_or_404(Resource, pk=resource_id) if resource_id else None
    if request.method == "POST":
        form = ResourceForm(request.POST, request.FILES)
        if form.is_valid():
            data, upload = form.to_data()
            try:
                saved = actions.do_save_resource(
                    data, actor=request.user, resource=resource, file=upload
                )
            except actions.LibraryError as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
                return redirect("console:library")
        status = 400
    else:
        initial = ResourceForm.initial_from(resource) if resource else {"published": True}
        form, status = ResourceForm(initial=initial), 200
    return render(
        request, "console/library_form.html", {"form": form, "resource": resource}, status=status
    )
