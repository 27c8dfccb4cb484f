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
    page.get_by_role("button", name="Shred the chosen contacts").click()
    expect(page.get_by_text("1 contact shredded.")).to_be_visible()
    page.goto(f"/console/contacts/{contact['id']}/")
    expect(page.locator("body")).not_to_contain_text("Synthetic Requester Odile")


def test_a_copy_for_the_person_is_prepared_approved_by_another_supervisor_and_downloaded(
    live, page, browser
):
    import io
    import json
    import zipfile

    from tests.browser.conftest import PASSWORD

    contact = live.api_post(
        "/contacts",
        {"channel": "phone", "call_types": ["tip"],
         "caller": {"name": "Synthetic Requester Paloma", "phone": "+1 202 555 0172"}},
    )  # fmt: skip
    live.run("createuser", "supervisor2", "--role", "supervisor", "--password-stdin",
             stdin=PASSWORD + "\n")  # fmt: skip
    sign_in(page, "supervisor")
    page.goto("/console/person-records/")
    page.get_by_label("Phone number").fill("(202) 555-0172")
    page.get_by_label("Why (for the audit trail)").fill("Synthetic request by phone")
    page.get_by_role("button", name="Find").click()
    page.locator(f'tr[data-contact="{contact["id"]}"] input[type=checkbox]').check()
    page.get_by_label("The person's request").fill("Synthetic call of 9 March asking for a copy")
    page.get_by_label("The person's language").select_option("es")
    page.get_by_role("button", name="Prepare a copy of the chosen contacts").click()
    expect(page.locator("#export-state")).to_have_text("waiting for approval")
    expect(page.locator("#export-waiting")).to_be_visible()  # not by the one who prepared it
    copy_url = page.url

    second = browser.new_context(base_url=live.url)
    other = second.new_page()
    sign_in(other, "supervisor2")
    other.get_by_role("link", name="1 copy for a person waits for approval").click()
    other.locator("#person-exports a").first.click()
    expect(other.locator("#export-content")).to_contain_text("Synthetic Requester Paloma")
    other.get_by_role("button", name="Approve the release").click()
    expect(other.locator("#export-state")).to_have_text("approved, not yet released")
    second.close()

    page.goto(copy_url)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download and release the copy").click()
    download = info.value
    assert download.suggested_filename.startswith("records-")
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as bundle:
        document = json.loads(bundle.read("records.json"))
        assert bundle.read("records.pdf").startswith(b"%PDF")
    assert document["contacts"][0]["your_name"] == "Synthetic Requester Paloma"
    page.goto(copy_url)
    expect(page.locator("#export-state")).to_have_text("released to the person")
