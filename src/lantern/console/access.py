"""The console's access helpers: every view module imports these, never another view's.

Signing in is not checked here: ``LoginRequiredMiddleware`` refuses every console view to an
anonymous visitor (see ``lantern/urls.py`` for what is public). What remains per view:

- ``require(user, action)``: the permission rules allow the action at all, else 403.
- ``get_or_404(lookup, *args)``: one record through a query that applies the rules; missing
  and not allowed answer the same 404, so an id never tells whether the record exists.
- ``paginate(request, qs)``: a page of a list, and the query string that keeps its filters;
  ``filtered_list(request, template, form, qs)`` renders such a list with its filter form.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from lantern.accounts import rules
from lantern.cases import queries as case_queries
from lantern.cases.reports import queries as report_queries
from lantern.contacts import queries as contact_queries

PAGE_SIZE = 50


def require(user, action: str, obj=None) -> None:
    """403 unless the rules allow ``action`` (on ``obj``, when given)."""
    rules.require(user, action, obj)


def require_any(user, *actions: str) -> None:
    """403 unless the rules allow at least one of ``actions``."""
    if not any(rules.allows(user, action) for action in actions):
        rules.require(user, actions[0])


def get_or_404(lookup, *args, **kwargs):
    """``lookup(*args, **kwargs)``, a query raising ``DoesNotExist`` for a missing or forbidden
    record; either becomes the same 404."""
    try:
        return lookup(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404("Not found") from None


def paginate(request, qs, per_page: int = PAGE_SIZE):
    """``(page, query)``: the requested page of ``qs`` and the query string without ``page``,
    for the pager's links. A page number out of range shows the last page."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def filtered_list(request, template: str, filter_form, qs, **extra):
    """A list page: its filter form, the requested page of ``qs``, and the query string that
    keeps the filters in the pager's links (the contact and audit lists)."""
    page, query = paginate(request, qs)
    context = {"filter_form": filter_form, "page": page, "query": query, **extra}
    return render(request, template, context)


def contact(user, contact_id, action: str = "view_contact"):
    return get_or_404(contact_queries.access_contact_for_user, user, contact_id, action)


def case(user, case_id, action: str = "view_case"):
    return get_or_404(case_queries.access_case_for_user, user, case_id, action)


def report(user, report_id):
    return get_or_404(report_queries.access_report_for_user, user, report_id)
