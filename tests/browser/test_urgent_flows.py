"""Urgent work in the browser: a web tip reviewed daily (its target on the board and in the
dashboard), and the crisis fast path of a tip report with the call to 911 recorded on the
contact."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in
from tests.browser.test_report_flows import as_user

DUE = (
    "from django.utils import timezone\n"
    "from lantern.routing.models import Task\n"
    "t = Task.objects.filter(channel='webform', queue__name='general').first()\n"
    "print(f'{timezone.localtime(t.due_at):%H:%M} {t.queue.name}' if t else '')\n"
)


def test_a_web_tip_is_reviewed_daily_and_the_board_shows_its_target(browser, live, page):
    page.goto("/tip/")
    page.get_by_label("What happened?").fill(
        "Synthetic browser tip: a nail salon on Example Street opens very late every night."
    )
    page.get_by_label("Not urgent").check()
    page.get_by_label("State or territory").select_option("OR")
    page.get_by_role("button", name="Send the tip").click()
    expect(page.locator("#receipt-code")).to_be_visible()

    context, supervisor = as_user(browser, live, "supervisor")
    try:
        supervisor.get_by_role("link", name="Board").click()
        general = supervisor.locator("tr[data-queue=general]")
        expect(general.locator(".review-sla")).to_contain_text(
            "Reviewed daily (email, webform): due when the next review session ends."
        )
        # the dispatcher placed the tip: due when the next daily review session ends, 19:00
        expect(general).to_be_visible()
        for _ in range(40):  # (the shell may say first what it imported: the last line)
            out = (live.run("shell", "-c", DUE).strip().splitlines() or [""])[-1]
            if out.endswith("general"):
                break
            supervisor.wait_for_timeout(250)
        assert out == "19:00 general", out
        supervisor.goto("/console/stats/operations/")
        review = supervisor.locator("#daily-review")
        expect(review).to_contain_text("Daily review of emails and web tips")
        expect(review.locator("tbody tr").first).to_contain_text("Non-urgent (email, webform)")
    finally:
        context.close()


def test_the_crisis_fast_path_from_draft_to_the_agency_with_911_recorded(browser, live, page):
    live.run("createuser", "fast-analyst", "--role", "case_analyst", "--password-stdin",
             stdin=PASSWORD + "\n")  # fmt: skip
    contact = live.api_post(
        "/contacts",
        {"channel": "other", "call_types": ["crisis"],
         "location": {"state": "WA", "city": "Yakima", "county": "Yakima County",
                      "postal_code": "98901"}},
    )  # fmt: skip
    sign_in(page, "advocate")
    page.goto(f"/console/contacts/{contact['id']}/")
    # the advocate records that they called 911 during the contact
    page.get_by_label("Who was called").select_option("911")
    page.get_by_label("Who called").select_option("advocate")
    page.get_by_role("button", name="Record the call").click()
    calls = page.locator("#police-calls")
    expect(calls.locator("tbody")).to_contain_text("The advocate")
    expect(calls.locator("tbody")).to_contain_text("advocate")

    page.get_by_role("button", name="Create case from this contact").click()
    page.wait_for_url(re.compile(r"/console/cases/[0-9a-f-]+/$"))
    page.get_by_role("link", name="Draft a tip report").click()
    page.get_by_label("Another agency").check()
    page.get_by_label("Other agency's name").fill("Synthetic Yakima County Sheriff")
    page.get_by_label("Immediate: someone is in danger now").check()
    page.get_by_label("What the agency needs to know").fill(
        "Synthetic: a worker says she is locked in the Example Orchard bunkhouse right now."
    )
    page.get_by_label("The caller consented").check()
    page.get_by_label("Who consented").fill("the caller")
    page.get_by_label("When").fill("2026-11-20T10:30")
    page.get_by_label("What they agreed may be shared").select_option("facts_only")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/console/reports/[0-9a-f-]+/$"))
    report_url = page.url
    expect(page.locator("#fast-path")).to_have_count(0)  # an advocate cannot take it

    # the supervisor alone approves it and sends it at once
    context, supervisor = as_user(browser, live, "supervisor")
    try:
        supervisor.goto(report_url)
        supervisor.get_by_label("Why it cannot wait").fill("She is locked in right now.")
        supervisor.get_by_role("button", name="Approve and send now").click()
        expect(supervisor.locator("#report-status")).to_have_text("Approved; not delivered yet")
        expect(supervisor.locator("#fast-path-record")).to_contain_text("crisis fast path")
        supervisor.get_by_label("Recipient").fill("Sgt. Example")
        supervisor.get_by_label("Where you send it").fill("sgt.example@example.org")
        supervisor.get_by_role("button", name="Create the secure link").click()
        expect(supervisor.locator("#agency-link-url")).to_contain_text("/agency/")
    finally:
        context.close()

    # the analyst's review follows
    context, analyst = as_user(browser, live, "fast-analyst")
    try:
        analyst.get_by_role("link", name="Reports").click()
        expect(analyst.get_by_role("heading", name=re.compile("Review after the crisis fast path"))
               ).to_be_visible()  # fmt: skip
        analyst.goto(report_url)
        analyst.get_by_label("Your review").fill("Checked against the call notes.")
        analyst.get_by_role("button", name="Record my review").click()
        expect(analyst.locator("#fast-path-record")).to_contain_text("Reviewed afterwards by")
    finally:
        context.close()

    # counted in the operations dashboard
    context, supervisor = as_user(browser, live, "supervisor")
    try:
        supervisor.goto("/console/stats/operations/")
        expect(supervisor.locator("#ops-fast-tracked")).not_to_have_text("0")
        expect(supervisor.locator("#ops-review-after")).to_have_text("0")
        expect(supervisor.locator("#ops-police-calls")).not_to_have_text("0")
    finally:
        context.close()
