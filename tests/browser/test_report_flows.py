"""The whole path of a tip report in the browser: contact -> case -> report drafted -> reviewed
-> approved -> the agency opens its link (and a forwarded copy of the link shows nothing)."""

import json
import re
import time
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in

FACTS = "Synthetic: three workers at the Example Orchard say the foreman holds their passports."


def as_user(browser, live, username):
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, username)
    return context, page


def _wait_for_mail(relay, text: str, seconds: float = 20) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in relay.received if text in m]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("the link was not emailed")


def test_a_report_goes_from_a_contact_to_the_agency(browser, live, page, mail_relay):
    live.run("createuser", "report-analyst", "--role", "case_analyst", "--password-stdin",
             stdin=PASSWORD + "\n")  # fmt: skip
    contact = live.api_post(
        "/contacts",
        {"channel": "other", "call_types": ["tip"],  # not a channel other tests count
         "location": {"state": "WA", "city": "Yakima", "county": "Yakima County",
                      "postal_code": "98901"}},
    )  # fmt: skip

    # the advocate opens a case and drafts the report
    sign_in(page, "advocate")
    page.goto(f"/console/contacts/{contact['id']}/")
    page.get_by_role("button", name="Create case from this contact").click()
    page.wait_for_url(re.compile(r"/console/cases/[0-9a-f-]+/$"))
    page.get_by_role("link", name="Draft a tip report").click()
    expect(page.locator("#protocol-panel")).to_be_visible()
    page.get_by_label("Another agency").check()
    page.get_by_label("Other agency's name").fill("Synthetic Yakima County Task Force")
    page.get_by_label("Urgent: act within a day").check()
    page.get_by_label("What the agency needs to know").fill(FACTS)
    page.get_by_label("Withholds documents").check()
    page.get_by_label("The caller consented").check()
    page.get_by_label("Who consented").fill("the caller, one of the workers")
    page.get_by_label("When").fill("2026-11-20T10:30")
    page.get_by_label("What they agreed may be shared").select_option("facts_only")
    page.get_by_label("Personal details").fill("Synthetic Caller Quillon, +1 509 555 0133")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/console/reports/[0-9a-f-]+/$"))
    report_url = page.url
    expect(page.locator("#personal-left-out")).to_be_visible()
    expect(page.locator(".agency-copy")).not_to_contain_text("Quillon")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#report-status")).to_have_text("Waiting for a case analyst's review")
    expect(page.locator("#decision")).to_have_count(0)  # the author cannot decide on it

    # the case analyst reviews it
    context, analyst = as_user(browser, live, "report-analyst")
    try:
        analyst.get_by_role("link", name="Reports").click()
        analyst.locator("table a", has_text="Report").first.click()
        expect(analyst.locator(".agency-copy")).to_contain_text("Example Orchard")
        analyst.get_by_label("Comment").fill("Facts are clear.")
        analyst.get_by_role("button", name="Pass on for approval").click()
        expect(analyst.locator("#report-status")).to_contain_text("waiting for a supervisor")
    finally:
        context.close()

    # the supervisor approves and issues the agency's link
    context, supervisor = as_user(browser, live, "supervisor")
    try:
        supervisor.goto(report_url)
        supervisor.get_by_role("button", name="Approve").click()
        expect(supervisor.locator("#report-status")).to_have_text("Approved; not delivered yet")
        supervisor.get_by_label("Recipient").fill("Det. Example")
        supervisor.get_by_label("Where you send it").fill("det.example@example.org")
        supervisor.get_by_label(re.compile("Email the link to this address")).check()
        supervisor.get_by_role("button", name="Create the secure link").click()
        agency_url = supervisor.locator("#agency-link-url").inner_text().strip()
        expect(supervisor.locator("#report-status")).to_have_text("Delivered")
        expect(
            supervisor.get_by_text("The link is being emailed to its recipient.")
        ).to_be_visible()
        # the outbound queue emails it through the relay; the report says when it went
        emailed = _wait_for_mail(mail_relay, agency_url)
        assert "det.example@example.org" in emailed[0] and "Example Orchard" not in emailed[0]
        supervisor.goto(report_url)  # (not a reload: that would post the form again)
        expect(supervisor.locator("#deliveries .email-sent")).to_be_visible()
    finally:
        context.close()

    # the agency opens it, reads exactly what was approved, and acknowledges it
    agency_context = browser.new_context()
    try:
        agency = agency_context.new_page()
        agency.goto(agency_url)
        agency.get_by_role("button", name="Open the report").click()
        copy = agency.locator(".agency-copy")
        expect(copy).to_contain_text("Example Orchard")
        expect(copy).to_contain_text("Withholds documents")
        expect(copy).not_to_contain_text("Quillon")
        agency.get_by_label("Your name and badge or staff id").fill("Det. Example, badge 0000")
        agency.get_by_role("button", name="Acknowledge").click()
        expect(agency.locator("#acknowledged")).to_be_visible()
    finally:
        agency_context.close()

    # the same link, forwarded to someone else, shows nothing
    forwarded = browser.new_context()
    try:
        other = forwarded.new_page()
        other.goto(agency_url)
        expect(other.locator("#refusal")).to_contain_text("another device")
        expect(other.locator("body")).not_to_contain_text("Example Orchard")
    finally:
        forwarded.close()

    page.goto(report_url)
    expect(page.locator("#report-status")).to_have_text("Acknowledged by the agency")


REFERRAL_SETUP = r"""
import json, sys
from django.utils import timezone
from lantern.accounts.models import User
from lantern.cases import actions as cases
from lantern.cases.models import Referral
from lantern.contacts.models import Contact
from lantern.directory import actions
org = actions.do_create_organization(
    {"name": "Synthetic Loop Alliance", "description": "Synthetic test data.",
     "organization_type": "anti_trafficking"}, actor=None)
service = actions.do_create_service(org, {
    "name": "Synthetic Loop Legal Clinic", "description": "Synthetic browser test service.",
    "service_types": ["legal-services"], "languages": ["en"],
    "phones": [{"number": "509-555-0144"}],
    "locations": [{"address_1": "1 Synthetic St", "city": "Yakima", "state": "WA",
                   "postal_code": "98901"}]}, actor=None)
contact = Contact.objects.get(pk=sys.argv[-1])
referral = cases.do_give_referral(contact, service, actor=User.objects.get(username="advocate"))
Referral.objects.filter(pk=referral.pk).update(follow_up_on=timezone.localdate())
print(json.dumps({"service": str(service.pk)}))
"""


def test_a_due_referral_follow_up_is_closed_from_the_home_screen(live, page):
    contact = live.api_post("/contacts", {"channel": "other", "call_types": ["referral"]})
    setup = REFERRAL_SETUP.replace("sys.argv[-1]", repr(contact["id"]))
    ids = json.loads(live.run("shell", "-c", setup).strip().splitlines()[-1])
    sign_in(page, "advocate")
    reminders = page.locator("#follow-ups")
    expect(reminders).to_contain_text("Synthetic Loop Legal Clinic")
    reminders.get_by_role("link", name=re.compile("Contact")).first.click()
    page.get_by_label("Outcome of the referral to Synthetic Loop Legal Clinic").select_option(
        "accepted"
    )
    page.get_by_label("Note on the referral to Synthetic Loop Legal Clinic").fill(
        "Synthetic: intake booked."
    )
    page.get_by_role("button", name="Update").click()
    expect(page.locator("#referrals-given")).to_contain_text("Accepted")
    page.goto("/console/")
    expect(page.locator("body")).not_to_contain_text("Synthetic Loop Legal Clinic")
    page.goto(f"/console/directory/services/{ids['service']}/")
    expect(page.locator("#referral-acceptance")).to_contain_text("100% accepted")


STATS_SETUP = r"""
from lantern.accounts.models import User
from lantern.stats import actions
release = actions.do_prepare_release(__YEAR__, actor="browser test")
actions.do_approve_release(release, actor=User.objects.get(username="supervisor"))
print(release.pk)
"""


def test_the_public_statistics_page_renders_a_release(live, page):
    from django.utils import timezone

    # a year of its own, three back: contacts other browser tests record (this year) would
    # change the counts, and with them what the suppression audit lets through
    year = timezone.localdate().year - 3
    for _ in range(6):
        live.api_post(
            "/contacts",
            {"channel": "other", "call_types": ["general_info"],
             "received_at": f"{year}-06-15T12:00:00Z",
             "location": {"state": "OR", "city": "Salem", "postal_code": "97301"}},
        )  # fmt: skip
    live.run("shell", "-c", STATS_SETUP.replace("__YEAR__", str(year)))
    page.goto(f"/statistics/?year={year}")
    expect(page.get_by_role("heading", name=f"Hotline statistics {year}")).to_be_visible()
    expect(page.locator("svg.map")).to_have_count(2)
    chart = page.locator("#table-contacts_by_channel svg.chart")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 20
    page.locator("#table-contacts_by_channel summary").click()
    expect(page.locator("#table-contacts_by_channel table")).to_contain_text("Oregon")
    with page.expect_download() as download:
        page.locator("#table-contacts_by_channel").get_by_role(
            "link", name="Download as CSV"
        ).click()
    path = download.value.path()
    header = Path(path).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("state,state_name,channel")
    expect(page.locator("body")).not_to_contain_text("Salem")
