"""Urgent work end to end: the crisis fast path of a tip report (a supervisor alone approves a
report about someone in immediate danger; a case analyst reviews it afterwards), and 911 or the
police called during a contact. Both audited and counted in the operations dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.cases.models import TipReport
from lantern.cases.reports import actions, fast_path
from lantern.cases.reports.actions import ReportError
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import PoliceCall
from lantern.contacts.police_calls import do_record_police_call
from tests.test_reports import case, draft, people  # noqa: F401 (fixtures)

NOW_DANGER = "a worker is locked in the walk-in freezer right now"


def immediate(people, case, by="advocate", **fields):  # noqa: F811
    return draft(people, case, by=by, urgency="immediate", **fields)


def test_a_supervisor_alone_approves_an_immediate_report_and_it_can_go_at_once(people, case):  # noqa: F811
    report = immediate(people, case)
    assert fast_path.steps_for(people["supervisor"], report).fast_track
    assert not fast_path.steps_for(people["analyst"], report).fast_track
    done = fast_path.do_fast_track_report(report, actor=people["supervisor"], reason=NOW_DANGER)
    assert done.status == "approved" and done.approved_by == people["supervisor"]
    assert done.fast_tracked_by == people["supervisor"] and done.approved_digest
    # it can be sent now: the secure link is issued at once
    link, token = actions.do_issue_agency_link(
        done, actor=people["supervisor"], recipient_name="Det. Example",
        recipient_contact="det@example.org", hours=24,
    )  # fmt: skip
    assert token and link.report_id == done.pk
    event = AuditEvent.objects.filter(object_id=str(done.pk), action="update").first()
    assert event.changes["fast_path"] is True and event.changes["status"] == ["draft", "approved"]
    assert [e.kind for e in done.events.all()][:2] == ["drafted", "fast_tracked"]
    # the reason is kept encrypted, never in the audit log
    assert NOW_DANGER not in str(event.changes)


def test_the_analyst_review_follows_and_is_recorded(people, case):  # noqa: F811
    report = fast_path.do_fast_track_report(
        immediate(people, case), actor=people["supervisor"], reason=NOW_DANGER
    )
    assert list(fast_path.awaiting_review_after(people["analyst"])) == [report]
    assert not fast_path.steps_for(people["supervisor"], report).review_after
    with pytest.raises(ReportError, match="someone other than"):
        fast_path.do_review_after_fast_path(report, actor=people["supervisor"])
    with pytest.raises(PermissionDenied):
        fast_path.do_review_after_fast_path(report, actor=people["advocate2"])
    reviewed = fast_path.do_review_after_fast_path(
        report, actor=people["analyst"], comment="Facts check out."
    )
    assert reviewed.after_reviewed_at and reviewed.reviewed_by == people["analyst"]
    assert list(fast_path.awaiting_review_after(people["analyst"])) == []
    with pytest.raises(ReportError, match="recorded already"):
        fast_path.do_review_after_fast_path(report, actor=people["analyst"])


@pytest.mark.parametrize(
    ("who", "fields", "error"),
    [
        ("supervisor", {"urgency": "urgent"}, "immediate danger only"),
        ("analyst", {}, None),  # not a supervisor: PermissionDenied
        ("supervisor", {"facts": ""}, "write what the agency needs"),
    ],
)
def test_the_fast_path_is_for_immediate_danger_a_supervisor_and_a_complete_report(
    people, case, who, fields, error  # noqa: F811
):
    report = draft(people, case, **{"urgency": "immediate", **fields})
    if error is None:
        with pytest.raises(PermissionDenied):
            fast_path.do_fast_track_report(report, actor=people[who], reason=NOW_DANGER)
    else:
        with pytest.raises(ReportError, match=error):
            fast_path.do_fast_track_report(report, actor=people[who], reason=NOW_DANGER)
    report.refresh_from_db()
    assert report.status == "draft" and report.fast_tracked_at is None
    if error:
        assert AuditEvent.objects.filter(action="refused", object_id=str(report.pk)).exists()


def test_the_fast_path_needs_a_reason_and_an_overrides_confirmation(people, case):  # noqa: F811
    report = immediate(people, case)
    with pytest.raises(ReportError, match="say why"):
        fast_path.do_fast_track_report(report, actor=people["supervisor"], reason="  ")
    override = immediate(
        people, case, consent_basis="override", override_reason="imminent_danger",
        override_explanation="Synthetic: she is locked in now and cannot consent.",
    )  # fmt: skip
    with pytest.raises(ReportError, match="confirm"):
        fast_path.do_fast_track_report(override, actor=people["supervisor"], reason=NOW_DANGER)
    done = fast_path.do_fast_track_report(
        override, actor=people["supervisor"], reason=NOW_DANGER, confirm_override=True
    )
    assert done.status == "approved"
    # an approved report does not take the fast path again
    with pytest.raises(ReportError, match="approved"):
        fast_path.do_fast_track_report(done, actor=people["supervisor"], reason=NOW_DANGER)


def test_a_call_to_911_is_recorded_on_the_contact_and_audited(people, make_contact):  # noqa: F811
    contact = make_contact()
    at = timezone.now() - timedelta(minutes=2)
    call = do_record_police_call(
        contact, actor=people["advocate"], called="911", called_by="advocate", called_at=at
    )
    assert (call.called, call.called_by, call.recorded_by) == ("911", "advocate",
                                                              people["advocate"])  # fmt: skip
    assert AuditEvent.objects.filter(action="create", object_type="contacts.policecall").exists()
    for kwargs, field in [
        ({"called": "fire"}, "called"),
        ({"called_by": "nobody"}, "called_by"),
        ({"called_at": timezone.now() + timedelta(hours=2)}, "called_at"),
        ({"called_at": contact.received_at - timedelta(days=2)}, "called_at"),
    ]:
        data = {"called": "911", "called_by": "caller", "called_at": at, **kwargs}
        with pytest.raises(ContactValidationError) as caught:
            do_record_police_call(contact, actor=people["advocate"], **data)
        assert field in caught.value.errors
    assert PoliceCall.objects.count() == 1
    with pytest.raises(ContactValidationError):
        do_record_police_call(contact, actor=people["directory"], called="911",
                              called_by="advocate", called_at=at)  # fmt: skip


def test_the_console_fast_path_the_review_after_and_the_dashboard(people, case, login):  # noqa: F811
    report = immediate(people, case)
    supervisor = login("supervisor")
    page = supervisor.get(f"/console/reports/{report.pk}/").content.decode()
    assert 'id="fast-path"' in page and "Approve and send now" in page
    as_analyst = login("analyst").get(f"/console/reports/{report.pk}/").content.decode()
    assert 'id="fast-path"' not in as_analyst
    answer = supervisor.post(
        f"/console/reports/{report.pk}/fast-path/", {"reason": ""}, follow=True
    )
    assert "Say why" in answer.content.decode()
    answer = supervisor.post(f"/console/reports/{report.pk}/fast-path/", {"reason": NOW_DANGER},
                             follow=True)  # fmt: skip
    html = answer.content.decode()
    assert 'id="fast-path-record"' in html and 'id="delivery"' in html
    assert TipReport.objects.get(pk=report.pk).status == "approved"
    analyst = login("analyst")
    assert "Review after the crisis fast path" in analyst.get("/console/reports/").content.decode()
    analyst.post(f"/console/reports/{report.pk}/review-after/", {"comment": "Checked."})
    assert TipReport.objects.get(pk=report.pk).after_reviewed_at is not None
    # the call to 911, on the contact's page
    contact = case.links.first().contact
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    advocate = login("advocate")
    advocate.post(f"/console/contacts/{contact.pk}/police-call/",
                  {"called": "911", "called_by": "advocate", "called_at": when})  # fmt: skip
    page = advocate.get(f"/console/contacts/{contact.pk}/").content.decode()
    assert "911 or police called during the contact" in page and "The advocate" in page
    bad = advocate.post(f"/console/contacts/{contact.pk}/police-call/", {"called": "911"},
                        follow=True)  # fmt: skip
    assert PoliceCall.objects.count() == 1 and "Who called" in bad.content.decode()
    today = timezone.localdate()
    ops = supervisor.get(f"/console/stats/operations/?start={today}&end={today}").context["ops"]
    assert (ops.fast_tracked, ops.awaiting_review_after, ops.police_calls) == (1, 0, 1)
