"""The directory during a live call: search near a ZIP code, filter by language, refer services
to a contact (saved or not yet saved) and see them on the contact; a directory manager verifies.

The directory is created through ``directory.actions`` in a ``lantern shell`` against the live
server's data directory. Contacts here use the chat and SMS channels so the phone-channel
counts of test_console_flows are unaffected.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in

SETUP = r"""
import json
from lantern.directory import actions
org = actions.do_create_organization(
    {"name": "Synthetic Bayou Alliance", "description": "Synthetic test data.",
     "organization_type": "anti_trafficking"}, actor=None)
def service(name, languages, zip_code, city, **extra):
    return actions.do_create_service(org, {
        "name": name, "description": "Synthetic browser test service.",
        "service_types": ["case-management"], "languages": languages,
        "phones": [{"number": "713-555-0123"}],
        "locations": [{"address_1": "1 Synthetic St", "city": city, "state": "TX",
                       "postal_code": zip_code}],
        **extra}, actor=None)
ids = {
    "spanish": str(service("Synthetic Houston Case Management", ["en", "es"], "77002",
                           "Houston").pk),
    "vietnamese": str(service("Synthetic Houston Vietnamese Advocacy", ["vi"], "77004",
                              "Houston").pk),
    "far": str(service("Synthetic El Paso Case Management", ["en", "es"], "79901",
                       "El Paso").pk),
    "due": str(service("Synthetic Due Verification Service", ["en"], "77002", "Houston").pk),
}
print(json.dumps(ids))
"""


@pytest.fixture(scope="module")
def directory(live):
    live.run(
        "createuser",
        "dirmanager",
        "--role",
        "directory_manager",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    out = live.run("shell", "-c", SETUP)
    return json.loads(out.strip().splitlines()[-1])


def results(page):
    return page.locator("#directory-results")


def test_search_near_a_zip_filter_by_language_and_refer(page, live, directory):
    created = live.api_post(
        "/contacts",
        {
            "channel": "chat",
            "call_types": ["referral"],
            "language": "es",
            "location": {"state": "TX", "city": "Houston", "postal_code": "77002"},
        },
    )
    sign_in(page)
    page.goto(f"/console/contacts/{created['id']}/edit/")
    # the panel starts from the contact's ZIP code and language
    expect(page.get_by_label("Near")).to_have_value("77002")
    expect(page.get_by_label("Speaks")).to_have_value("es")
    expect(results(page)).to_contain_text("Synthetic Houston Case Management")
    expect(results(page)).not_to_contain_text("Synthetic Houston Vietnamese Advocacy")
    expect(results(page)).not_to_contain_text("Synthetic El Paso")  # 1,000 km away
    expect(results(page).locator("a[href^='tel:']").first).to_have_attribute(
        "href", "tel:+17135550123"
    )

    # filter by another language, as you type
    page.get_by_label("Speaks").fill("vi")
    expect(results(page)).to_contain_text("Synthetic Houston Vietnamese Advocacy")
    expect(results(page)).not_to_contain_text("Synthetic Houston Case Management")

    # keyboard: "/" focuses the search, ↓ enters the results, "r" refers
    page.get_by_label("Speaks").fill("es")
    expect(results(page)).to_contain_text("Synthetic Houston Case Management")
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.get_by_label("Search directory")).to_be_focused()
    page.keyboard.type("case management")
    # the answer to the whole text, not to "case" while it was being typed
    expect(results(page).locator(".hit").first).to_contain_text("matched words: case, management")
    expect(results(page).locator(".hit").first).to_contain_text("Synthetic Houston Case Management")
    page.keyboard.press("ArrowDown")
    expect(results(page).locator(".hit").first).to_be_focused()
    page.keyboard.press("r")
    given = page.locator("#referrals-given")
    expect(given).to_contain_text("Synthetic Houston Case Management")
    expect(results(page).locator(".hit").first.get_by_role("button")).to_have_text("Referred ✓")

    page.goto(f"/console/contacts/{created['id']}/")
    expect(page.get_by_role("heading", name="Referrals given")).to_be_visible()
    expect(page.locator("#referrals-given")).to_contain_text("Synthetic Houston Case Management")


def test_refer_while_logging_a_new_contact(page, live, directory):
    sign_in(page)
    page.goto("/console/contacts/new/")
    page.get_by_label("SMS", exact=True).check()
    page.get_by_role("checkbox", name=re.compile("^Referral")).check()
    page.get_by_label("Caller type").select_option("victim_survivor")
    page.get_by_label("ZIP code").fill("77004")
    page.get_by_label("ZIP code").press("Tab")  # the panel follows the contact's ZIP code
    expect(page.get_by_label("Near")).to_have_value("77004")
    hit = results(page).locator(".hit", has_text="Synthetic Houston Vietnamese Advocacy")
    hit.get_by_role("button", name="Refer").click()
    expect(page.locator("#referral-queue")).to_contain_text("Synthetic Houston Vietnamese Advocacy")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(re.compile(r"/console/contacts/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("status").first).to_contain_text("with 1 referral")
    expect(page.locator("#referrals-given")).to_contain_text(
        "Synthetic Houston Vietnamese Advocacy"
    )


def test_directory_manager_verifies_a_service(page, live, directory):
    sign_in(page, "dirmanager")
    page.get_by_role("link", name="Directory").click()
    page.get_by_role("link", name="Due for verification").click()
    row = page.locator("tr", has_text="Synthetic Due Verification Service")
    expect(row).to_contain_text("never")
    row.get_by_role("button", name=re.compile("^Verify")).click()
    expect(page.get_by_role("status").first).to_contain_text("verified today")
    expect(page.locator("tr", has_text="Synthetic Due Verification Service")).to_have_count(0)
    page.goto(f"/console/directory/services/{directory['due']}/")
    expect(page.locator("main")).to_contain_text("by dirmanager")


def test_advocate_sees_no_manager_screens(page, live, directory):
    sign_in(page)
    page.goto(f"/console/directory/services/{directory['spanish']}/")
    expect(page.get_by_role("heading", name="Synthetic Houston Case Management")).to_be_visible()
    expect(page.get_by_role("button", name="Verify")).to_have_count(0)
    response = page.goto("/console/directory/due/")
    assert response.status == 403


def test_no_result_says_which_filter_to_relax(page, live, directory):
    """A Vietnamese speaker near El Paso: nobody within 40 km speaks it, Houston does (1,000 km
    away, beyond any radius), and every filter relaxed alone is offered with what it finds."""
    sign_in(page)
    page.goto("/console/directory/?near=79901&language=vi&radius_km=40")
    box = results(page)
    expect(box).to_contain_text("0 results")
    expect(box).to_contain_text("Nothing matches every filter. Relax one:")
    relax = box.get_by_role("button", name=re.compile(r"in any language"))
    expect(relax).to_have_text("1 result in any language")
    relax.click()
    expect(page.get_by_label("Speaks")).to_have_value("")
    expect(box.locator(".hit").first).to_contain_text("Synthetic El Paso Case Management")


def test_near_follows_the_city_as_it_is_typed(page, live, directory):
    sign_in(page)
    page.goto("/console/contacts/new/")
    page.get_by_label("State").select_option("TX")
    page.get_by_label("City").fill("El Paso")  # input events only: focus stays in City
    expect(page.get_by_label("Near")).to_have_value("El Paso, TX")
    expect(page.get_by_label("City")).to_be_focused()
    expect(results(page).locator(".hit").first).to_contain_text("Synthetic El Paso Case Management")
