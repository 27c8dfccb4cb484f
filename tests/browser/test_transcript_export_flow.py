"""A supervisor downloads scrubbed transcripts for a researcher, from the home screen."""

import json
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

MAKE_CLOSED_CONVERSATION = """
from lantern.contacts import actions
message, _ = actions.do_receive_message(
    channel="sms", hotline_address="+15555550100", participant="+12025550166",
    body="hola me llamo Osmin Reyes, mi número es 202 555 0166 y tengo 16 años",
    provider_id="SM" + "6" * 32,
)
actions.do_close_conversation(message.conversation)
"""


def test_a_supervisor_downloads_scrubbed_transcripts(live, page):
    live.run("shell", "-c", MAKE_CLOSED_CONVERSATION)
    sign_in(page, "supervisor")
    page.get_by_role("link", name="Scrubbed transcripts for research").click()
    expect(page.get_by_role("heading", name="Scrubbed transcripts")).to_be_visible()
    page.get_by_label("Channel").select_option("sms")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download scrubbed transcripts").click()
    download = info.value
    assert download.suggested_filename.startswith("transcripts-scrubbed-")
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    texts = [m["text"] for line in lines for m in json.loads(line)["messages"]]
    assert "hola me llamo [PERSON_1], mi número es [PHONE_1] y tengo [AGE_1] años" in texts
    assert not any("Osmin" in t or "0166" in t for t in texts)
