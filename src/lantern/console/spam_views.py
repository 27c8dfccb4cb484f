"""Dismissing a burst of fake contacts as spam, and restoring it (supervisors; issue 16)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lantern.console import access
from lantern.contacts import queries as contact_queries
from lantern.contacts.choices import ContactChannelChoices
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import SpamBatch
from lantern.routing import spam as spam_actions

WINDOWS = (15, 60, 180, 720, 1440)  # minutes a supervisor may look back
PUBLIC_CHANNELS = (ContactChannelChoices.WEBFORM, ContactChannelChoices.CHAT)


def spam(request):
    """A burst to look at: the open contacts of the last minutes, all ticked, and the batches
    dismissed before, each with its Restore button."""
    access.require(request.user, "dismiss_spam")
    channel = request.GET.get("channel", "")
    try:
        minutes = int(request.GET.get("minutes") or 60)
    except ValueError:
        minutes = 60
    minutes = minutes if minutes in WINDOWS else 60
    channels = [channel] if channel in ContactChannelChoices.values else list(PUBLIC_CHANNELS)
    since = timezone.now() - timedelta(minutes=minutes)
    candidates = contact_queries.spam_candidates(request.user, channels=channels, since=since)
    return render(request, "console/spam.html", {
        "candidates": candidates, "batches": contact_queries.spam_batches(),
        "channel": channel, "minutes": minutes, "windows": WINDOWS,
        "channels": ContactChannelChoices.choices,
    })  # fmt: skip


@require_POST
def spam_dismiss(request):
    access.require(request.user, "dismiss_spam")
    ids = contact_queries.visible_contact_ids(request.user, request.POST.getlist("contact"))
    try:
        batch = spam_actions.do_dismiss_spam(
            ids, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ContactValidationError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, ngettext(
            "Dismissed %(n)d contact as spam. Restore the batch below if that was a mistake.",
            "Dismissed %(n)d contacts as spam. Restore the batch below if that was a mistake.",
            batch.size,
        ) % {"n": batch.size})  # fmt: skip
    return redirect("console:spam")


@require_POST
def spam_restore(request, batch_id):
    access.require(request.user, "dismiss_spam")
    batch = SpamBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("No such batch"))
    try:
        spam_actions.do_restore_spam(batch, actor=request.user)
    except ContactValidationError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, _("Restored: the contacts are back in the inbox and queues."))
    return redirect("console:spam")
