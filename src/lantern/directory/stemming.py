"""Words as the full-text index sees them, for filtering candidates in SQL with ``LIKE``.

A search near a place already has a few hundred candidates from the location indexes; testing
its words on those rows is far cheaper than asking FTS5 for every match of a common word in the
country. ``SearchEntry.words`` holds each entry's distinct stems (``" hous shelter "``) and a
query word ``w`` matches the token ``stem(w)`` (or, for the last word, any token starting with
it, as FTS5's prefix query does).

Tokens follow FTS5's ``porter unicode61 remove_diacritics 2`` closely: letters and digits only,
lower case, accents removed, the Porter stemmer on words of 3 to 64 characters (Snowball's
"porter", which differs from SQLite's in a handful of rare words).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("porter")


def fold(text: str) -> str:
    """Accents removed ("Español" -> "Espanol"), as FTS5's ``remove_diacritics`` does. The
    indexed text and the words searched for are both folded, so PostgreSQL's English text
    search (which keeps accents) agrees with SQLite's."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """One token, as stored: folded, lower case, stemmed when 3 to 64 characters long."""
    word = fold(word.lower())
    if 3 <= len(word) <= 64:
        return _STEMMER.stemWord(word)
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in _TOKEN.findall(text)]


def words_column(text: str) -> str:
    """``SearchEntry.words``: the distinct tokens of ``text``, space-delimited on both sides."""
    distinct = sorted(set(tokens(text)))
    return f" {' '.join(distinct)} " if distinct else ""
