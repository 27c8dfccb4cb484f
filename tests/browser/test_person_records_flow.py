"""A supervisor answers a person's request in the browser: from the home screen to the list of
every contact reached from their phone number, written another way than it was recorded."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_supervisor_finds_what_the_hotline_holds_about_a_phone_number(live, page):
    contact = live.api_post(
        "/contacts",
        {"channel": "phone", "call_types": ["tip"],
         "caller": {"name": "Synthetic Requester Odile", "phone": "+1 202 555 0171"}},
    )  # fmt: skip
    sign_in(page, "supervisor")
    page.get_by_role("link", name="A person asks what we hold about them").click()
    page.get_by_label("Phone number").fill("202.555.0171")
    page.get_by_label("Why (for the audit trail)").fill("Synthetic request by letter")
    page.get_by_role("button", name="Find").click()
    results = page.locator("#person-records")
    expect(results.locator("#found-h")).to_have_text("1 contact found")
    expect(results.locator(f'tr[data-contact="{contact["id"]}"]')).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Synthetic Requester Odile")  # no names here
    # and shreds it on the person's request
    results.locator(f'tr[data-contact="{contact["id"]}"] input[type=checkbox]').check()
    page.get_by_label("The person's request").fill("Synthetic letter asking us to delete")
    page.get_by_label("I checked that nothing obliges the hotline").check()
    page.get_by_role("button", name="Shred the ticked contacts").click()
    expect(page.get_by_text("1 contact shredded.")).to_be_visible()
    page.goto(f"/console/contacts/{contact['id']}/")
    expect(page.locator("body")).not_to_contain_text("Synthetic Requester Odile")
