"""A flood of web tips in Chromium (each with its proof of work), then a supervisor dismisses
the burst as spam in one step and restores it (issue 16, item 5)."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_burst_of_tips_is_dismissed_as_spam_and_restored(browser, live, page):
    visitor = browser.new_context(base_url=live.url).new_page()
    visitor.set_default_timeout(15_000)
    for n in range(3):
        visitor.goto("/tip/")
        visitor.get_by_label("What happened?").fill(f"Synthetic flood tip number {n}, all fake.")
        visitor.get_by_label("Someone is in danger right now").check()
        visitor.get_by_role("button", name="Send the tip").click()
        visitor.wait_for_url("**/tip/sent/")
        expect(visitor.locator("#receipt-code")).to_be_visible()
    visitor.context.close()

    sign_in(page, "supervisor")
    page.get_by_role("link", name="Board").click()
    page.get_by_role("link", name="Dismiss a burst of spam").click()
    page.get_by_label("Received in the last").select_option("15")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("#spam-dismiss tbody tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    assert count >= 3
    page.get_by_label("Why (for the audit log; no personal details)").fill("fake urgent tips")
    page.get_by_role("button", name="Dismiss the ticked contacts as spam").click()
    expect(page.get_by_text(f"Dismissed {count} contacts as spam")).to_be_visible()
    expect(page.locator("#spam-none")).to_be_visible()
    batch = page.locator("#spam-batches tbody tr").first
    expect(batch).to_contain_text("fake urgent tips")

    page.locator("#spam-batches tbody tr").first.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("Restored: the contacts are back")).to_be_visible()
    expect(page.locator("#spam-dismiss tbody tr")).to_have_count(count)
