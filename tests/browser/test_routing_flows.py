"""Routing in the browser: an advocate accepts an offered chat while a supervisor's board updates
live, with three real browser sessions against a real ``lantern serve`` (its dispatcher on)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

NOTHING_WAITING = (
    "from lantern.routing.models import Offer, Task\n"
    "Offer.objects.filter(state='pending').update(state='withdrawn')\n"
    "Task.objects.filter(state__in=['waiting', 'offered']).update(state='abandoned')\n"
    "Task.objects.filter(state='assigned').update(state='completed')\n"
)


def test_an_advocate_accepts_an_offered_chat_while_the_board_updates(browser, live, page):
    # Contacts left waiting (or unlogged) by earlier browser tests would be offered first, or
    # count as the advocate's work: start clean.
    live.run("shell", "-c", NOTHING_WAITING)
    contexts = [browser.new_context(base_url=live.url) for _ in range(2)]
    supervisor, visitor = (context.new_page() for context in contexts)
    for p in (supervisor, visitor):
        p.set_default_timeout(15_000)
    try:
        sign_in(supervisor, "supervisor")
        supervisor.get_by_role("link", name="Board").click()
        crisis_row = supervisor.locator("tr[data-queue=crisis]")
        expect(crisis_row.locator(".waiting-count")).to_have_text("0")

        visitor.goto("/chat/")
        visitor.get_by_label("Are you safe to chat right now?").select_option("no")
        visitor.get_by_role("button", name="Start the chat").click()
        expect(visitor.locator("#chat-status")).to_contain_text("Connected")
        visitor.get_by_label("Your message").fill("Synthetic chat: he took my phone, I am hiding.")
        visitor.keyboard.press("Enter")

        # the board shows the crisis chat waiting, without a reload
        expect(crisis_row.locator(".waiting-count")).to_have_text("1")
        waiting = supervisor.locator("tr.waiting-task.crisis")
        expect(waiting).to_contain_text("Web chat")

        sign_in(page, "advocate")
        page.get_by_label("Status").select_option("available")
        offer = page.locator(".routing-bar .offer")
        expect(offer).to_contain_text("Crisis web chat")
        expect(offer).to_contain_text("not safe")  # why it is a crisis
        expect(supervisor.locator("tr[data-advocate=advocate] .presence")).to_contain_text(
            "offer pending"
        )
        offer.get_by_role("button", name="Accept").click()
        page.wait_for_url(re.compile(r"/conversation/$"))
        expect(page.get_by_role("list", name="Messages")).to_contain_text("I am hiding")

        # the board follows: nothing waiting, the advocate busy with one chat
        expect(crisis_row.locator(".waiting-count")).to_have_text("0")
        advocate_row = supervisor.locator("tr[data-advocate=advocate]")
        expect(advocate_row.locator(".load")).to_have_text("1 chat")
        expect(advocate_row.locator(".presence")).to_contain_text("Busy")
        expect(crisis_row).to_contain_text("100.0%")  # answered within 20 s

        # the offer is gone from the advocate's bar; a second accept would be refused
        expect(page.locator(".routing-bar .offer")).to_have_count(0)
        page.get_by_label("Status").select_option("offline")
        expect(advocate_row).to_have_count(0)
    finally:
        for context in contexts:
            context.close()
