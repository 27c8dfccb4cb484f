"""Protocols and cases in the browser: a directory manager writes a protocol; an advocate opens a
case from a contact and finds that protocol on it, then moves the case on."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in


def test_a_protocol_written_by_a_manager_shows_on_a_case_opened_from_a_contact(browser, live, page):
    live.run("createuser", "manager", "--role", "directory_manager", "--password-stdin",
             stdin=PASSWORD + "\n")  # fmt: skip
    contact = live.api_post(
        "/contacts",
        {"channel": "other", "call_types": ["tip"],  # not a channel other tests count
         "location": {"state": "NM", "city": "Santa Fe", "county": "Santa Fe County",
                      "postal_code": "87501"}},
    )  # fmt: skip
    manager_context = browser.new_context(base_url=live.url)
    manager = manager_context.new_page()
    manager.set_default_timeout(15_000)
    try:
        sign_in(manager, "manager")
        manager.get_by_role("link", name="Protocols").click()
        manager.get_by_role("link", name="New protocol").click()
        manager.get_by_label("Name").fill("New Mexico (synthetic)")
        manager.get_by_label("Level").select_option("state")
        manager.get_by_label("State", exact=True).select_option("NM")
        manager.locator("#id_step1_agency").fill("Synthetic New Mexico task force")
        manager.locator("#id_step1_phone").fill("+15555550177")
        manager.locator("#id_step1_instructions").fill("Call the duty phone first.")
        manager.get_by_role("button", name="Save").click()
        title = manager.get_by_role("heading", name="New Mexico (synthetic)", exact=True)
        expect(title).to_be_visible()
        manager.get_by_role("button", name="Mark verified today").click()
        expect(manager.locator(".protocol-card")).not_to_contain_text("never")
    finally:
        manager_context.close()

    sign_in(page, "advocate")
    page.goto(f"/console/contacts/{contact['id']}/")
    page.get_by_role("button", name="Create case from this contact").click()
    page.wait_for_url(re.compile(r"/console/cases/[0-9a-f-]+/$"))
    panel = page.locator("#protocol-panel")
    expect(panel).to_contain_text("New Mexico (synthetic)")
    expect(panel).to_contain_text("Synthetic New Mexico task force")
    page.get_by_label("Move to").select_option("in_review")
    page.get_by_label("Why").fill("ready for review")
    page.get_by_role("button", name="Change").click()
    expect(page.locator(".timeline")).to_contain_text("In review by a case analyst (was Open)")
    page.get_by_role("link", name="Edit facts and people").click()
    page.get_by_label("Type of trafficking").select_option("labor")
    page.locator("#id_party1_role").select_option("potential_victim")
    page.locator("#id_party1_count").fill("2")
    page.locator("#id_party1_age_band").select_option("9--17")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("2 potential victims")
    expect(page.locator("main")).to_contain_text("(minor)")
