"""The resource library in Chromium (issue 23 part 2): a supervisor publishes a PDF from the
console; a visitor on a phone finds it in English and in Spanish and downloads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from lantern.core import languages
from tests.browser.conftest import sign_in
from tests.browser.test_i18n_flows import check

PDF = b"%PDF-1.4\n% synthetic browser test document\n%%EOF\n"


@pytest.fixture(scope="module")
def published(browser, live, tmp_path_factory):
    """The supervisor's part, once for the module: the console form with a file."""
    pdf = tmp_path_factory.mktemp("library") / "synthetic-signs.pdf"
    pdf.write_bytes(PDF)
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    try:
        sign_in(page, "supervisor")
        page.get_by_role("link", name="Resource library").click()
        page.get_by_role("link", name="Add a resource").click()
        page.get_by_label("Title").fill("Synthetic signs of labor trafficking, for farms")
        page.get_by_label("Summary").fill("Synthetic: what to look for at a work site.")
        page.get_by_label("Kind").select_option("fact_sheet")
        page.get_by_label("Labor trafficking").check()
        page.get_by_label("Businesses and employers").check()
        page.get_by_label("Languages").fill("en, es")
        page.get_by_label("File", exact=True).set_input_files(str(pdf))
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").first).to_contain_text("saved")
        expect(page.locator("#library-list")).to_contain_text("synthetic-signs.pdf")
    finally:
        context.close()


@pytest.mark.parametrize("code", ["en", "es"])
def test_a_visitor_finds_and_downloads_a_document_on_a_phone(browser, live, published, code):
    context = browser.new_context(
        base_url=live.url,
        viewport={"width": 390, "height": 844},
        locale=code,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/resources/")
        lang = next(lang for lang in languages.all_languages() if lang.code == code)
        check(page, lang, "resource library")  # its language, nothing English left, no scroll
        page.locator("#id_audience").select_option("business")
        page.locator("#id_language").select_option("es")
        page.locator("main form button[type=submit]").click()
        item = page.locator("article", has_text="Synthetic signs of labor trafficking")
        expect(item).to_be_visible()
        with page.expect_download() as download:
            item.locator("a[download]").click()
        assert download.value.suggested_filename == "synthetic-signs.pdf"
        assert Path(download.value.path()).read_bytes() == PDF
        page.locator("#id_audience").select_option("health")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("article", has_text="Synthetic signs")).to_have_count(0)
    finally:
        context.close()
