"""Browser tests: Debian's Chromium driven by Playwright against a real ``lantern serve``.

The server runs in its own process on a temporary data directory (SQLite), exactly as
``make run`` would start it; see docs/decisions/0002. Without /usr/bin/chromium these tests are
skipped, unless LANTERN_REQUIRE_BROWSER=1 (as in CI), which turns a missing browser into a failure.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORD = "browser test passphrase 1"
TWILIO_ACCOUNT = "AC" + "3" * 32
TWILIO_TOKEN = "synthetic-browser-test-token"
LANTERN = str(Path(sys.executable).with_name("lantern"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveLantern:
    def __init__(self, data_dir: Path, twilio_api: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "LANTERN_DATA_DIR": str(data_dir),
            "PORT": str(self.port),
            "LANTERN_PUBLIC_URL": self.url,
            "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_API_URL": twilio_api,  # the tests' local server speaking Twilio's API
            "LANTERN_PUBLIC_DIRECTORY": "1",  # /directory/ (test_public_directory_flows)
            "TWILIO_API_KEY": "SK" + "0" * 32,  # the softphone's tokens (synthetic)
            "TWILIO_API_SECRET": "synthetic-softphone-secret",
        }
        self.env.pop("DATABASE_URL", None)
        self.log = data_dir / "server.out"
        self.data_dir = data_dir

    def run(self, *args, stdin: str | None = None) -> str:
        result = subprocess.run(
            [LANTERN, *args], env=self.env, input=stdin, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    def start(self):
        self.run("migrate", "--noinput")
        for user, role in (("advocate", "advocate"), ("supervisor", "supervisor")):
            self.run("createuser", user, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
        self.token = self.run("token", "advocate").strip()
        return self.serve()

    def serve(self):
        """Start ``lantern serve`` on this data directory and wait until it answers."""
        self.proc = subprocess.Popen(
            [LANTERN, "serve", "--no-migrate"],
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/console/login/", timeout=2)  # noqa: S310
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        raise RuntimeError("lantern serve did not start:\n" + self.log.read_text()[-3000:])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def twilio_post(self, path: str, params: dict) -> tuple[int, str]:
        """A webhook as Twilio sends it: form-encoded, signed with the account's auth token."""
        from urllib.parse import urlencode

        from twilio.request_validator import RequestValidator

        params = {"AccountSid": TWILIO_ACCOUNT, **params}
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(self.url + path, params)
        request = urllib.request.Request(  # noqa: S310
            self.url + path,
            data=urlencode(params).encode(),
            headers={"X-Twilio-Signature": signature},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()

    def api_post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310
            self.url + "/api/v1" + path,
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("LANTERN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(
            f"{CHROMIUM} is missing (apt-get install chromium); LANTERN_REQUIRE_BROWSER=1 fails"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def fake_twilio():
    from tests.fakes.twilio_api import FakeTwilio

    with FakeTwilio() as fake:
        yield fake


class MailRelay:
    """The outside mail server the live server's email goes out through (agency links)."""

    def __init__(self):
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received.append(envelope.content.decode("utf-8", "replace"))
        return "250 Message accepted"


@pytest.fixture(scope="session")
def mail_relay():
    from aiosmtpd.controller import Controller

    relay = MailRelay()
    controller = Controller(relay, hostname="127.0.0.1", port=_free_port())
    controller.start()
    relay.port = controller.port
    yield relay
    controller.stop()


@pytest.fixture(scope="session")
def live(tmp_path_factory, browser, fake_twilio, mail_relay):
    server = LiveLantern(tmp_path_factory.mktemp("live"), fake_twilio.url)
    server.env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(mail_relay.port),
                      LANTERN_AGENCY_EMAIL_FROM="reports@hotline.example.org")  # fmt: skip
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, live):
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every page runs under the Content-Security-Policy; anything it refused (an inline script or
    # style, an eval, another origin) is a broken page, so every browser test fails on it.
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def sign_in(page, username: str = "advocate"):
    page.goto("/console/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/")
