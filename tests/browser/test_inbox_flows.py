"""A text reaches the hotline through Twilio; an advocate takes it, replies and logs it."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import TWILIO_ACCOUNT, sign_in


def test_text_to_the_inbox_and_a_reply_back(page, live, fake_twilio):
    status, twiml = live.twilio_post(
        "/intake/twilio/sms",
        {"MessageSid": "SM" + "b" * 32, "From": "+17025550177", "To": "+15555550100",
         "Body": "Synthetic test: my employer keeps my passport", "NumMedia": "0"},
    )  # fmt: skip
    assert status == 200 and "<Message>" in twiml  # the automatic first reply

    sign_in(page)
    page.get_by_role("link", name="Inbox").click()
    row = page.locator("tr[data-contact]", has_text="SMS").first  # other tests leave chats, tips
    expect(row).to_contain_text("SMS")
    expect(row).to_contain_text("nobody yet")
    row.get_by_role("button", name="Take").click()

    page.wait_for_url(re.compile(r"/console/contacts/[0-9a-f-]{36}/conversation/$"))
    thread = page.get_by_role("list", name="Messages")
    expect(thread).to_contain_text("my employer keeps my passport")
    expect(thread).to_contain_text("Automatic reply")
    page.get_by_label("Reply").fill("Synthetic test reply: you are safe to talk here.")
    page.get_by_role("button", name="Send").click()
    expect(thread).to_contain_text("you are safe to talk here")
    # the outbound queue's worker sends it a moment after the page answered: look again
    last = page.locator("li.msg.out").last
    for _ in range(50):
        if last.get_attribute("data-status") == "sent":
            break
        page.wait_for_timeout(100)
        page.reload()
    expect(last).to_have_attribute("data-status", "sent")
    sent = [r for r in fake_twilio.requests if r["auth"] == TWILIO_ACCOUNT]
    assert sent[-1]["form"]["To"] == "+17025550177"
    assert sent[-1]["form"]["Body"] == "Synthetic test reply: you are safe to talk here."

    # log it: with its call types it leaves the inbox
    page.get_by_role("link", name="Log this contact").click()
    page.get_by_role("checkbox", name=re.compile("^Tip")).check()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/console/contacts/[0-9a-f-]{36}/$"))
    page.get_by_role("link", name="Inbox").click()
    expect(page.locator("tr[data-contact]", has_text="SMS")).to_have_count(0)
