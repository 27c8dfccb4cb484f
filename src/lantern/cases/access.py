"""Which cases a user may open or change: the permission rules, compiled into queries.

Everything that reads cases starts here (``cases_for_user``), so a list, a search, a count or
a lookup can never show a case the rules hide. Missing and forbidden look the same.
"""

from __future__ import annotations

import uuid

from lantern.accounts import rules
from lantern.cases.models import Case
from lantern.core.ids import reference_filter


def cases_for_user(user, action: str = "view_case"):
    """The cases the rules let the user open (merged duplicates left out), newest first; with
    another ``action``, those of them the user may also do that to."""
    qs = Case.objects.restrict(user, "view_case")
    if action != "view_case":
        qs = qs & Case.objects.restrict(user, action)
    return qs.filter(merged_into__isnull=True).select_related("assigned_to")


def access_case_for_user(user, case_id, action: str = "view_case"):
    """One case, or ``Case.DoesNotExist``: missing, not allowed to see and not allowed to do
    ``action`` to all look the same."""
    try:
        case_uuid = uuid.UUID(str(case_id))
    except ValueError:
        raise Case.DoesNotExist from None
    return cases_for_user(user, action).get(pk=case_uuid)


def merged_case_for_user(user, case_id):
    """The case a merged duplicate lives on in (following merges of merges), or None: a
    bookmark or an old link to a duplicate still leads somewhere."""
    try:
        pk = uuid.UUID(str(case_id))
    except ValueError:
        return None
    if not Case.objects.restrict(user, "view_case").filter(pk=pk).exists():
        return None  # a duplicate the user may not see answers like a missing one
    for _ in range(20):  # merges never form a loop; the bound is a guard, not a limit
        pk = Case.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
        if pk is None:
            return None
        if (case := cases_for_user(user).filter(pk=pk).first()) is not None:
            return case
    return None


def case_by_reference(user, text: str, action: str = "view_case"):
    """The case staff named by its id or short id, or None (also when not allowed)."""
    where = reference_filter(text)
    if where is None:
        return None
    found = list(cases_for_user(user, action).filter(where)[:2])
    return found[0] if len(found) == 1 else None


def can_read_case_pii(user, case) -> bool:
    """May the user read the case's summary, notes and status reasons (``view_case_pii``)?"""
    return rules.allows_object(user, "view_case_pii", case)
