"""An anonymous tip from the public form, then the follow-up by receipt code, in Chromium."""

import re

from playwright.sync_api import expect


def test_tip_receipt_and_follow_up(page, live):
    page.goto("/tip/")
    expect(page.get_by_role("link", name="Quick exit")).to_be_visible()
    page.get_by_label("What happened?").fill(
        "Synthetic browser tip: a crew sells magazines door to door and never gets paid."
    )
    page.get_by_label("Someone could be in danger soon").check()
    page.get_by_label("State or territory").select_option("OR")
    page.get_by_label("Type of work or place").select_option("traveling_sales_crews")
    page.get_by_role("button", name="Send the tip").click()
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)

    page.get_by_role("link", name="Follow up on a tip").click()
    page.get_by_label("Your receipt code").fill(code)
    page.get_by_role("button", name="Open my report").click()  # the browser does its work first
    page.wait_for_url("**/tip/follow-up/messages/")
    thread = page.get_by_role("list", name="Messages")
    expect(thread).to_contain_text("sells magazines door to door")
    page.get_by_label("Your answer").fill("Synthetic: they are in a white van.")
    page.get_by_role("button", name="Send").click()
    expect(thread).to_contain_text("white van")

    # quick exit leaves for a neutral site and takes this page out of the history
    page.route(
        "https://www.weather.gov/**",
        lambda route: route.fulfill(body="weather", content_type="text/html"),
    )
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("https://www.weather.gov/")
    # Back finds no hotline page at all (each page replaced the one before; see
    # test_privacy_flows), only the blank page the browser started on
    page.go_back()
    assert live.url not in page.url, page.url
