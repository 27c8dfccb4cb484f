"""Which language a page is in: the visitor's choice, kept in the session only, then the
browser's Accept-Language (Django's LocaleMiddleware), then English.

The language switch is a plain link adding ``?lang=<code>``: the choice is stored in the
session, which ends with the browser (``SESSION_EXPIRE_AT_BROWSER_CLOSE``), and is never a
lasting cookie, so nothing on a shared device says which language someone read the hotline in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from lantern.core import languages

SESSION_KEY = "lantern_language"
PARAM = "lang"


def supported(tag: str | None) -> str | None:
    """The site's language code for a tag a visitor sent (``?lang=es-MX``), or None."""
    lang = languages.find(tag)
    if lang is None or lang.code not in dict(settings.LANGUAGES):
        return None
    return lang.code


class SessionLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Accept-Language, ``Vary`` and ``Content-Language``), with the
    visitor's choice from ``?lang=`` or the session first."""

    def process_request(self, request):
        session = getattr(request, "session", None)
        chosen = supported(request.GET.get(PARAM)) if PARAM in request.GET else None
        if chosen and session is not None and session.get(SESSION_KEY) != chosen:
            session[SESSION_KEY] = chosen
        if not chosen and session is not None:
            chosen = supported(session.get(SESSION_KEY))
        if not chosen:
            super().process_request(request)
            return
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


def switch(request) -> list[dict]:
    """The language switch: each language named in itself, linking to this page in it."""
    current = translation.get_language()
    query = request.GET.copy()
    links = []
    for lang in languages.all_languages():
        if lang.code not in dict(settings.LANGUAGES):
            continue
        query[PARAM] = lang.code
        links.append(
            {"code": lang.code, "name": lang.name, "rtl": lang.rtl, "current": lang.code == current,
             "url": f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"}
        )  # fmt: skip
    return links
