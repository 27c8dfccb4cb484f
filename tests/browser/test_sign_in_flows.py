"""A staff member sets up an authenticator app, signs out, and signs in with its code."""

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in


def _code(secret_text: str, drift: int = 0) -> str:
    key = base64.b32decode(
        secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8)
    )
    return f"{totp(key, drift=drift):06d}"


def test_enrol_an_authenticator_app_then_sign_in_with_its_code(page, live):
    # a user of its own: the other tests share the server and sign in without a code
    live.run("createuser", "casey", "--role", "case_analyst", "--password-stdin", stdin=PASSWORD)
    sign_in(page, "casey")
    page.get_by_role("link", name=re.compile("^casey")).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("link", name="Add an authenticator app or a security key").click()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Six-digit code from the app").fill(_code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name=re.compile("I have saved them")).click()
    page.get_by_role("button", name="Sign out", exact=True).click()

    page.goto("/console/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/login/verify/")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    # the code of the next 30-second step (the one just used cannot be used twice)
    page.get_by_label(re.compile("Code from your authenticator app")).fill(_code(secret, 1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/console/")
    expect(page.get_by_role("link", name=re.compile("^casey"))).to_be_visible()


def test_register_a_security_key_then_sign_in_with_it(browser, live):
    """Chromium's virtual authenticator stands in for the key. Security keys need a host name
    (never an IP address), so this browser talks to the server as localhost."""
    live.run("createuser", "kim", "--role", "advocate", "--password-stdin", stdin=PASSWORD)
    context = browser.new_context(base_url=live.url.replace("127.0.0.1", "localhost"))
    page = context.new_page()
    page.set_default_timeout(15_000)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    try:
        sign_in(page, "kim")
        page.goto("/console/account/factors/new/")
        page.get_by_role("button", name="Register a security key or passkey").click()
        page.wait_for_url("**/console/account/")
        expect(page.get_by_text("Security key or passkey")).to_be_visible()
        page.get_by_role("button", name="Sign out", exact=True).click()

        page.goto("/console/login/")
        page.get_by_label("Username").fill("kim")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/console/login/verify/")
        page.get_by_role("button", name="Use my security key").click()
        page.wait_for_url("**/console/")
        expect(page.get_by_role("link", name="kim")).to_be_visible()
    finally:
        context.close()
