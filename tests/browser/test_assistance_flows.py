"""T&TA requests in Chromium (issue 23 part 1): a professional asks on a phone, in English and in
Spanish, and gets a reference and the promised date, with axe-core finding nothing serious; an
advocate turns a logged T&TA call into a request; a supervisor assigns it, records what was
delivered, and closes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lantern.core import languages
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import AXE, FAIL_IMPACTS, FAIL_RULES, RUN_AXE
from tests.browser.test_i18n_flows import check

PHONE = {"width": 390, "height": 844}


def _axe(page, where: str) -> None:
    page.add_script_tag(content=AXE.read_text())
    serious = [v for v in page.evaluate(RUN_AXE)
               if v["impact"] in FAIL_IMPACTS or v["id"] in FAIL_RULES]  # fmt: skip
    assert not serious, f"{where}: {serious}"


@pytest.mark.parametrize("code", ["en", "es"])
def test_a_professional_asks_for_training_on_a_phone(browser, live, code):
    # axe is injected as an inline script: this context lets it past the CSP
    context = browser.new_context(base_url=live.url, viewport=PHONE, locale=code, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        lang = languages.find(code)
        page.goto("/assistance/")
        check(page, lang, "T&TA request form")
        _axe(page, f"/assistance/ [{code}]")
        form = page.locator("#assistance-form")
        form.locator("[name=requester_name]").fill("Synthetic Requester")
        form.locator("[name=organization]").fill("Example Outreach Center")
        form.locator("[name=organization_type]").select_option("faith_community")
        form.locator("[name=email]").fill("")
        form.locator("[name=phone]").fill("")
        form.locator("[name=topic]").select_option("working_with_survivors")
        form.locator("[name=description]").fill("Synthetic: a workshop for 20 volunteers.")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        # no way to answer: the reason next to the field, in the visitor's language
        expect(page.locator("#id_email-error")).to_be_visible()
        check(page, lang, "T&TA request form with an error")
        _axe(page, f"/assistance/ error [{code}]")
        form.locator("[name=phone]").fill("(505) 555-0123")
        form.locator("[name=state]").select_option("NM")
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/assistance/sent/")
        reference = page.locator("#assistance-reference").inner_text()
        assert re.fullmatch(r"TA-[0-9A-F]{8}", reference)
        expect(page.locator("#assistance-due strong")).not_to_be_empty()
        assert "555" not in page.url and "Synthetic" not in page.url
        check(page, lang, "T&TA request sent")
        _axe(page, f"/assistance/sent/ [{code}]")
    finally:
        context.close()


def test_from_a_tta_call_to_a_closed_request(browser, live, page):
    contact = live.api_post("/contacts", {
        "channel": "phone", "call_types": ["tta"], "caller_type": "law_enforcement",
        "language": "en", "location": {"state": "AZ", "city": "Phoenix"},
        "caller": {"name": "Det. Synthetic Browser", "phone": "+1 602 555 0177"},
        "summary": "Synthetic: wants a roll-call training on labor trafficking indicators.",
    })  # fmt: skip
    sign_in(page, "advocate")
    page.goto(f"/console/contacts/{contact['id']}/")
    page.get_by_role("link", name="Create a T&TA request from this contact").click()
    expect(page.get_by_label("Your name")).to_have_value("Det. Synthetic Browser")
    expect(page.get_by_label("Kind of organization")).to_have_value("law_enforcement")
    page.get_by_label("Topic").select_option("labor_trafficking")
    page.get_by_role("button", name="Create the request").click()
    message = page.locator(".messages, [role=status]").filter(has_text="T&TA request TA-")
    expect(message.first).to_be_visible()
    reference = re.search(r"TA-[0-9A-F]{8}", message.first.inner_text())[0]
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "supervisor")
    page.get_by_role("link", name="T&TA requests").click()
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#request-status")).to_have_text("New")
    expect(page.get_by_text("Det. Synthetic Browser")).to_be_visible()
    page.locator("#assign-owner").select_option(label="supervisor")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#request-status")).to_have_text("Assigned")
    expect(page.locator("#request-owner")).to_have_text("supervisor")
    page.get_by_label("What").select_option("training")
    page.get_by_label("Hours spent").fill("2.5")
    page.get_by_label("Note (optional)").fill("Synthetic: roll-call training given.")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator("#deliverables")).to_contain_text("roll-call training given")
    expect(page.locator("#request-hours")).to_have_text("2.50")
    expect(page.locator("#request-status")).to_have_text("In progress")
    page.get_by_label("Move to").select_option("delivered")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#request-status")).to_have_text("Delivered")
    page.get_by_label("Move to").select_option("closed")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#request-status")).to_have_text("Closed")
    # the request's page and the queue pass axe too (another context: axe runs inline)
    request_page = page.url
    checker = browser.new_context(base_url=live.url, viewport=PHONE, bypass_csp=True).new_page()
    try:
        sign_in(checker, "supervisor")
        for path in (request_page, "/console/assistance/?status=closed"):
            checker.goto(path)
            _axe(checker, f"console {path}")
    finally:
        checker.context.close()
