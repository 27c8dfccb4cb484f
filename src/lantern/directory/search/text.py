"""The user's words for full-text search: split, bounded, and written as FTS5 or tsquery."""

from __future__ import annotations

import re

from lantern.directory import stemming

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


def text_words(text: str) -> list[str]:
    """The words of a user's text, lower-cased and without accents (as the index holds them), at
    most ``MAX_WORDS``; nothing else survives."""
    words = []
    for w in _WORD.findall(stemming.fold(text.lower())):
        w = w.strip("_")
        if w and w not in words:
            words.append(w)
    return words[:MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 query in which every word is a quoted string (never FTS syntax): all words must
    match; the last word also as a prefix, for search as you type."""
    parts = [f'"{w}"' for w in words]
    if words and len(words[-1]) >= 2:
        parts[-1] = f'("{words[-1]}" OR "{words[-1]}"*)'
    return " AND ".join(parts)


def tsquery(words: list[str]) -> str:
    """A ``to_tsquery`` string built from word characters only; the last word also as a prefix."""
    parts = [w for w in words]
    if words and len(words[-1]) >= 2:
        parts[-1] = f"({words[-1]} | {words[-1]}:*)"
    return " & ".join(parts)
