"""Tip reports: every workflow rule, consent and overrides, the frozen content the agency sees,
the PDF, and the agency link (single recipient, expiring, every use logged)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from lantern.accounts.actions import do_create_user
from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.cases.models import AgencyLink, AgencyLinkAccess, PhoneNotification, TipReport
from lantern.cases.reports import actions, config, content, queries
from lantern.cases.reports.actions import AgencyLinkRefused, ReportError, delivery
from lantern.core.ids import short_id
from tests.conftest import PASSWORD

FACTS = "Synthetic: six workers sleep in the back of the Example Diner and are not paid."
NAME = "Synthetic Caller Zebedee, +1 702 555 0147"


@pytest.fixture
def people(personas):
    return {**personas, "supervisor2": do_create_user("supervisor2", "supervisor", PASSWORD,
                                                      validate=False)}  # fmt: skip


@pytest.fixture
def case(people, make_contact):
    contact = make_contact(location={"state": "NV", "city": "Reno", "county": "Washoe County",
                                     "postal_code": "89501"})  # fmt: skip
    case = case_actions.do_open_case(contact, actor=people["advocate"])
    return case_actions.do_edit_case(
        case,
        {"trafficking_type": "labor", "venue": "restaurants",
         "control_methods": ["withholds_documents", "debt_bondage"]},
        [{"role": "potential_victim", "count": 6, "age_band": "21--23",
          "citizenship": "foreign_national", "nationality": "MX"}],
        actor=people["advocate"],
    )  # fmt: skip


def consent(scope="facts_only") -> dict:
    return {
        "consent_basis": "consent",
        "consent_given_by": "the caller, a worker at the diner",
        "consent_given_at": timezone.now() - timedelta(hours=1),
        "consent_scope": scope,
    }


def draft(people, case, by="advocate", **fields):
    data = {"agency_name": "Synthetic County Task Force", "urgency": "urgent", "facts": FACTS,
            "personal_details": NAME, **consent(), **fields}  # fmt: skip
    return actions.do_draft_report(case, data, actor=people[by])


def approved(people, case, **fields):
    report = draft(people, case, **fields)
    actions.do_submit_report(report, actor=people["advocate"])
    actions.do_review_report(report, actor=people["analyst"], approve=True)
    confirm = fields.get("consent_basis") == "override"
    return actions.do_approve_report(
        report, actor=people["supervisor"], approve=True, confirm_override=confirm
    )


def refused(report_or_none) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(action="refused", object_type="cases.tipreport").last()
        if report_or_none is None
        else AuditEvent.objects.filter(action="refused", object_id=str(report_or_none.pk)).last()
    )


def test_the_whole_path_from_draft_to_outcome(people, case):
    report = draft(people, case)
    assert report.status == "draft" and report.indicators == case.control_methods
    report = actions.do_submit_report(report, actor=people["advocate"])
    assert report.status == "in_review"
    report = actions.do_review_report(report, actor=people["analyst"], approve=True, comment="ok")
    assert (report.status, report.reviewed_by) == ("awaiting_approval", people["analyst"])
    report = actions.do_approve_report(report, actor=people["supervisor"], approve=True)
    assert report.status == "approved" and len(report.approved_digest) == 64
    link, token = actions.do_issue_agency_link(
        report, actor=people["supervisor"], recipient_name="Det. Example"
    )
    report.refresh_from_db()
    assert report.status == "delivered"
    link, claim = actions.open_agency_link(token, None)
    assert claim and link.claimed_at
    actions.acknowledge_via_link(token, claim, name="Det. Example")
    report.refresh_from_db()
    assert report.status == "acknowledged"
    report = actions.do_record_outcome(
        report, actor=people["analyst"], outcome="Synthetic: the task force visited the diner."
    )
    assert report.status == "closed"
    kinds = [e.kind for e in report.events.all()]
    assert kinds == ["drafted", "submitted", "reviewed", "approved", "link_issued",
                     "acknowledged", "outcome"]  # fmt: skip


def test_an_author_cannot_review_their_own_report(people, case):
    report = draft(people, case, by="analyst")
    actions.do_submit_report(report, actor=people["analyst"])
    with pytest.raises(ReportError, match="author of a report cannot review it"):
        actions.do_review_report(report, actor=people["analyst"], approve=True)
    report.refresh_from_db()
    assert report.status == "in_review" and report.reviewed_by is None
    assert refused(report).changes["errors"]["reviewer"]


def test_an_author_cannot_approve_their_own_report(people, case):
    report = draft(people, case, by="supervisor")
    actions.do_submit_report(report, actor=people["supervisor"])
    actions.do_review_report(report, actor=people["analyst"], approve=True)
    with pytest.raises(ReportError, match="author of a report cannot approve it"):
        actions.do_approve_report(report, actor=people["supervisor"], approve=True)
    report.refresh_from_db()
    assert report.status == "awaiting_approval" and not report.approved_digest
    assert refused(report).changes["errors"]["approver"]
    # another supervisor can
    actions.do_approve_report(report, actor=people["supervisor2"], approve=True)


def test_the_reviewer_and_the_approver_are_two_people(people, case):
    report = draft(people, case)
    actions.do_submit_report(report, actor=people["advocate"])
    actions.do_review_report(report, actor=people["supervisor"], approve=True)
    with pytest.raises(ReportError, match="second person"):
        actions.do_approve_report(report, actor=people["supervisor"], approve=True)
    actions.do_approve_report(report, actor=people["supervisor2"], approve=True)


def test_the_rules_decide_who_reviews_and_approves(people, case):
    report = draft(people, case)
    actions.do_submit_report(report, actor=people["advocate"])
    with pytest.raises(PermissionDenied):
        actions.do_review_report(report, actor=people["advocate2"], approve=True)
    actions.do_review_report(report, actor=people["analyst"], approve=True)
    with pytest.raises(PermissionDenied):
        actions.do_approve_report(report, actor=people["analyst"], approve=True)


def test_sending_back_needs_a_comment_and_returns_the_draft_to_its_author(people, case):
    report = draft(people, case)
    actions.do_submit_report(report, actor=people["advocate"])
    with pytest.raises(ReportError, match="what needs to change"):
        actions.do_review_report(report, actor=people["analyst"], approve=False)
    actions.do_review_report(
        report, actor=people["analyst"], approve=False, comment="Add when the caller consented."
    )
    report.refresh_from_db()
    assert report.status == "draft"
    history = queries.report_history(people["advocate"], report)
    assert history[-1].kind == "sent_back" and "consented" in history[-1].comment
    # only the author edits the draft
    with pytest.raises(ReportError, match="only the report's author"):
        actions.do_edit_report(report, {"urgency": "routine"}, actor=people["advocate2"])
    actions.do_edit_report(report, {"urgency": "immediate"}, actor=people["advocate"])
    actions.do_submit_report(report, actor=people["advocate"])
    # and a submitted report is no longer editable
    with pytest.raises(ReportError, match="only a draft can be changed"):
        actions.do_edit_report(report, {"urgency": "routine"}, actor=people["advocate"])
    report.refresh_from_db()
    assert report.urgency == "immediate"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"consent_basis": ""}, "consent_basis"),
        ({"consent_given_by": ""}, "consent_given_by"),
        ({"consent_given_at": None}, "consent_given_at"),
        ({"consent_scope": ""}, "consent_scope"),
        ({"consent_basis": "override", "override_reason": ""}, "override_reason"),
        (
            {
                "consent_basis": "override",
                "override_reason": "legal_duty",
                "override_explanation": "NRS duty",
            },
            "override_state",
        ),  # fmt: skip
        ({"consent_basis": "override", "override_reason": "minor"}, "override_explanation"),
        ({"agency_name": ""}, "agency"),
        ({"facts": "  "}, "facts"),
    ],
)
def test_a_report_without_a_whole_consent_basis_cannot_be_sent(people, case, fields, field):
    report = draft(people, case, **fields)
    with pytest.raises(ReportError) as caught:
        actions.do_submit_report(report, actor=people["advocate"])
    assert field in caught.value.errors
    report.refresh_from_db()
    assert report.status == "draft"
    assert refused(report)


def test_bad_values_are_refused_and_no_draft_is_made(people, case):
    with pytest.raises(ReportError) as caught:
        draft(people, case, urgency="whenever", override_reason="bribe", indicators=["magic"])
    assert set(caught.value.errors) == {"urgency", "override_reason", "indicators"}
    assert not TipReport.objects.exists()
    assert refused(None)


def test_personal_details_are_left_out_without_consent_to_share_them(people, case):
    report = approved(people, case)  # consent to the facts only
    shown = content.thaw(report)
    assert "personal_details" not in shown and "Zebedee" not in str(shown)
    assert FACTS in shown["facts"]
    text = pdf_text(actions.do_prepare_pdf(report, actor=people["supervisor"]))
    assert "Zebedee" not in text and "555 0147" not in text
    assert "Example Diner" in text and report.approved_digest in text.replace("\n", "")
    event = AuditEvent.objects.filter(object_id=str(report.pk), changes__has_key="digest").get()
    assert event.changes["personal_details"] == "left out"


def test_personal_details_go_with_consent_to_share_them(people, case):
    report = approved(people, case, **consent("facts_and_identity"))
    assert content.thaw(report)["personal_details"] == NAME
    assert "Zebedee" in pdf_text(actions.do_prepare_pdf(report, actor=people["supervisor"]))


def test_an_override_needs_a_supervisor_who_confirms_it(people, case):
    override = {"consent_basis": "override", "override_reason": "minor",
                "override_explanation": "A 15-year-old is among the workers."}  # fmt: skip
    report = draft(people, case, **override)
    actions.do_submit_report(report, actor=people["advocate"])
    actions.do_review_report(report, actor=people["analyst"], approve=True)
    with pytest.raises(ReportError, match="confirm that the override"):
        actions.do_approve_report(report, actor=people["supervisor"], approve=True)
    report = actions.do_approve_report(
        report, actor=people["supervisor"], approve=True, confirm_override=True
    )
    shown = content.thaw(report)
    assert shown["personal_details"] == NAME
    assert "without consent" in shown["consent"] and "minor" in shown["consent"]


def test_an_override_by_someone_who_is_not_a_supervisor_is_refused(people, case, settings):
    from lantern.accounts import rules

    lenient = rules.parse({"version": 1, "rules": {**{a: [["everyone"]] for a in rules.ACTIONS}}})
    previous = rules.active()
    rules.use(lenient)
    try:
        report = draft(people, case, consent_basis="override", override_reason="imminent_danger",
                       override_explanation="He said they would be moved tonight.")  # fmt: skip
        actions.do_submit_report(report, actor=people["advocate"])
        actions.do_review_report(report, actor=people["advocate2"], approve=True)
        with pytest.raises(ReportError, match="needs a supervisor"):
            actions.do_approve_report(
                report, actor=people["analyst"], approve=True, confirm_override=True
            )
    finally:
        rules.use(previous)


def test_the_agency_sees_what_was_approved_even_if_the_rows_change_later(people, case):
    report = approved(people, case)
    TipReport.objects.filter(pk=report.pk).update(facts="changed behind the workflow's back")
    report.refresh_from_db()
    assert FACTS in content.thaw(report)["facts"]
    TipReport.objects.filter(pk=report.pk).update(approved_content='{"facts":"forged"}')
    report.refresh_from_db()
    with pytest.raises(ValueError, match="no intact approved content"):
        content.thaw(report)


def test_nothing_leaves_before_approval(people, case):
    report = draft(people, case)
    actions.do_submit_report(report, actor=people["advocate"])
    with pytest.raises(ReportError, match="only an approved report"):
        actions.do_issue_agency_link(report, actor=people["supervisor"], recipient_name="X")
    with pytest.raises(ReportError, match="only an approved report"):
        actions.do_prepare_pdf(report, actor=people["supervisor"])
    with pytest.raises(ReportError, match="only an approved report"):
        actions.do_record_phone_notification(
            report, actor=people["supervisor"], agency_name="Task force", person="Sgt. Example"
        )
    assert not AgencyLink.objects.exists()
    report.refresh_from_db()
    assert report.status == "in_review"
    assert AuditEvent.objects.filter(action="refused", object_id=str(report.pk)).count() == 3


def test_a_phone_notification_records_who_was_told_and_delivers(people, case):
    report = approved(people, case)
    with pytest.raises(ReportError, match="in the future"):
        actions.do_record_phone_notification(
            report, actor=people["analyst"], agency_name="Task force", person="Sgt. Example",
            called_at=timezone.now() + timedelta(hours=2),
        )  # fmt: skip
    call = actions.do_record_phone_notification(
        report, actor=people["analyst"], agency_name="Synthetic Task Force",
        person="Sgt. Example", badge_or_id="B-0000",
    )  # fmt: skip
    report.refresh_from_db()
    assert report.status == "delivered" and call.badge_or_id == "B-0000"
    # the officer's name is encrypted at rest, and shown to staff on the report
    with connection.cursor() as cursor:
        cursor.execute("SELECT person FROM cases_phonenotification")
        (stored,) = cursor.fetchone()
    assert "Example" not in stored and stored.startswith("v1:")
    assert PhoneNotification.objects.get().person_name == "Sgt. Example"


def test_the_migration_encrypts_officers_names_stored_before(people, case):
    import importlib

    from django.apps import apps

    report = approved(people, case)
    actions.do_record_phone_notification(
        report, actor=people["analyst"], agency_name="Synthetic Task Force", person="Sgt. Clear"
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_phonenotification SET person = %s", ["Sgt. Clear"])
    migration = importlib.import_module(
        "lantern.cases.migrations.0009_encrypted_phone_notification_person"
    )
    migration.encrypt_names(apps, None)
    migration.encrypt_names(apps, None)  # twice changes nothing
    with connection.cursor() as cursor:
        cursor.execute("SELECT person FROM cases_phonenotification")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and "Clear" not in stored
    assert PhoneNotification.objects.get().person_name == "Sgt. Clear"


# --- the agency link --------------------------------------------------------------------------


@pytest.fixture
def issued(people, case):
    report = approved(people, case)
    return actions.do_issue_agency_link(
        report, actor=people["supervisor"], recipient_name="Det. Example",
        recipient_contact="det.example@example.org",
    )  # fmt: skip


def outcomes(link) -> list[str]:
    return list(AgencyLinkAccess.objects.filter(link=link).values_list("outcome", flat=True))


def test_only_the_tokens_hash_is_stored(issued):
    link, token = issued
    assert token not in link.token_hash and len(token) >= 40
    assert AgencyLink.objects.filter(token_hash=delivery._digest(token)).exists()


def test_the_link_opens_for_one_browser_only(issued):
    link, token = issued
    _, claim = actions.open_agency_link(token, None)
    _, again = actions.open_agency_link(token, claim)  # the same browser comes back
    assert again is None
    with pytest.raises(AgencyLinkRefused, match="another device"):
        actions.open_agency_link(token, None)  # someone the link was forwarded to
    with pytest.raises(AgencyLinkRefused, match="another device"):
        actions.open_agency_link(token, "a guessed secret")
    # the second refusal within ten minutes is counted, not logged again (see
    # test_admin_agency_audit): a forwarded link cannot flood the audit log
    assert outcomes(link) == ["opened", "viewed", "reused"]
    refusals = AuditEvent.objects.filter(action="refused", object_id=str(link.pk))
    assert refusals.count() == 1
    reads = AuditEvent.objects.filter(action="read_pii", object_id=str(link.report_id))
    assert reads.count() == 2 and reads.first().actor_label == f"agency link {short_id(link.pk)}"


def test_an_expired_link_is_refused_and_logged(issued):
    link, token = issued
    AgencyLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AgencyLinkRefused, match="expired"):
        actions.open_agency_link(token, None)
    assert outcomes(link) == ["expired"]
    assert AuditEvent.objects.filter(action="refused", object_id=str(link.pk)).exists()
    link.refresh_from_db()
    assert not link.claim_hash


def test_a_new_link_revokes_the_old_one(people, issued):
    link, token = issued
    newer, newer_token = actions.do_issue_agency_link(
        link.report, actor=people["supervisor"], recipient_name="Det. Example"
    )
    with pytest.raises(AgencyLinkRefused, match="withdrawn"):
        actions.open_agency_link(token, None)
    actions.open_agency_link(newer_token, None)
    assert outcomes(link) == ["revoked"]


def test_an_unknown_token_opens_nothing(issued):
    with pytest.raises(AgencyLinkRefused) as caught:
        actions.open_agency_link("not-a-token", None)
    assert caught.value.status == 404


def test_the_agency_pdf_needs_the_claiming_browser(issued):
    link, token = issued
    with pytest.raises(AgencyLinkRefused):
        actions.agency_pdf(token, None)
    _, claim = actions.open_agency_link(token, None)
    _, document = actions.agency_pdf(token, claim)
    assert "Example Diner" in pdf_text(document)
    assert outcomes(link) == ["reused", "opened", "pdf"]


def test_a_report_is_withdrawn_until_the_agency_has_it(people, case):
    delivered = approved(people, case)
    actions.do_issue_agency_link(delivered, actor=people["supervisor"], recipient_name="Det. X")
    with pytest.raises(ReportError, match="cannot be withdrawn"):
        actions.do_withdraw_report(delivered, actor=people["supervisor"], reason="wrong agency")
    report = approved(people, case)
    with pytest.raises(ReportError, match="only the author or a supervisor"):
        actions.do_withdraw_report(report, actor=people["advocate2"], reason="not mine")
    with pytest.raises(ReportError, match="say why"):
        actions.do_withdraw_report(report, actor=people["advocate"], reason=" ")
    actions.do_withdraw_report(report, actor=people["advocate"], reason="the caller called back")
    report.refresh_from_db()
    assert report.status == "withdrawn"


def test_the_report_settings_file_is_checked():
    with pytest.raises(ImproperlyConfigured, match="overrides"):
        config.parse({"overrides": []})
    with pytest.raises(ImproperlyConfigured, match="listed twice"):
        config.parse({"overrides": [{"code": "minor", "label": "a"},
                                    {"code": "minor", "label": "b"}]})  # fmt: skip
    with pytest.raises(ImproperlyConfigured, match="link_hours"):
        config.parse({"overrides": [{"code": "minor", "label": "a"}], "link_hours": 0})
    settings = config.current()
    assert settings.overrides["legal_duty"].needs_state and settings.link_hours == 72


def pdf_text(document: bytes) -> str:
    assert document.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
