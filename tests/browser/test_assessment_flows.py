"""An administrator answers the hotline self-assessment and downloads its report (issue 23
part 3); a supervisor reads it."""

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in


def test_an_administrator_answers_the_self_assessment_and_prints_it(page, live):
    live.run("createuser", "assessment-admin", "--role", "admin", "--password-stdin",
             stdin=PASSWORD + "\n")  # fmt: skip
    sign_in(page, "assessment-admin")
    page.get_by_role("link", name="Hotline self-assessment").click()
    expect(page.get_by_role("heading", name="Hotline self-assessment")).to_be_visible()
    first = page.locator("#criterion-staffed_24_7")
    expect(first).to_contain_text("Is the hotline staffed 24 hours a day")
    expect(first.locator("dl.facts")).to_contain_text("Queue")
    expect(page.locator("#criterion-evaluation")).to_contain_text("Lantern records nothing")

    first.get_by_label("Yes").check()
    first.get_by_label("How the hotline does it").fill("Synthetic: three shifts every day.")
    page.locator("#criterion-privacy").get_by_label("Partly").check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status").first).to_contain_text("Answers saved (2 changed)")
    expect(page.locator("main")).to_contain_text("2 of 11 answered")
    expect(first.get_by_label("Yes")).to_be_checked()
    expect(first).to_contain_text("Answered by assessment-admin")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert download.value.suggested_filename == "self-assessment.pdf"

    page.context.clear_cookies()  # signed out
    sign_in(page, "supervisor")
    page.goto("/console/assessment/")
    expect(page.locator("#criterion-staffed_24_7")).to_contain_text(
        "Synthetic: three shifts every day."
    )
    expect(page.get_by_role("button", name="Save answers")).to_have_count(0)
