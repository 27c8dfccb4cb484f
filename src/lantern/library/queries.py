"""The resource library's reads: the public page's search, one resource for download, the staff
list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lantern.assistance.models import AssistanceTopic
from lantern.library.models import Resource

PAGE_SIZE = 20


@dataclass
class Found:
    resources: list[Resource]
    total: int
    page: int
    pages: int


def _listed() -> QuerySet:
    return Resource.objects.defer("file_content").prefetch_related("topics")


def public_topics():
    return AssistanceTopic.objects.filter(active=True)


def public_search(*, text="", topic="", audience="", language="", page=1) -> Found:
    """Published resources matching every given filter, by title, a page at a time.
    Languages and audiences are JSON lists: they are matched in Python on the filtered rows
    (a library holds hundreds of items, not millions)."""
    found = _listed().filter(published=True)
    if text:
        found = found.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    if topic:
        found = found.filter(topics__key=topic, topics__active=True)
    rows = list(found.distinct())
    if audience:
        rows = [r for r in rows if audience in (r.audiences or [])]
    if language:
        primary = language.split("-")[0]
        rows = [r for r in rows if any(t.split("-")[0] == primary for t in r.languages or [])]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return Found(resources=rows[start : start + PAGE_SIZE], total=len(rows), page=page,
                 pages=pages)  # fmt: skip


def published_file(resource_id) -> Resource | None:
    """A published resource with a file, whole (for download), else None."""
    return Resource.objects.filter(pk=resource_id, published=True, file_size__gt=0).first()


def staff_list() -> QuerySet:
    return _listed().select_related("created_by").order_by("-updated_at")
