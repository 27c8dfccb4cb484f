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
    page.get_by_role("button", name="Sign out").click()

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
