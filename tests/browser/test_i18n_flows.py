"""Every public page in each of the hotline's languages, in Chromium (issue 19): by the
browser's Accept-Language and by the language switch; right lang and dir; no English string
from the catalogues left untranslated on the page; no horizontal scrolling at 390 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils.translation import to_locale
from playwright.sync_api import expect

from lantern.core import languages
from tests.i18n_text import english_left

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("LANTERN_SCREENSHOTS")  # a folder: save the pages there
LANGUAGES = languages.all_languages()
# What a person reads: text nodes, the text of labelled and block elements, attributes read
# aloud, and the page title.
VISIBLE_TEXT = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !el.closest("script,style")) out.push(walker.currentNode.textContent);
  }
  document.querySelectorAll("p,h1,h2,h3,label,legend,button,a,option,small,summary,dt,li,th")
    .forEach((el) => out.push(el.innerText));
  document.querySelectorAll("[title],[aria-label],[placeholder],[alt]").forEach((el) => {
    for (const name of ["title", "aria-label", "placeholder", "alt"])
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
  });
  return out.map((t) => t.replace(/\\s+/g, " ").trim()).filter((t) => t);
}"""


def check(page, lang: languages.Language, name: str):
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang.code)
    expect(html).to_have_attribute("dir", "rtl" if lang.rtl else "ltr")
    if lang.code != languages.DEFAULT:
        left = english_left(to_locale(lang.code))
        untranslated = sorted({t for t in page.evaluate(VISIBLE_TEXT) if t in left})
        assert not untranslated, f"{name} in {lang.code}: English left {untranslated}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name} in {lang.code} scrolls sideways"
    if SCREENSHOTS and lang.code in ("es", "ar") and name == "tip form":
        page.screenshot(path=str(Path(SCREENSHOTS) / f"tip-form-{lang.code}.png"), full_page=True)


def walk(page, live, lang: languages.Language, *, tip_words: str):
    """Each public page in the language the page is now in."""
    check(page, lang, "tip form")
    page.locator("textarea[name=what_happened]").fill(tip_words)
    page.locator("input[name=urgency][value=soon]").check()
    page.locator("form[method=post] button[type=submit]").click()
    code = page.locator("#receipt-code").inner_text()
    check(page, lang, "receipt")
    page.locator("main a[href='/tip/follow-up/']").click()
    check(page, lang, "follow-up sign-in")
    page.locator("input[name=code]").fill(code)
    page.locator("form[data-pow] button[type=submit]").click(no_wait_after=True)
    page.wait_for_url("**/tip/follow-up/messages/", timeout=60_000)  # the browser's work first
    check(page, lang, "follow-up")
    page.goto("/chat/")
    check(page, lang, "pre-chat form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/chat/room/")
    expect(page.locator("#chat-status")).not_to_have_text(re.compile("…$"))  # connected
    check(page, lang, "chat")
    page.locator("#chat-leave button").click()
    expect(page).to_have_url(re.compile(r"/chat/$"))  # sent in the background, page replaced
    page.wait_for_load_state()
    page.goto("/statistics/")
    check(page, lang, "statistics")
    page.goto("/agency/no-such-link/")
    check(page, lang, "agency link refused")
    page.goto("/resources/")
    check(page, lang, "resource library")


@pytest.fixture
def phone(browser, live):
    contexts = []

    def _open(**options):
        context = browser.new_context(base_url=live.url, viewport=PHONE, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _open
    for context in contexts:
        context.close()


def test_every_public_page_in_spanish_from_the_browsers_language(phone, live):
    page = phone(locale="es-MX")  # Chromium sends Accept-Language: es-MX
    page.goto("/tip/")
    words = "Sintético: trabajan sin pago en el taller."
    walk(page, live, languages.find("es"), tip_words=words)
    assert last_tip(live) == ("es", words)  # the tip is recorded in its page's language


def last_tip(live) -> tuple[str, str]:
    out = live.run("shell", "--no-imports", "-c", (
        "from lantern.contacts.models import Contact, Message;"
        "from lantern.privacy.fields import reveal;"
        "c = Contact.objects.filter(channel='webform').order_by('-received_at').first();"
        "m = Message.objects.filter(conversation__contact=c).order_by('created_at').first();"
        "print(c.language, reveal(m.body))"
    ))  # fmt: skip
    language, _, body = out.strip().splitlines()[-1].partition(" ")
    return language, body


@pytest.mark.parametrize("lang", LANGUAGES, ids=[lang.code for lang in LANGUAGES])
def test_every_public_page_through_the_switch(phone, live, lang):
    page = phone(locale="en-US")
    page.goto("/tip/")
    switch = page.get_by_role("navigation").locator(f"a[hreflang='{lang.code}']")
    expect(switch).to_have_text(lang.name)  # each language named in itself
    switch.click()
    words = f"Synthetic tip written on the {lang.english} page."
    walk(page, live, lang, tip_words=words)
    assert last_tip(live) == (lang.code, words)
    # the choice lasted the visit, in the session: no cookie names a language
    assert not [c for c in page.context.cookies() if "lang" in c["name"].lower()]
