"""The public resource library (``/resources/``): published documents and links, searchable by
topic, audience and language, and their files, served by Lantern. Nothing about the visitor or
what they looked for is recorded (the request log never holds a query string)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from lantern.library import queries
from lantern.public.library_forms import LibrarySearchForm


@require_GET
def library(request):
    form = LibrarySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:  # a stale or edited link's page number goes to the nearest page, never an error
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    found = queries.public_search(
        text=filters.get("q") or "",
        topic=filters.get("topic") or "",
        audience=filters.get("audience") or "",
        language=filters.get("language") or "",
        page=max(1, min(page, 10_000)),
    )
    status = 400 if form.is_bound and form.errors else 200
    pages = {}
    for name, number in (("previous", found.page - 1), ("next", found.page + 1)):
        if 1 <= number <= found.pages:
            query = request.GET.copy()
            query["page"] = str(number)
            pages[name] = "?" + query.urlencode()
    return render(
        request, "public/library.html", {"form": form, "found": found, "pages": pages},
        status=status,
    )  # fmt: skip


@require_GET
def library_file(request, resource_id):
    resource = queries.published_file(resource_id)
    if resource is None:
        raise Http404("No such document in the library.")
    response = HttpResponse(bytes(resource.file_content), content_type=resource.file_type)
    # filename*= carries a name in any script; a plain filename= falls back for old clients
    response["Content-Disposition"] = content_disposition_header(True, resource.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
