"""Several servers, tested (issue 20 part 7): PostgreSQL, Redis and two ``lantern serve``
processes on different ports, as if on two machines. A chat visitor on server A talks to an
advocate on server B; SMS webhooks spread over both lose nothing when one is killed; one process
dispatches (the leader), the other takes over when it is killed; the audit chain stays valid.

Needs a PostgreSQL server (``LANTERN_TEST_POSTGRES`` or the CI's ``DATABASE_URL``) and Redis
(``LANTERN_TEST_REDIS``): ``.ci/run`` starts both; skipped without them."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveLantern, sign_in
from tests.test_operations_copy import SERVER, empty_database  # noqa: F401 (a fixture)

REDIS = os.environ.get("LANTERN_TEST_REDIS", "")
pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.skipif(not (SERVER and REDIS), reason="needs PostgreSQL and Redis"),
]
LEADER = "this process is the dispatcher"


@pytest.fixture
def two_servers(tmp_path, empty_database, fake_twilio):  # noqa: F811
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        server = LiveLantern(tmp_path / name, fake_twilio.url)
        server.env.update(DATABASE_URL=empty_database, LANTERN_REDIS_URL=REDIS,
                          LANTERN_DISPATCH_INTERVAL="0.5")  # fmt: skip
        servers.append(server)
    a, b = servers
    a.start()  # migrates the shared database, makes the keys and the staff
    shutil.copytree(tmp_path / "a" / "keys", tmp_path / "b" / "keys")  # every server, same keys
    b.serve()
    yield a, b
    for server in servers:
        if server.proc.poll() is None:
            server.stop()


def leaders(*servers) -> list:
    return [s for s in servers if LEADER in s.log.read_text()]


def test_two_servers_share_chats_webhooks_one_dispatcher_and_the_audit_chain(two_servers, browser):
    a, b = two_servers
    deadline = time.monotonic() + 10
    while not leaders(a, b) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(leaders(a, b)) == 1, "exactly one process dispatches"

    # a chat visitor on server A, the advocate on server B (Redis carries the messages)
    visitor_context = browser.new_context(base_url=a.url)
    staff_context = browser.new_context(base_url=b.url)
    try:
        visitor = visitor_context.new_page()
        visitor.set_default_timeout(20_000)
        visitor.goto("/chat/")
        visitor.get_by_role("button", name="Start the chat").click()
        expect(visitor.locator("#chat-status")).to_contain_text("Connected")
        visitor.get_by_label("Your message").fill("Synthetic chat across two servers.")
        visitor.keyboard.press("Enter")
        page = staff_context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page)
        page.get_by_role("link", name="Inbox").click()
        page.locator("tr[data-contact]", has_text="Web chat").first.get_by_role(
            "button", name="Take"
        ).click()
        page.wait_for_url(re.compile(r"/conversation/$"))
        expect(page.get_by_role("list", name="Messages")).to_contain_text("across two servers")
        page.get_by_label("Reply").fill("Synthetic reply from server B.")
        page.get_by_role("button", name="Send").click()
        expect(visitor.get_by_role("list", name="Messages")).to_contain_text(
            "Synthetic reply from server B."
        )
    finally:
        visitor_context.close()
        staff_context.close()

    # SMS webhooks spread over both; the dispatching server is killed halfway. What a server
    # acknowledged is stored once; what failed is retried on the other, as Twilio retries and
    # fails over.
    dead, alive = (a, b) if leaders(a, b) == [a] else (b, a)
    acknowledged, lost = set(), []

    def send(n: int) -> None:
        sid = f"SM{n:016x}{'f' * 16}"  # never one of the fake's own (counted) message ids
        params = {"MessageSid": sid, "From": f"+1555555{n % 10000:04d}", "To": "+15555550100",
                  "Body": f"Synthetic scale-out text {n}", "NumMedia": "0"}  # fmt: skip
        for server in (a, b) if n % 2 else (b, a):
            try:
                status, _ = server.twilio_post("/intake/twilio/sms", params)
            except (OSError, urllib.error.URLError):
                continue
            if status == 200:
                acknowledged.add(sid)
                return
        lost.append(sid)

    with ThreadPoolExecutor(8) as pool:
        first = list(pool.map(send, range(40)))
        os.kill(dead.proc.pid, signal.SIGKILL)  # the leader dies without a word
        first += list(pool.map(send, range(40, 80)))
    assert not lost and len(acknowledged) == 80
    stored = alive.run(
        "shell", "-c",
        "from lantern.contacts.models import Message\n"
        "sids = list(Message.objects.filter(direction='inbound', provider_id__endswith='f' * 16)"
        ".values_list('provider_id', flat=True))\n"
        "print(len(sids), len(set(sids)))",
    ).strip().splitlines()[-1].split()  # fmt: skip
    assert stored == ["80", "80"], stored

    # the other server takes over the dispatching, and every text gets routed
    deadline = time.monotonic() + 30
    while not leaders(alive) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert leaders(alive), "the surviving server did not take over the dispatching"
    routed = ""
    while time.monotonic() < deadline:
        routed = alive.run(
            "shell", "-c",
            "from lantern.routing.models import Task\n"
            "print(Task.objects.filter(contact__channel='sms').count())",
        ).strip().splitlines()[-1]  # fmt: skip
        if routed == "80":
            break
        time.sleep(1)
    assert routed == "80", routed
    assert "intact" in alive.run("verify_audit")
