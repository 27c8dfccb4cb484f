"""Staff read a statistics table by period in the console: count the year again, pick a table,
a state and months, and download it."""

from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_a_supervisor_reads_a_table_by_month_for_one_state(live, page):
    now = timezone.localdate()
    for _ in range(4):
        live.api_post(
            "/contacts",
            {"channel": "other", "call_types": ["general_info"],
             "location": {"state": "ME", "city": "Augusta", "postal_code": "04330"}},
        )  # fmt: skip
    sign_in(page, "supervisor")
    page.get_by_role("link", name="Statistics").first.click()
    page.get_by_role("link", name="Tables by period").click()
    page.get_by_role("button", name=f"Count {now.year} again now").click()
    expect(page.get_by_role("status")).to_contain_text("snapshots stored")
    page.get_by_label("Table").select_option(label="Contacts by state and channel")
    page.get_by_label("Where").select_option(label="Maine")
    page.get_by_label("By").select_option(label="Month")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#period-table table")
    expect(table).to_be_visible()
    month = table.locator("tr", has_text=f"{now:%Y-%m}")
    expect(month.locator("td").last).to_have_text("4")
    expect(page.locator("#period-table thead")).to_contain_text("Other")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "period,state,column,column_label,contacts"
    assert f"{now:%Y-%m},ME,total,Total,4" in lines
