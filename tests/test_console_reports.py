"""Tip report screens and the agency's link, through HTTP: each step as its user takes it, what
each role sees, and the link's refusals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lantern.cases import actions as case_actions
from lantern.cases.models import AgencyLink, AgencyLinkAccess, TipReport
from lantern.public.agency import COOKIE
from tests.test_reports import NAME, pdf_text

FACTS = "Synthetic: a nail salon on Example Street keeps its workers' passports."


@pytest.fixture
def case(personas, make_contact):
    contact = make_contact()
    # as the tip form records it when the person ticks "you may share this"
    type(contact).objects.filter(pk=contact.pk).update(consent_to_share=True)
    return case_actions.do_open_case(contact, actor=personas["advocate"])


def form_data(**overrides) -> dict:
    data = {
        "agency": "other", "agency_name": "Synthetic Harris County Task Force",
        "urgency": "urgent", "facts": FACTS, "personal_details": NAME,
        "consent_basis": "consent", "consent_given_by": "the caller",
        "consent_given_at": "2026-11-20T10:30", "consent_scope": "facts_only",
        "indicators": ["withholds_documents"],
    }  # fmt: skip
    data.update(overrides)
    return data


def drafted(login, case, **overrides) -> TipReport:
    response = login("advocate").post(
        f"/console/cases/{case.pk}/reports/new/", form_data(**overrides)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return TipReport.objects.get()


def through_approval(login, case, **overrides) -> TipReport:
    report = drafted(login, case, **overrides)
    base = f"/console/reports/{report.pk}"
    assert login("advocate").post(f"{base}/submit/").status_code == 302
    assert login("analyst").post(f"{base}/decide/", {"decision": "approve"}).status_code == 302
    assert login("supervisor").post(f"{base}/decide/", {"decision": "approve"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved"
    return report


def test_the_form_starts_from_the_case(login, case):
    page = login("advocate").get(f"/console/cases/{case.pk}/reports/new/").content.decode()
    assert 'id="protocol-panel"' in page
    # the contact said yes to sharing: the consent basis is filled in for the advocate to check
    assert re.search(r'name="consent_basis" value="consent"[^>]* checked', page)
    assert 'name="consent_given_by" value="the caller"' in page


def test_each_role_takes_its_step(login, case):
    report = drafted(login, case)
    base = f"/console/reports/{report.pk}"
    page = login("advocate").get(base + "/").content.decode()
    assert "Send for review" in page and "Example Street" in page
    assert 'id="personal-left-out"' in page  # the name is in the draft but will not leave
    login("advocate").post(f"{base}/submit/")
    # the author cannot decide on their own report, even by posting the form
    response = login("advocate").post(f"{base}/decide/", follow=True, data={"decision": "approve"})
    assert response.status_code in (200, 403)
    report.refresh_from_db()
    assert report.status == "in_review"
    page = login("analyst").get(base + "/").content.decode()
    assert "Pass on for approval" in page
    login("analyst").post(f"{base}/decide/", {"decision": "send_back"}, follow=True)
    report.refresh_from_db()
    assert report.status == "in_review"  # sending back needs a comment
    login("analyst").post(f"{base}/decide/", {"decision": "send_back", "comment": "Add the ZIP."})
    report.refresh_from_db()
    assert report.status == "draft"
    page = login("advocate").get(base + "/").content.decode()
    assert "Add the ZIP." in page


def test_another_advocate_does_not_read_the_report(login, case):
    report = drafted(login, case)
    page = login("advocate2").get(f"/console/reports/{report.pk}/").content.decode()
    assert "Example Street" not in page and "Zebedee" not in page


def test_waiting_lists(login, case):
    report = drafted(login, case)
    login("advocate").post(f"/console/reports/{report.pk}/submit/")
    page = login("analyst").get("/console/reports/").content.decode()
    assert "Waiting for your review" in page and str(report) in page
    assert "Nothing is waiting" in login("advocate2").get("/console/reports/").content.decode()


def link_form_id(client, report) -> str:
    """The one-time id of the link form on the report's page (a reload cannot post it twice)."""
    page = client.get(f"/console/reports/{report.pk}/").content.decode()
    return re.search(r'name="form_id" value="([^"]+)"', page).group(1)


def issue_link(login, report) -> str:
    supervisor = login("supervisor")
    page = supervisor.post(
        f"/console/reports/{report.pk}/link/",
        {"recipient_name": "Det. Example", "recipient_contact": "det@example.org", "hours": 48,
         "form_id": link_form_id(supervisor, report)},
    ).content.decode()  # fmt: skip
    match = re.search(r'id="agency-link-url">([^<]+)<', page)
    assert match, page[:3000]
    return match.group(1).replace("http://testserver", "")


def test_the_agency_opens_its_link_once_and_only_sees_what_was_approved(login, case):
    report = through_approval(login, case)
    path = issue_link(login, report)
    agency = Client()
    first = agency.get(path)
    assert first.status_code == 200 and b"Open the report" in first.content
    assert first["Referrer-Policy"] == "same-origin" and "noindex" in first["X-Robots-Tag"]
    assert not AgencyLinkAccess.objects.exists()  # looking is not opening (mail scanners)
    opened = agency.post(path)
    assert opened.status_code == 302 and COOKIE in opened.cookies
    assert opened.cookies[COOKIE]["httponly"]
    page = agency.get(path).content.decode()
    assert "Example Street" in page and report.approved_digest in page
    assert "Zebedee" not in page and "agency-personal-details" not in page
    assert "Synthetic Caller" not in page  # nothing of the contact's caller either
    # a forwarded link
    other = Client()
    refused = other.get(path)
    assert refused.status_code == 410 and b"another device" in refused.content
    assert other.get(path + "pdf/").status_code == 410
    document = agency.get(path + "pdf/")
    assert document["Content-Type"] == "application/pdf"
    assert "Example Street" in pdf_text(document.content)
    agency.post(path + "acknowledge/", {"name": "Det. Example, badge 0000"})
    report.refresh_from_db()
    assert report.status == "acknowledged"
    link = AgencyLink.objects.get()
    # the forwarded link's second refusal (the PDF) within ten minutes is counted, not logged
    assert list(link.accesses.values_list("outcome", flat=True)) == [
        "opened",
        "viewed",
        "reused",
        "pdf",
        "acknowledged",
    ]
    log = login("supervisor").get(f"/console/reports/{report.pk}/").content.decode()
    assert "Refused: already opened on another device" in log


def test_an_expired_link_says_so(login, case):
    report = through_approval(login, case)
    path = issue_link(login, report)
    AgencyLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(path)
    assert response.status_code == 410 and b"expired" in response.content
    assert Client().get("/agency/not-a-real-token/").status_code == 404


def test_consent_to_share_identity_lets_the_details_through(login, case):
    report = through_approval(login, case, consent_scope="facts_and_identity")
    path = issue_link(login, report)
    agency = Client()
    agency.post(path)
    assert "Zebedee" in agency.get(path).content.decode()


def test_staff_record_a_phone_call_and_the_outcome(login, case):
    report = through_approval(login, case)
    base = f"/console/reports/{report.pk}"
    call = {"agency_name": "Synthetic Task Force", "person": "Sgt. Example", "badge_or_id": "B-1"}
    login("analyst").post(f"{base}/phone/", call)
    report.refresh_from_db()
    assert report.status == "delivered"
    pdf = login("analyst").post(f"{base}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Cache-Control"] == "no-store"
    login("analyst").post(f"{base}/outcome/", {"outcome": "Synthetic: visit planned."})
    report.refresh_from_db()
    assert report.status == "closed"
    page = login("analyst").get(f"/console/cases/{case.pk}/").content.decode()
    assert "outcome recorded" in page and "agency notified by phone" in page


def test_the_protocols_directory_agency_is_offered_as_the_recipient(login, case, personas):
    """Issue 21 part 8: a protocol step names a directory service; the report form offers it
    as the agency, and delivering it offers the contacts the directory lists for it."""
    from lantern.directory import actions as directory_actions
    from lantern.directory.models import DirectoryContact, Phone
    from lantern.protocols.actions import do_save_protocol

    org = directory_actions.do_create_organization(
        {"name": "Synthetic Regional Task Force", "organization_type": "task_force",
         "description": "Synthetic."}, actor=personas["directory"],
    )  # fmt: skip
    service = directory_actions.do_create_service(
        org, {"name": "Synthetic Task Force Tip Desk", "description": "Synthetic.",
              "service_types": ["law-enforcement"]}, actor=personas["directory"],
    )  # fmt: skip
    desk = DirectoryContact.objects.create(
        service=service, name="Det. Synthetic Ortega", title="Tip coordinator",
        email="tips@taskforce.example.org",
    )  # fmt: skip
    Phone.objects.create(contact=desk, number="+17135550177", type="voice")
    DirectoryContact.objects.create(organization=org, department="Front desk")
    do_save_protocol(
        {"name": "Synthetic national protocol", "level": "national"},
        [{"service": str(service.pk), "instructions": "Synthetic: send every tip here."}],
        actor=personas["directory"],
    )
    form = login("advocate").get(f"/console/cases/{case.pk}/reports/new/").content.decode()
    assert "Synthetic Task Force Tip Desk" in form
    report = through_approval(login, case, agency=str(service.pk), agency_name="")
    assert report.agency_id == service.pk
    page = login("supervisor").get(f"/console/reports/{report.pk}/").content.decode()
    assert "Det. Synthetic Ortega" in page and "Tip coordinator" in page and "Front desk" in page
    assert 'value="Det. Synthetic Ortega"' in page  # the link's recipient, filled in
    assert 'value="tips@taskforce.example.org"' in page
    assert "713-555-0177" in page


def test_a_reloaded_link_page_does_not_issue_a_second_link(login, case):
    """Reloading the page that shows a new link posts its form again: refused, and the link
    just made stays open."""
    report = through_approval(login, case)
    supervisor = login("supervisor")
    form = {"recipient_name": "Det. Example", "recipient_contact": "det@example.org",
            "hours": 48, "form_id": link_form_id(supervisor, report)}  # fmt: skip
    assert supervisor.post(f"/console/reports/{report.pk}/link/", form).status_code == 200
    again = supervisor.post(f"/console/reports/{report.pk}/link/", form)
    assert again.status_code == 302
    assert "sent already" in supervisor.get(again.url).content.decode()
    [link] = AgencyLink.objects.filter(report=report)
    assert link.revoked_at is None
    no_id = {k: v for k, v in form.items() if k != "form_id"}
    assert supervisor.post(f"/console/reports/{report.pk}/link/", no_id).status_code == 302
    assert AgencyLink.objects.filter(report=report).count() == 1
