"""A supervisor puts a legal hold on a contact (retention then skips it), sees its review date on
the home screen, and releases it (issue 22 part 4)."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_supervisor_holds_a_contact_sees_it_to_review_and_releases_it(page, live):
    created = live.api_post("/contacts", {"channel": "phone", "call_types": ["tip"]})
    sign_in(page, "supervisor")
    page.goto(f"/console/contacts/{created['id']}/")
    holds = page.locator("#holds")
    expect(holds).to_contain_text("No hold")
    page.get_by_label("Why (never personal data)").fill("Synthetic subpoena 2026-123")
    page.get_by_label("Review on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Place a legal hold").click()
    expect(holds).to_contain_text("Synthetic subpoena 2026-123")
    expect(holds).to_contain_text("Held")
    page.goto("/console/")
    expect(page.locator("#holds-to-review")).to_contain_text("Synthetic subpoena 2026-123")
    page.locator("#holds-to-review a").first.click()
    page.locator("#holds").get_by_role("button", name="Release").click()
    expect(page.locator("#holds")).to_contain_text("No hold")
