"""Quality review in the browser (issue 23 part 4): a supervisor reviews an advocate's logged
contact from its page against the rubric, with feedback; the advocate finds it under Reviews,
reads it and acknowledges it; the supervisor sees it counted, and read, in the scores per queue.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

FEEDBACK = "Synthetic feedback: good safety questions; give the shelter's number next time."


def test_a_supervisor_reviews_a_contact_and_the_advocate_acknowledges_it(browser, live, page):
    contact = live.api_post(
        "/contacts", {"channel": "other", "call_types": ["general_info"]}
    )  # logged by the advocate (the API token's owner)
    context = browser.new_context(base_url=live.url)
    supervisor = context.new_page()
    supervisor.set_default_timeout(15_000)
    try:
        sign_in(supervisor, "supervisor")
        supervisor.goto(f"/console/contacts/{contact['id']}/")
        supervisor.get_by_role("link", name="Review this contact").click()
        form = supervisor.locator("#review-form")
        expect(form).to_contain_text("Safety assessment done")
        criterion = form.locator("fieldset", has_text="Safety assessment done")
        criterion.get_by_label("1: partly").check()
        form.locator("fieldset", has_text="Referral given").get_by_label("Not applicable").check()
        form.locator("fieldset", has_text="Protocol followed").get_by_label("2: fully").check()
        form.locator("fieldset", has_text="Documentation complete").get_by_label("2: fully").check()
        supervisor.get_by_label("Feedback for the advocate").fill(FEEDBACK)
        supervisor.get_by_role("button", name="Save review").click()
        supervisor.wait_for_url(re.compile(r"/console/reviews/[0-9a-f-]+/$"))
        # weights 3, 2 (n/a), 2, 1: (3 + 4 + 2) / (6 + 4 + 2) = 75%
        expect(supervisor.locator("#review-score")).to_have_text("75.0%")
        expect(supervisor.locator("#review-acknowledged")).to_have_text("not yet")
        expect(supervisor.locator("#acknowledge")).to_have_count(0)  # not theirs to acknowledge
        review_url = supervisor.url
    finally:
        context.close()

    # the advocate sees it waiting under Reviews, reads it and acknowledges it
    sign_in(page, "advocate")
    page.get_by_role("link", name=re.compile("^Reviews")).click()
    expect(page.get_by_role("heading", name="My reviews")).to_be_visible()
    row = page.locator("#reviews tbody tr").first
    expect(row).to_contain_text("not yet")
    row.get_by_role("link").click()
    assert page.url == review_url
    expect(page.locator("#review-feedback")).to_have_text(FEEDBACK)
    page.get_by_role("button", name="I have read this review").click()
    expect(page.locator("#review-acknowledged")).not_to_have_text("not yet")
    expect(page.get_by_role("button", name="I have read this review")).to_have_count(0)

    # the supervisor's scores per queue count it, read; no caller detail appears there
    context = browser.new_context(base_url=live.url)
    supervisor = context.new_page()
    supervisor.set_default_timeout(15_000)
    try:
        sign_in(supervisor, "supervisor")
        supervisor.goto("/console/reviews/summary/")
        total = supervisor.locator("#summary-queues tfoot tr")
        expect(total).to_contain_text("75.0%")
        expect(supervisor.locator("#summary-queues")).not_to_contain_text("Synthetic feedback")
    finally:
        context.close()
