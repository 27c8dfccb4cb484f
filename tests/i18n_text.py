"""What a page says, and which of the catalogues' English strings a language leaves untranslated:
the check that a page in a language has no English left (issue 19), for pages fetched without a
browser. The browser tests (``tests/browser/test_i18n_flows.py``) do the same in Chromium."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from lantern.core import catalogues, languages

READ_ALOUD = ("title", "aria-label", "placeholder", "alt")


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


@cache
def english_left(locale: str) -> frozenset[str]:
    """The catalogues' English strings that no catalogue translates into ``locale`` (a
    translation may equal the English, as "Alabama" does in French): any of them on a page
    means the page was not fully translated. Languages' own names are data, not messages."""
    english, translated = set(), set()
    for po in catalogues.catalogues():
        if po.parent.parent.name != locale:
            continue
        with po.open("rb") as f:
            for m in read_po(f):
                if not m.id or not isinstance(m.id, str) or "%(" in m.id:
                    continue
                english.add(plain(m.id))
                if m.string and not m.fuzzy:
                    translated.add(plain(m.id))
    names = {lang.name for lang in languages.all_languages()}
    return frozenset(e for e in english - translated - names if re.search(r"[A-Za-z]{2}", e))


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.out.extend(value for name, value in attrs if name in READ_ALOUD and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.out.append(data)


def texts(html: str) -> set[str]:
    """Every text node and read-aloud attribute of a page, whitespace folded."""
    parser = _Text()
    parser.feed(html)
    return {t for t in (re.sub(r"\s+", " ", s).strip() for s in parser.out) if t}
