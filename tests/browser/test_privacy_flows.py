"""What a visit leaves behind, tried in Chromium against a real ``lantern serve`` (issue 16):
no client address in any log after public and staff WebSockets; no hotline page in the
browser's history after Quick exit."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_no_client_address_in_any_log_after_chat_and_staff_sockets(browser, live, page):
    visitor_context = browser.new_context(base_url=live.url)
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(15_000)
    try:
        visitor.goto("/chat/")
        visitor.get_by_role("button", name="Start the chat").click()
        expect(visitor.locator("#chat-status")).to_contain_text("Connected")
        sign_in(page, "supervisor")
        page.get_by_role("link", name="Board").click()
        visitor.get_by_role("button", name="End the chat").click()
        visitor.wait_for_url("**/chat/")
    finally:
        visitor_context.close()
    # the sockets were logged (the check below would be vacuous otherwise) ...
    logs = _logs_once_they_hold(
        live, '"WebSocket /ws/chat/" [accepted]', '"WebSocket /ws/console/routing/" [accepted]'
    )
    # ... and the only address anywhere is the server's own, with its own port
    addresses = re.findall(r"127\.0\.0\.1(?::(\d+))?", logs)
    assert addresses and set(addresses) == {str(live.port)}, set(addresses)


def _logs_once_they_hold(live, *lines: str) -> str:
    """Standard error and logs/lantern.log together, once every line is there (a log thread
    writes them a moment after the handshakes)."""
    deadline = time.monotonic() + 15
    while True:
        logs = live.log.read_text() + (live.data_dir / "logs" / "lantern.log").read_text()
        if all(line in logs for line in lines) or time.monotonic() > deadline:
            for line in lines:
                assert line in logs
            return logs
        time.sleep(0.1)


def test_quick_exit_leaves_no_hotline_page_in_history(browser, live, page):
    page.goto("/tip/")
    # a tip with a mistake first: the page with errors replaces the form, too
    page.get_by_role("button", name="Send the tip").click()
    expect(page.get_by_role("alert")).to_contain_text("check the fields")
    page.get_by_label("What happened?").fill("Synthetic: a history test, nothing happened.")
    page.get_by_label("Not urgent").check()
    page.get_by_role("button", name="Send the tip").click()
    page.wait_for_url("**/tip/sent/")
    code = page.locator("#receipt-code").inner_text()
    page.reload()  # a reload shows the same receipt, and files nothing
    expect(page.locator("#receipt-code")).to_have_text(code)
    page.get_by_role("link", name="Follow up on a tip").click()
    page.wait_for_url("**/tip/follow-up/")
    page.get_by_label("Your receipt code").fill(code)
    page.get_by_role("button", name="Open my report").click()
    page.wait_for_url("**/tip/follow-up/messages/")
    _quick_exit_and_look_back(page, live)

    chat = browser.new_context(base_url=live.url).new_page()
    chat.set_default_timeout(15_000)
    chat.goto("/chat/")
    chat.get_by_role("button", name="Start the chat").click()
    chat.wait_for_url("**/chat/room/")
    expect(chat.locator("#chat-status")).to_contain_text("Connected")
    chat.get_by_role("button", name="End the chat").click()
    chat.wait_for_url("**/chat/")
    chat.get_by_role("button", name="Start the chat").click()
    chat.wait_for_url("**/chat/room/")
    _quick_exit_and_look_back(chat, live)
    chat.context.close()


def _quick_exit_and_look_back(page, live):
    """Quick exit, then Back as far as the browser goes: no page of the hotline's on the way."""
    page.route(
        "https://www.weather.gov/**",
        lambda route: route.fulfill(body="weather", content_type="text/html"),
    )
    # every page of the visit replaced the one before: the blank tab, then the hotline
    assert page.evaluate("history.length") == 2
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("https://www.weather.gov/")
    assert page.evaluate("history.length") == 2
    seen = []
    while page.go_back() is not None and len(seen) < 5:
        seen.append(page.url)
    seen.append(page.url)
    assert all(live.url not in url for url in seen), f"Back shows a hotline page: {seen}"
