"""BCP 47 language tags, and an offline guess at the language of a text.

The guess (py3langid, whose model ships in the package) is kept as a hint next to what the
channel said: it can pick the automatic reply's language and tells the advocate what to expect,
never more. Only the hotline's languages (``LANTERN_LANGUAGE_HINTS``) are considered, and only a
text of a few words guessed with high confidence gives a hint: "ok" or "STOP" say nothing.
"""

import threading

import langcodes
from django.conf import settings

MIN_WORDS = 3
MIN_CONFIDENCE = 0.9


def normalize_language(value: str) -> str:
    """``ES-mx`` -> ``es-MX``; raises ValueError unless the tag is a valid BCP 47 tag."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    tag = (value or "").strip().replace("_", "-")
    if not tag or not langcodes.tag_is_valid(tag):
        raise ValueError(f"{value!r} is not a valid BCP 47 language tag (e.g. en, es-MX, zh-Hant)")
    return langcodes.standardize_tag(tag)


def language_name(tag: str) -> str:
    try:
        return langcodes.Language.get(tag).display_name()
    except (ValueError, LookupError):
        return tag


_lock = threading.Lock()
_loaded = []


def _identifier():
    """The model, loaded once per process (about a second of CPU): the first texts after a
    start wait for one load instead of each thread loading its own."""
    if not _loaded:
        with _lock:
            if not _loaded:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(list(settings.LANTERN_LANGUAGE_HINTS))
                _loaded.append(identifier)
    return _loaded[0]


def warm() -> None:
    """Load the model now (a server process does, before it takes requests)."""
    _identifier()


def hint(text: str) -> str:
    """A BCP 47 primary tag (``"es"``), or ``""`` when the text does not say."""
    text = (text or "").strip()
    if len(text.split()) < MIN_WORDS and len(text) < 12:
        return ""
    language, confidence = _identifier().classify(text)
    return language if confidence >= MIN_CONFIDENCE else ""
