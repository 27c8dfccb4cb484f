"""Scrubbed transcripts of closed conversations, downloaded from the console (issue 22): a
supervisor chooses the dates and the channel and gets JSON lines with every name, number,
address, age, date, ID number and place replaced by a placeholder (``contacts.transcripts``)."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lantern.console import access
from lantern.contacts import transcripts
from lantern.contacts.choices import ContactChannelChoices
from lantern.core.errors import InvalidInput


class TranscriptExportForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("Opened on or after"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    until = forms.DateField(label=gettext_lazy("Opened on or before"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False,
        choices=[("", gettext_lazy("Every channel")), *ContactChannelChoices.choices],
    )  # fmt: skip


def transcript_export(request):
    access.require(request.user, "export_conversations")
    form = TranscriptExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chosen = transcripts.filters(
                since=data["since"], until=data["until"], channel=data["channel"],
                limit=transcripts.CONSOLE_LIMIT,
            )  # fmt: skip
        except InvalidInput as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            body = "".join(transcripts.export_lines(request.user, chosen))
            response = HttpResponse(body, content_type="application/x-ndjson; charset=utf-8")
            stamp = timezone.localdate().isoformat()
            response["Content-Disposition"] = (
                f'attachment; filename="transcripts-scrubbed-{stamp}.jsonl"'
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "console/transcript_export.html",
                  {"form": form, "limit": transcripts.CONSOLE_LIMIT})  # fmt: skip
