"""Training's answer to routing's question "who may take this queue's contacts?"
(``routing.eligibility``): an advocate whose record of a course the queue requires is missing or
expired may not, and the reason names the courses. Registered in ``TrainingConfig.ready``."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lantern.training import queries
from lantern.training.choices import TrainingStandingChoices as Standing


def describe(gaps: list[queries.Gap]) -> str:
    """ "Safety planning (expired 3 March 2026), Crisis line induction (not completed)"."""
    parts = []
    for gap in gaps:
        if gap.standing == Standing.EXPIRED and gap.expires_on:
            status = _("expired %(date)s") % {"date": date_format(gap.expires_on)}
        else:
            status = _("not completed")
        parts.append(f"{gap.course.name} ({status})")
    return ", ".join(parts)


def barred(advocate_ids, queue_ids, now) -> dict[tuple[int, int], str]:
    found = queries.gaps(list(advocate_ids), list(queue_ids), queries.today(now))
    return {
        pair: _("This queue requires training: %(courses)s.") % {"courses": describe(gaps)}
        for pair, gaps in found.items()
    }
