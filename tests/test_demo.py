"""``lantern seed_demo``: every role, contacts, and cases with referrals and tip reports at every
stage, all made through the actions and all obviously synthetic."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command

from lantern.audit.models import AuditEvent
from lantern.cases.models import Case, Referral, TipReport
from lantern.privacy.fields import reveal
from lantern.stats.models import Release
from lantern.training.models import Course, Review, TrainingRecord


def test_seed_demo_fills_every_part_with_synthetic_data(db):
    out = StringIO()
    call_command("seed_demo", "--contacts", "250", "--directory", "40", "--seed", "3", stdout=out)
    assert "Demo sign-ins" in out.getvalue()
    assert Case.objects.count() >= 10
    statuses = set(TipReport.objects.values_list("status", flat=True))
    assert {"draft", "in_review", "awaiting_approval", "approved", "delivered",
            "acknowledged"} <= statuses  # fmt: skip
    assert Referral.objects.exclude(status="given").exists()
    for case in Case.objects.all():
        assert reveal(case.summary).startswith("Synthetic")
    assert AuditEvent.objects.filter(object_type="cases.tipreport").exists()
    assert Release.objects.filter(status="published").count() == 1
    # training: courses, records (the case analyst's crisis course expired), reviews
    assert Course.objects.filter(requirements__queue__name="crisis").exists()
    assert TrainingRecord.objects.filter(user__username="analyst", expires_on__lt=date.today())
    reviews = list(Review.objects.all())
    assert len(reviews) >= 3 and any(r.acknowledged_at for r in reviews)
    assert all(r.advocate_id != r.reviewer_id for r in reviews)
    assert all(reveal(r.feedback).startswith("Synthetic") for r in reviews)
    # the self-assessment prints with Lantern's evidence from the demo data, and some answers
    from lantern.assessment.queries import report

    rows = {row.criterion.key: row for row in report().rows}
    assert rows["staffed_24_7"].answer == "yes" and rows["data"].answer == ""
    facts = {f.label: f.value for f in rows["responding_agency"].facts}
    assert facts["Active services in the directory"].split(",")[0] not in ("0", "")
    assert any(f.value == "24 hours a day, 7 days a week" for f in rows["staffed_24_7"].facts)
    # a second run on a database that has users adds nothing
    before = Case.objects.count()
    again = StringIO()
    call_command("seed_demo", "--if-empty", stdout=again)
    assert "not added" in again.getvalue() and Case.objects.count() == before
