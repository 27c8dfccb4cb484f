"""A supervisor puts a legal hold on a contact (retention then skips it), sees its review date on
the home screen, and releases it (issue 22 part 4)."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in


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


MAKE_OLD_CONTACT = """
from datetime import timedelta
from django.utils import timezone
from lantern.accounts.models import User
from lantern.contacts.actions import do_create_contact
from lantern.contacts.models import Contact
contact = do_create_contact(
    {"channel": "phone", "call_types": ["tip"],
     "caller": {"name": "Synthetic Long Ago", "phone": "+1 713 555 0184"}},
    actor=User.objects.get(username="advocate"),
)
long_ago = timezone.now() - timedelta(days=3000)
Contact.objects.filter(pk=contact.pk).update(updated_at=long_ago, received_at=long_ago)
"""


def test_an_administrator_applies_the_retention_schedule_from_the_console(page, live):
    live.run("shell", "-c", MAKE_OLD_CONTACT)
    live.run("createuser", "retention-admin", "--role", "admin", "--password-stdin",
             stdin=PASSWORD + "\n")  # fmt: skip
    sign_in(page, "retention-admin")
    page.get_by_role("link", name="Retention: what the hotline keeps").click()
    schedule = page.locator("#retention-schedule")
    row = schedule.get_by_role("row", name="Callers' names, numbers, emails and summaries")
    expect(row).to_contain_text("730 days after closed")
    expect(row.get_by_role("cell").last).to_have_text("1")
    expect(page.locator("#month-keys")).to_contain_text("one key per month")
    page.get_by_label("Shred and delete what is due now").check()
    page.get_by_role("button", name="Apply the schedule now").click()
    expect(page.get_by_text("1 records shredded or deleted")).to_be_visible()
    expect(row.get_by_role("cell").last).to_have_text("0")
