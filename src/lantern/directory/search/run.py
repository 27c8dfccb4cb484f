"""``search`` and ``search_services``: a query through candidates to a page of hits."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lantern.accounts import rules
from lantern.directory.schedules import is_open_compiled
from lantern.directory.search.candidates import (
    _candidates,
    _first_per_service,
    _rank,
    _unlocated_page,
    origin_of,
)
from lantern.directory.search.hits import _hits
from lantern.directory.search.located import located_page
from lantern.directory.search.query import DirectoryQuery, SearchPage
from lantern.directory.search.sql import _HOURS, _SERVICE, _TZ
from lantern.directory.search.text import text_words


def search(user, query: DirectoryQuery) -> SearchPage:
    """One hit per service-at-location the user may see, best first (see the module docstring)."""
    return _search(user, query, per_service=False)


def search_services(user, query: DirectoryQuery) -> SearchPage:
    """Like ``search``, one hit per service: its best-placed location."""
    return _search(user, query, per_service=True)


def _search(user, query: DirectoryQuery, *, per_service: bool) -> SearchPage:
    # Staff need view_directory. An anonymous visitor reaches here only through the public HSDS
    # API (LANTERN_HSDS_PUBLIC), which never includes confidential locations.
    public = user is not None and not user.is_authenticated and not query.include_confidential
    if not public and not rules.allows(user, "view_directory"):
        raise PermissionDenied("not allowed to search the directory")
    origin = origin_of(query)
    words = text_words(query.text)
    warnings = []
    if query.text.strip() and not words:
        warnings.append("the text has no words to search for; it was ignored")
    at = query.at or timezone.now()
    if origin is None:
        page, total = _unlocated_page(query, words, at, per_service=per_service)
    elif not per_service:
        page, total = located_page(query, origin, words, at)
        if not query.open_now:
            for cand in page:
                cand.open_now = is_open_compiled(cand.row[_HOURS], at, cand.row[_TZ])
    else:
        candidates = _candidates(query, origin, words)
        if query.open_now:
            for cand in candidates.values():
                cand.open_now = is_open_compiled(cand.row[_HOURS], at, cand.row[_TZ])
            candidates = {k: c for k, c in candidates.items() if c.open_now}
        ranked = _rank(query, origin, candidates)
        if per_service:
            ranked = _first_per_service(ranked, key=lambda c: c.row[_SERVICE])
        start = (query.page - 1) * query.per_page
        page, total = ranked[start : start + query.per_page], len(ranked)
        if not query.open_now:  # a broad search has thousands of candidates; a page has 20
            for cand in page:
                cand.open_now = is_open_compiled(cand.row[_HOURS], at, cand.row[_TZ])
    return SearchPage(
        hits=_hits(user, query, page),
        total=total,
        page=query.page,
        per_page=query.per_page,
        origin=origin,
        warnings=warnings,
    )
