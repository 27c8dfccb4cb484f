"""Live web chat between a visitor's page and an advocate's page, over WebSockets."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_chat_round_trip(browser, live, page):
    visitor_context = browser.new_context(base_url=live.url)
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(15_000)
    try:
        visitor.goto("/chat/")
        visitor.get_by_label("Are you safe to chat right now?").select_option("no")
        visitor.get_by_role("button", name="Start the chat").click()
        expect(visitor.locator("#chat-status")).to_contain_text("Connected")
        visitor.get_by_label("Your message").fill("Synthetic chat: I am locked in a back room.")
        visitor.keyboard.press("Enter")
        visitor_thread = visitor.get_by_role("list", name="Messages")
        expect(visitor_thread).to_contain_text("locked in a back room")

        sign_in(page)
        page.get_by_role("link", name="Inbox").click()
        row = page.locator("tr[data-contact]", has_text="Web chat").first
        expect(row).to_contain_text("Urgent")
        row.get_by_role("button", name="Take").click()
        page.wait_for_url(re.compile(r"/conversation/$"))
        thread = page.get_by_role("list", name="Messages")
        expect(thread).to_contain_text("locked in a back room")

        page.get_by_label("Reply").fill("Synthetic: we are here. Can you tell us the city?")
        page.get_by_role("button", name="Send").click()
        expect(visitor_thread).to_contain_text("we are here. Can you tell us the city?")
        expect(visitor_thread.locator("li.hotline .meta").last).to_have_text("The hotline")

        visitor.get_by_label("Your message").fill("Synthetic: Reno.")
        visitor.get_by_role("button", name="Send").click()
        expect(thread).to_contain_text("Synthetic: Reno.")  # live, no reload

        visitor.get_by_role("button", name="End the chat").click()
        expect(page.locator("#chat-presence")).to_contain_text("left")
        page.reload()
        expect(page.locator("#chat-presence")).to_contain_text("left")
        expect(page.get_by_role("list", name="Messages")).to_contain_text("Reno")
    finally:
        visitor_context.close()
