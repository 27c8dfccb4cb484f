"""The accessibility gate: axe-core in Chromium on every console and public page, at 1366x768 and
390x844, signed in as each role, left to right and right to left; plus what axe cannot see (no
sideways scrolling on a phone, chart labels >= 12 px, focus after a failed form, an offered contact
announced once).

axe-core comes from the npm registry and is vendored in tests/browser/vendor/ (MPL-2.0; only the
tests load it, nothing is served). The gate fails on any critical or serious violation and on the
``region`` rule (everything inside a landmark); moderate and minor findings of other rules are
printed, not failed.

Run time: one browser, one server with demo data, one context per role reused for every size and
direction; a page is checked once per (size, direction) by the first role that can open it, and
every role's home page at each, since each role sees its own menu.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lantern.accounts.choices import UserRoleChoices
from lantern.console import urls as console_urls
from lantern.public import urls as public_urls
from tests.browser.conftest import PASSWORD, LiveLantern

AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# The console is offered in left-to-right languages only (English, Spanish); the public pages
# also in Arabic, so they are checked right to left as well.
CONSOLE_DIRECTIONS = ("ltr",)
FAIL_IMPACTS = {"critical", "serious"}
FAIL_RULES = {"region"}
ROLES = list(UserRoleChoices.values)

# Demo objects each URL parameter is filled with (printed by the server's own shell).
SAMPLES = """
import json
from lantern.accounts.models import User
from lantern.assistance.models import AssistanceRequest
from lantern.cases.models import Case, Referral, TipReport
from lantern.cases.reports.actions import do_issue_agency_link
from lantern.contacts.models import Contact, Conversation
from lantern.directory.models import Organization, Service
from lantern.protocols.models import Protocol
from lantern.routing.models import Queue
from lantern.stats.models import Release
from lantern.training.models import Review
from lantern.library.models import Resource
pk = lambda o: str(o.pk) if o else None
report = TipReport.objects.filter(status__in=["approved", "delivered", "acknowledged"]).first()
_, token = do_issue_agency_link(report, actor=User.objects.get(username="supervisor"),
                                recipient_name="Det. Example (synthetic)")
conversation = Conversation.objects.filter(contact__isnull=False).first()
print(json.dumps({
    "contact_id": str(conversation.contact_id), "case_id": pk(Case.objects.first()),
    "report_id": pk(TipReport.objects.first()), "service_id": pk(Service.objects.first()),
    "organization_id": pk(Organization.objects.first()),
    "protocol_id": pk(Protocol.objects.first()), "release_id": pk(Release.objects.first()),
    "queue_id": Queue.objects.first().pk, "token": token,
    "review_id": pk(Review.objects.first()),
    "user_id": User.objects.get(username="advocate").pk,
    "request_id": pk(AssistanceRequest.objects.first()),
    "resource_id": pk(Resource.objects.first()),
}))
"""

# What a page must show on a phone, beyond axe: no sideways scrolling, chart labels >= 12 px.
PHONE_CHECKS = """() => {
  const small = [];
  for (const text of document.querySelectorAll("svg text")) {
    const ctm = text.getScreenCTM();
    if (!ctm || !text.getClientRects().length) continue;  // inside closed <details>
    const px = Math.hypot(ctm.a, ctm.b) * parseFloat(getComputedStyle(text).fontSize);
    if (px < 11.95) small.push(`${text.textContent} (${px.toFixed(1)} px)`);
  }
  return {width: document.documentElement.scrollWidth, small: small.slice(0, 5)};
}"""
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""
SETTLED = """() => !document.querySelector('[hx-trigger="load"], .htmx-request')"""


def _pages(patterns, namespace: str, samples: dict) -> dict[str, str]:
    """Every route of the URL map whose parameters a demo object fills: name -> path."""
    pages = {}
    for pattern in patterns:
        params = list(pattern.pattern.converters)
        if all(samples.get(p) is not None for p in params):
            kwargs = {p: samples[p] for p in params}
            pages[pattern.name] = reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)
    return pages


def _html_pages(context, pages: dict[str, str]) -> dict[str, str]:
    """The ones that answer a GET with a whole HTML page (not an action, a partial or a file)."""
    kept = {}
    for name, path in pages.items():
        response = context.request.get(path, max_redirects=0)
        if (
            response.status == 200
            and "text/html" in response.headers.get("content-type", "")
            and "<html" in response.text()[:400]
        ):
            kept[name] = path
    return kept


@pytest.fixture(scope="module")
def demo(tmp_path_factory, browser, fake_twilio):
    """A second server, with the demo data (every kind of page has something to show)."""
    server = LiveLantern(tmp_path_factory.mktemp("axe"), fake_twilio.url)
    server.run("migrate", "--noinput")
    server.run("seed_demo", "--contacts", "30", "--directory", "8", "--seed", "19")
    for role in ROLES:
        server.run("createuser", f"axe-{role}", "--role", role, "--password-stdin",
                   stdin=PASSWORD + "\n")  # fmt: skip
    server.samples = json.loads(server.run("shell", "-c", SAMPLES).strip().splitlines()[-1])
    server.serve()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def axe_script():
    return AXE.read_text()


@pytest.fixture(scope="module")
def checked():
    """(route name, size, direction) already checked by an earlier role."""
    return set()


def _check(page, path: str | None, size: str, direction: str, axe_script: str) -> list[str]:
    """Open ``path`` (None: the page as it is) and return what fails the gate there."""
    if path:
        page.goto(path)
    path = path or page.url
    page.wait_for_function(SETTLED)
    if direction == "rtl" and page.evaluate("document.documentElement.dir") != "rtl":
        page.evaluate("document.documentElement.dir = 'rtl'")  # a language without a catalogue
    problems = []
    where = f"{path} [{size}, {direction}]"
    if size == "phone":
        toggle = page.locator("header.top .menu-toggle")
        if toggle.count() and toggle.is_visible():
            toggle.click()  # check the open menu too: it was white on white
            expect(page.locator("header.top form button[type=submit]")).to_be_visible()  # sign out
        phone = page.evaluate(PHONE_CHECKS)
        if phone["width"] > SIZES["phone"]["width"]:
            problems.append(f"{where}: {phone['width']} px wide, scrolls sideways")
        if phone["small"]:
            problems.append(f"{where}: chart labels under 12 px: {phone['small']}")
    page.add_script_tag(content=axe_script)
    for v in page.evaluate(RUN_AXE):
        if v["impact"] in FAIL_IMPACTS or v["id"] in FAIL_RULES:
            problems.append(f"{where}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}")
        else:
            print(f"axe, not failed: {where}: {v['impact']} {v['id']} at {v['nodes']}")
    return problems


def _sign_in(page, role: str):
    page.goto("/console/login/")
    page.get_by_label("Username").fill(f"axe-{role}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/")


@pytest.mark.parametrize("role", ROLES)
def test_every_console_page_passes_axe_at_both_sizes_and_directions(
    role, browser, demo, axe_script, checked
):
    context = browser.new_context(base_url=demo.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _sign_in(page, role)
        pages = _html_pages(context, _pages(console_urls.urlpatterns, "console", demo.samples))
        assert "home" in pages and len(pages) >= 3, pages
        problems = []
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            for direction in CONSOLE_DIRECTIONS:
                for name, path in pages.items():
                    key = (name, size, direction)
                    if name != "home" and key in checked:
                        continue
                    checked.add(key)
                    problems += _check(page, path, size, direction, axe_script)
        if role == "advocate":  # the console's second language, where long words could overflow
            context.set_extra_http_headers({"Accept-Language": "es"})
            page.set_viewport_size(SIZES["phone"])
            for path in pages.values():
                problems += _check(page, path, "phone", "ltr", axe_script)
            assert page.evaluate("document.documentElement.lang") == "es"
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_every_public_page_passes_axe_at_both_sizes_in_english_and_arabic(
    browser, demo, axe_script
):
    problems = []
    for language, direction in (("en", "ltr"), ("ar", "rtl")):
        context = browser.new_context(base_url=demo.url, bypass_csp=True, locale=language)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            pages = _html_pages(context, _pages(public_urls.urlpatterns, "public", demo.samples))
            assert {"tip", "chat", "statistics", "agency_report"} <= set(pages), pages
            for size, viewport in SIZES.items():
                page.set_viewport_size(viewport)
                for path in pages.values():
                    problems += _check(page, path, size, direction, axe_script)
                # the tip form after a failed submit: its errors are on the page, focus on the first
                page.goto("/tip/")
                # the page's script sends the form itself and writes the answer in place (no
                # navigation, nothing left in the history), after the browser's proof of work
                page.locator("main form button[type=submit]").last.click()
                expect(page.get_by_role("alert")).to_be_visible(timeout=60_000)
                focused = page.evaluate("document.activeElement.closest('.has-error') !== null")
                assert focused, "focus is not on the first field in error"
                problems += _check(page, None, size, direction, axe_script)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_a_failed_contact_form_shows_every_error_and_focuses_the_first(browser, demo, axe_script):
    context = browser.new_context(base_url=demo.url, bypass_csp=True, viewport=SIZES["phone"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _sign_in(page, "advocate")
        page.goto("/console/contacts/new/")
        page.get_by_label("ZIP code").fill("9")  # the contact rules refuse it, not the form
        page.get_by_label("Caller type").select_option("victim_survivor")
        page.get_by_role("button", name="Save contact").click()
        expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
        errors = page.locator("main .errorlist")
        # no channel (the form's own check), no call type and a bad ZIP code (the contact rules):
        # all three at once, not one round each
        expect(errors).to_have_count(3)
        expect(page.locator("main")).to_contain_text("choose at least one call type")
        focused = page.evaluate("document.activeElement.name")
        assert focused == "channel", focused
        assert not _check(page, None, "phone", "ltr", axe_script)
    finally:
        context.close()


def test_an_offered_contact_is_announced_once_not_on_every_poll(browser, demo):
    context = browser.new_context(base_url=demo.url, bypass_csp=True)
    visitor_context = browser.new_context(base_url=demo.url, bypass_csp=True)
    page, visitor = context.new_page(), visitor_context.new_page()
    for p in (page, visitor):
        p.set_default_timeout(15_000)
    try:
        visitor.goto("/chat/")
        visitor.get_by_label("Are you safe to chat right now?").select_option("no")
        visitor.get_by_role("button", name="Start the chat").click()
        expect(visitor.locator("#chat-status")).to_contain_text("Connected")
        visitor.get_by_label("Your message").fill("Synthetic chat for the live-region test.")
        visitor.keyboard.press("Enter")

        _sign_in(page, "advocate")
        page.get_by_label("Status").select_option("available")
        expect(page.locator(".routing-bar .offer")).to_be_visible()
        announcer = page.locator("#offer-announcer")
        expect(announcer).to_have_text(re.compile(r"^New .+ offered to you"))
        polled = page.locator(".routing-bar .offer[role=alert], .routing-bar [aria-live]")
        assert polled.count() == 0  # the polled bar itself is no live region
        page.evaluate("""() => {
          window.announced = [];
          const region = document.getElementById("offer-announcer");
          new MutationObserver(() => window.announced.push(region.textContent))
            .observe(region, {childList: true, characterData: true, subtree: true});
        }""")
        for _ in range(3):  # three polls of the bar, the same offer each time
            with page.expect_response(re.compile(r"/console/routing/bar/")):
                page.evaluate("document.body.dispatchEvent(new Event('routing-changed'))")
            page.wait_for_function(SETTLED)
        expect(page.locator(".routing-bar .offer")).to_be_visible()
        assert page.evaluate("window.announced.length") == 0  # not announced again
    finally:
        context.close()
        visitor_context.close()
