"""What a visit leaves behind, tried in Chromium against a real ``lantern serve`` (issue 16):
no client address in any log after public and staff WebSockets."""

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
