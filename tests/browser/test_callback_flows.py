"""A caller waits long, says it is safe to call back, hangs up; an advocate sees the missed call in
the inbox and calls back from the hotline's number (issue 17, part 6)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

CALL = {"CallSid": "CA" + "c" * 32, "From": "+15555550166", "To": "+15555550100",
        "CallStatus": "ringing", "Direction": "inbound"}  # fmt: skip


def test_a_missed_caller_who_said_it_is_safe_is_called_back(page, live, fake_twilio):
    for step, params in [
        ("", {}),
        ("/language", {"Digits": "1"}),
        ("/urgency", {"Digits": "2"}),
        ("/wait", {"QueueTime": "200"}),
        ("/callback", {"Digits": "1"}),
        ("/status", {"CallStatus": "completed"}),
    ]:
        status, body = live.twilio_post("/intake/twilio/voice" + step, {**CALL, **params})
        assert status in (200, 204), body
        if step == "/wait":
            assert "press 1" in body  # the call-back question, asked after the long wait

    sign_in(page)
    page.get_by_role("link", name="Inbox").click()
    row = page.locator("tr[data-contact]", has_text="Missed").first
    expect(row).to_contain_text("safe to call back")
    expect(row).not_to_contain_text("0166")  # the caller's number is not on the list
    before = len(fake_twilio.calls)
    row.get_by_role("button", name="Call back").click()
    page.wait_for_url(re.compile(r"/console/contacts/[0-9a-f-]{36}/$"))
    card = page.locator("#call")
    expect(card).to_contain_text("Call-back")
    expect(card).to_contain_text("calling back")
    # the advocate's own line rings first (their browser, the default); the caller only after
    new = list(fake_twilio.calls.values())[before:]
    assert [c["to"] for c in new] == [new[0]["to"]] and new[0]["to"].startswith("client:advocate-")
    # the button is gone while the call-back runs: it cannot be pressed twice
    expect(card.get_by_role("button", name=re.compile("Call back"))).to_have_count(0)
