"""An advocate signs in and records a contact during a live call, keyboard first."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_sign_in_and_record_a_contact(page, live):
    # A previous contact from the same number, so the repeat banner has something to say.
    live.api_post(
        "/contacts", {"channel": "sms", "call_types": ["tip"], "caller": {"phone": "+17025550166"}}
    )

    sign_in(page)
    page.get_by_role("link", name="New contact").first.click()
    expect(page.get_by_role("heading", name="New contact")).to_be_visible()

    page.get_by_label("Phone", exact=True).first.check()  # channel
    crisis = page.get_by_role("checkbox", name=re.compile("^Crisis"))
    crisis.focus()
    page.keyboard.press("2")  # second call type: Tip
    crisis.check()
    page.get_by_label("Caller type").select_option("victim_survivor")
    page.get_by_label("Language").fill("es")
    page.get_by_label("Caller's name").fill("Test Caller Browser")
    page.get_by_label("Caller's phone").fill("(702) 555-0166")
    page.get_by_label(
        "Caller's email"
    ).focus()  # leaving the phone field checks for repeat contacts
    expect(page.get_by_text("Repeat contact")).to_be_visible()
    expect(page.locator("#repeat-banner")).to_contain_text("1 time")
    page.get_by_label("State").select_option("NV")
    page.get_by_label("City").fill("Las Vegas")
    page.get_by_label("Summary").fill(
        "Synthetic browser test: caller is not safe at the motel tonight."
    )
    page.keyboard.press("Control+Enter")

    page.wait_for_url(re.compile(r"/console/contacts/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("status").first).to_contain_text("saved")
    body = page.locator("main")
    expect(body).to_contain_text("Test Caller Browser")
    expect(body).to_contain_text("+1 702-555-0166")
    expect(body).to_contain_text("urgent")
    expect(body).to_contain_text("Crisis")
    expect(body).to_contain_text("Tip")
    expect(body).to_contain_text("Spanish")

    page.get_by_role("link", name="Contacts").click()
    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("State").select_option("NV")  # other tests' calls have no place
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("main")).to_contain_text("1 contact")


def test_bad_input_keeps_what_was_typed(page, live):
    sign_in(page)
    page.goto("/console/contacts/new/")
    page.get_by_label("Phone", exact=True).first.check()
    page.get_by_label("ZIP code").fill("9")
    page.get_by_label("Summary").fill("Synthetic text that must survive an error")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.locator("main")).to_contain_text("choose at least one call type")
    expect(page.get_by_label("Summary")).to_have_value("Synthetic text that must survive an error")


def test_an_at_risk_contact_records_what_puts_the_person_at_risk(page, live):
    sign_in(page)
    page.goto("/console/contacts/new/")
    page.get_by_label("SMS", exact=True).first.check()
    page.get_by_role("checkbox", name=re.compile("^General information")).check()
    at_risk = page.locator("#at-risk")
    at_risk.get_by_label("Runaway or homeless youth").check()
    page.get_by_label("Caller type").select_option(label="Researcher / student")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.locator("#at-risk")).to_contain_text("Tick “At risk” in the call types")
    expect(at_risk.get_by_label("Runaway or homeless youth")).to_be_checked()  # kept as typed

    page.get_by_role("checkbox", name=re.compile("^At risk")).check()
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(re.compile(r"/console/contacts/[0-9a-f-]{36}/$"))
    body = page.locator("main")
    expect(body).to_contain_text("Runaway or homeless youth")
    expect(body).to_contain_text("Researcher / student")


def test_supervisor_sees_the_audit_trail(page, live):
    created = live.api_post("/contacts", {"channel": "chat", "call_types": ["general_info"]})
    sign_in(page, "supervisor")
    page.goto(f"/console/contacts/{created['id']}/")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.locator("table").last).to_contain_text("advocate")
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
