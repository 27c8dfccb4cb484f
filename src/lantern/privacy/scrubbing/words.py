"""What the recognisers share: the word lists in ``data/scrub/`` and how words are compared."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import regex

DATA = Path(__file__).resolve().parent.parent / "data" / "scrub"
LANGUAGES = ("en", "es")
FLAGS = regex.IGNORECASE | regex.UNICODE
# a word of letters, with an inner apostrophe, hyphen or dot ("O'Brien", "Jean-Luc", "St.")
WORD = r"[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)?"


def fold(text: str) -> str:
    """Lower case without accents: how the word lists are written."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def word_list(name: str) -> frozenset[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(fold(x.strip()) for x in lines if x.strip() and not x.startswith("#"))
