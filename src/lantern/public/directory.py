"""The public referral directory (``/directory/``, off unless ``LANTERN_PUBLIC_DIRECTORY=1``).

A visitor searches by place and need, in the public languages. What they search for travels in
the body of a POST, so it is in no URL, browser history or access log, and Lantern keeps no
record of it (no audit row, no log line, nothing in the session). Confidential locations
(shelters) are never candidates: not as a result, a count or a distance.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lantern.core.errors import InvalidInput
from lantern.directory import queries
from lantern.public.forms import NEED_TYPES, DirectorySearchForm


@never_cache
@require_http_methods(["GET", "POST"])
def directory(request):
    if not settings.LANTERN_PUBLIC_DIRECTORY:
        raise Http404("The hotline does not publish its directory.")
    form = DirectorySearchForm(request.POST or None)
    context, status = {"form": form}, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                found, hints = queries.public_search(
                    data["place"],
                    terms=NEED_TYPES.get(data["need"], ()),
                    language=data["language"],
                    open_now=data["open_now"],
                    page=data["page"] or 1,
                )
            except InvalidInput:
                form.add_error(
                    "place", _("We could not find that place. Check the ZIP code or the city.")
                )
            else:
                context.update(found=found, hints=hints)
        if form.errors:
            status = 400
    return render(request, "public/directory.html", context, status=status)
