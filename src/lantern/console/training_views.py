"""Training screens: one's own training and the queues it clears one for; for supervisors and
administrators, everyone's standing with every course, a staff member's records, recording a
completion and removing a mistaken record; the course list."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.console import access
from lantern.console.training_forms import TrainingRecordForm
from lantern.training import actions, queries
from lantern.training.exceptions import TrainingError


def training(request):
    """Everyone: their own records and clearance; with ``view_training``, the staff table."""
    ctx = _member_context(request.user, request.user)
    if rules.allows(request.user, "view_training"):
        ctx["matrix"] = queries.matrix()
    return render(request, "console/training.html", ctx)


def _member_context(viewer, member) -> dict:
    return {
        "member": member,
        "records": queries.records_of(member),
        "clearance": queries.clearance(member),
        "own": viewer.pk == member.pk,
        "today": queries.today(),
        "soon": queries.today() + timedelta(days=queries.EXPIRY_WARNING_DAYS),
        "can_manage": rules.allows(viewer, "manage_training"),
    }


def training_staff(request, user_id):
    """A staff member's records; a supervisor or administrator records a completion here."""
    access.require(request.user, "view_training")
    member = access.get_or_404(queries.staff_member, request.user, user_id)
    can_manage = rules.allows(request.user, "manage_training")
    form = TrainingRecordForm(
        request.POST if request.method == "POST" and can_manage else None,
        courses=queries.courses(active_only=True),
    )
    if request.method == "POST":
        access.require(request.user, "manage_training")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_record_training(
                    member, data["course"], completed_on=data["completed_on"],
                    note=data["note"], actor=request.user,
                )  # fmt: skip
            except TrainingError as exc:
                form.add_domain_errors(exc.errors)
            else:
                messages.success(
                    request,
                    _("%(course)s recorded for %(user)s.")
                    % {"course": data["course"].name, "user": member.get_username()},
                )
                return redirect("console:training_staff", user_id=member.pk)
    ctx = {**_member_context(request.user, member), "form": form}
    return render(request, "console/training_staff.html", ctx, status=400 if form.errors else 200)


@require_POST
def training_record_remove(request, record_id):
    access.require(request.user, "manage_training")
    record = access.get_or_404(queries.access_record_for_user, request.user, record_id)
    member = record.user
    actions.do_remove_training_record(record, actor=request.user)
    messages.success(request, _("The record was removed."))
    return redirect("console:training_staff", user_id=member.pk)


def training_courses(request):
    """Every course, its validity and the queues that require it (administrators edit them)."""
    return render(
        request,
        "console/training_courses.html",
        {
            "courses": queries.courses(),
            "can_edit": request.user.role == "admin",
        },
    )
