"""The browser softphone's controls in Chromium, with the Twilio Voice SDK's Device replaced by
a stub (no microphone on CI): the token comes from Lantern, an incoming call is answered at
once, mute, hold (through Lantern) and hang up reach the call."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

STUB = """
window.__softphone = {token: null, log: [], device: null};
window.LanternSoftphoneDevice = class {
  constructor(token) { window.__softphone.token = token; this.handlers = {};
                       window.__softphone.device = this; }
  on(name, fn) { this.handlers[name] = fn; }
  register() { window.__softphone.log.push("register"); this.handlers.registered(); }
  updateToken(token) { window.__softphone.token = token; }
  ring() {
    const log = window.__softphone.log, handlers = {};
    let muted = false;
    this.handlers.incoming({
      accept() { log.push("accept"); },
      mute(on) { muted = on; log.push("mute:" + on); },
      isMuted() { return muted; },
      disconnect() { log.push("disconnect"); handlers.disconnect(); },
      on(name, fn) { handlers[name] = fn; },
    });
  }
};
"""


def test_the_softphone_answers_and_its_buttons_reach_the_call(page, live):
    page.add_init_script(STUB)
    sign_in(page)
    with page.expect_request("**/console/softphone/token/") as token_request:
        page.goto("/console/softphone/")
    assert token_request.value.method == "GET"
    state = page.locator("#softphone [data-role=state]")
    expect(state).to_have_text("Ready for calls")
    token = page.evaluate("window.__softphone.token")
    assert token.count(".") == 2  # a JWT minted by Lantern
    mute = page.get_by_role("button", name="Mute")
    expect(mute).to_be_disabled()  # no call yet
    page.evaluate("window.__softphone.device.ring()")
    expect(state).to_have_text("On a call")
    expect(page.locator("#softphone [data-role=timer]")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    with page.expect_request(
        lambda r: r.url.endswith("/console/softphone/hold/") and r.method == "POST"
    ):
        page.get_by_role("button", name="Hold").click()
    # Lantern has no live call of this advocate's here: the softphone says so
    expect(state).to_contain_text("Something went wrong")
    page.get_by_role("button", name="Hang up").click()
    expect(state).to_have_text("Ready for calls")
    expect(mute).to_be_disabled()
    assert page.evaluate("window.__softphone.log") == ["register", "accept", "mute:true",
                                                       "disconnect"]  # fmt: skip
