"""Answering the self-assessment: all the answers of one form together, audited (which
criteria changed and to what; the notes' text stays out of the audit trail)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.assessment.choices import AnswerChoices
from lantern.assessment.criteria import BY_KEY
from lantern.assessment.models import Answer
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.core import coerce
from lantern.core.errors import InvalidInput

MAX_NOTE = 2_000


class AssessmentError(InvalidInput):
    """Answers that cannot be saved: ``errors`` maps a criterion's key to what is wrong."""


def _clean(answers: dict) -> dict[str, tuple[str, str]]:
    errors, cleaned = {}, {}
    for key, given in answers.items():
        if key not in BY_KEY:
            errors[str(key)[:40]] = "is not a criterion of the self-assessment"
            continue
        answer, note = given
        if answer not in AnswerChoices.values:
            errors[key] = "answer yes, partly, no, or leave it unanswered"
            continue
        try:
            note = coerce.text(note, max_length=MAX_NOTE) or ""
        except coerce.Invalid as exc:
            errors[key] = f"note {exc}"
            continue
        cleaned[key] = (answer, note)
    if errors:
        raise AssessmentError(errors)
    return cleaned


def do_answer_self_assessment(answers: dict, *, actor) -> int:
    """Save ``{criterion key: (answer, note)}``; returns how many criteria changed."""
    rules.require(actor, "answer_self_assessment")
    cleaned = _clean(answers)
    changed = {}
    with transaction.atomic():
        existing = {a.criterion: a for a in Answer.objects.select_for_update()}
        for key, (answer, note) in cleaned.items():
            row = existing.get(key)
            if row is not None and (row.answer, row.note) == (answer, note):
                continue
            if row is None and not answer and not note:
                continue
            row = row or Answer(criterion=key)
            row.answer, row.note = answer, note
            row.answered_by, row.answered_at = actor, timezone.now()
            row.save()
            changed[key] = answer or "not answered"
        if changed:
            audit.record(
                actor, Audit.UPDATE, object_type="assessment.answer", object_id="self-assessment",
                changes=changed,
            )  # fmt: skip
    return len(changed)
