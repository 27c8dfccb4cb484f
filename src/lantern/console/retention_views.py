"""The retention schedule for administrators (issue 22, part 3): what it keeps, what is due now,
how far the month keys go, and a button that applies it at once (it also runs nightly as
``lantern apply_retention``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lantern.cases import retention as runner
from lantern.console import access
from lantern.privacy import periods, retention
from lantern.privacy.choices import RetentionActionChoices, RetentionEventChoices
from lantern.privacy.choices import RetentionKindChoices as Kind


@require_http_methods(["GET", "HEAD", "POST"])
def retention_page(request):
    access.require(request.user, "apply_retention")
    if request.method == "POST" and request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm: shredding cannot be undone."))
        return redirect("console:retention")
    if request.method == "POST":
        done = runner.run(actor=request.user)
        removed = sum(n for kind, n in done.items() if kind != "month_keys")
        messages.success(
            request,
            _("The schedule was applied: %(records)d records shredded or deleted, the keys of "
              "%(months)d months destroyed.") % {"records": removed, "months": done["month_keys"]},
        )  # fmt: skip
        return redirect("console:retention")
    schedule = retention.schedule()
    due = runner.plan()
    rows = [
        {
            "kind": Kind(kind).label,
            "keep_days": rule.keep_days,
            "after": RetentionEventChoices(rule.after).label,
            "then": RetentionActionChoices(rule.then).label,
            "due": due.get(kind, 0),
        }
        for kind, rule in schedule.items()
    ]
    return render(request, "console/retention.html", {
        "rows": rows, "keys_due": due["month_keys"], "month_keys": periods.status(),
    })  # fmt: skip
