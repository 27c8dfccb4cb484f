"""Scrubbing: a conversation's words with the people in them replaced by typed placeholders.

Names, phone numbers, email addresses, street addresses, ages, dates (of birth, and any full
date), ID and passport numbers and places become ``[PERSON_1]``, ``[PHONE_1]``, ``[EMAIL_1]``,
``[ADDRESS_1]``, ``[AGE_1]``, ``[DATE_1]``, ``[ID_1]`` and ``[PLACE_1]``: the same value gets the
same placeholder throughout one conversation (a first name alone takes the number of the full
name it began), and numbering starts again with each conversation, so nothing links two.

Microsoft Presidio's analyzer finds the values, with the recognisers in ``recognizers`` over a
blank spaCy pipeline (a tokenizer, no trained model: nothing is downloaded, ever), and its
anonymizer replaces them. English and Spanish have their own cues, and every text is scrubbed
with both sets, whatever its language: callers mix them ("my tía lives at Calle 5 #12"), and in
a third language both still find every number, address and listed name.
``lantern scrub_eval`` measures recall on a labelled set shipped with Lantern.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache

import regex

from lantern.privacy.scrubbing.names import is_common_word
from lantern.privacy.scrubbing.recognizers import LANGUAGES, fold, for_language
from lantern.privacy.scrubbing.words import WORD

# Presidio's entity names -> the placeholders' names.
PLACEHOLDER = {
    "PERSON": "PERSON",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "ADDRESS": "ADDRESS",
    "AGE": "AGE",
    "DATE_OF_BIRTH": "DATE",
    "DATE": "DATE",
    "ID": "ID",
    "PLACE": "PLACE",
}
_lock = threading.Lock()


@cache
def _engines():
    """Presidio's analyzer (every recogniser, per language) and anonymizer, made once."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    class BlankSpacy(SpacyNlpEngine):
        """spaCy's tokenizer for each language, with no model to load or download."""

        def __init__(self):
            super().__init__(
                models=[{"lang_code": x, "model_name": f"blank:{x}"} for x in LANGUAGES]
            )

        def load(self):
            self.nlp = {language: spacy.blank(language) for language in LANGUAGES}

    nlp = BlankSpacy()
    nlp.load()
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    for language in LANGUAGES:
        for recognizer in for_language(language):
            registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(
        registry=registry, nlp_engine=nlp, supported_languages=list(LANGUAGES)
    )
    return analyzer, AnonymizerEngine()


@dataclass
class Found:
    kind: str  # a PLACEHOLDER value
    start: int
    end: int
    score: float


def find(text: str, language: str = "") -> list[Found]:
    """The values to replace in ``text`` (in any ``language``: both sets of cues run), overlaps
    resolved: the surer, then the longer, wins, widened by what sticks out of it."""
    analyzer, _ = _engines()
    results = []
    with _lock:  # Presidio's engines are not documented as thread-safe
        for lang in LANGUAGES:
            results += analyzer.analyze(text=text, language=lang)
    results.sort(key=lambda r: (-r.score, -(r.end - r.start), r.start))
    kept: list[Found] = []
    for r in results:
        if any(r.start < k.end and k.start < r.end for k in kept):
            # a value inside a surer one is covered; one that sticks out widens it
            for k in kept:
                if r.start < k.end and k.start < r.end:
                    if r.start <= k.start and k.end <= r.end and r.end - r.start > k.end - k.start:
                        # what holds the surer value names it: "JI" (a name) inside the code
                        # "JI-0000" is part of an ID, not a person
                        k.kind = PLACEHOLDER[r.entity_type]
                    k.start, k.end = min(k.start, r.start), max(k.end, r.end)
            continue
        kept.append(Found(PLACEHOLDER[r.entity_type], r.start, r.end, r.score))
    for f in kept:
        if f.kind == "PERSON":
            _widen_name(text, f)
    return sorted(_merge(kept), key=lambda f: f.start)


# What stands next to a name and goes with it: a title ("Mr.", "doña", "Lic."), which tells the
# person's sex or standing, an article before a nickname ("el Flaco"), an initial ("M. Salinas",
# "Jalen W.").
_BEFORE_NAME = regex.compile(
    r"(?:\b(?:mr|mrs|ms|miss|mister|dr|sir|madam|madame|don|doña|dona|sr|sra|srta|señor|"
    r"señora|señorita|lic|licenciad[oa]|ing|prof|pastor|hermano|hermana|el|la)\.?\s+"
    r"|\b\p{Lu}\.\s*)+$",
    regex.IGNORECASE,
)
_ARTICLE = regex.compile(r"(?:el|la)\s", regex.IGNORECASE)
_AFTER_NAME = regex.compile(r"^\s\p{Lu}\.(?!\w)")


def _widen_name(text: str, f: Found) -> None:
    before = _BEFORE_NAME.search(text[max(0, f.start - 40) : f.start])
    if before and (text[f.start : f.start + 1].isupper() or not _ARTICLE.match(before.group())):
        f.start -= len(before.group())  # an article only before a capitalised name: "el Flaco"
    if after := _AFTER_NAME.match(text[f.end : f.end + 3]):
        f.end += len(after.group())


def find_conversation(texts: list[str], language: str = "") -> list[list[Found]]:
    """``find`` for each message of one conversation, and then every other mention of a name
    found anywhere in it: "Mynor" named once after "my cousin" is found again when it stands
    alone three messages later. A name that is also a common word ("Will", "Rosa") is found
    again only with its capital letter."""
    found = [find(text or "", language) for text in texts]
    for i in range(1, len(texts)):
        if _ASKS_AGE.search(texts[i - 1] or ""):
            _answered_ages(texts[i] or "", found[i])
    sure, unsure = set(), set()  # unsure: found only by being capitalised, kept in that case
    for text, hits in zip(texts, found, strict=True):
        for f in hits:
            if f.kind == "PERSON":
                words = regex.finditer(WORD, text[f.start : f.end])
                (sure if f.score >= 0.5 else unsure).update(
                    w.group()
                    for w in words
                    if len(w.group()) > 2
                    and (w.group()[0].isupper() or not is_common_word(w.group()))
                )
    if not sure | unsure:
        return found
    anycase = sorted({w for w in sure if not is_common_word(w)}, key=len, reverse=True)
    capital = sorted((sure | unsure) - set(anycase), key=len, reverse=True)
    patterns = [
        regex.compile(rf"(?<!\w)(?:{'|'.join(map(regex.escape, group))})(?!\w)", flags)
        for group, flags in ((anycase, regex.IGNORECASE), (capital, 0))
        if group
    ]
    for text, hits in zip(texts, found, strict=True):
        for pattern in patterns:
            for match in pattern.finditer(text or ""):
                if not any(match.start() < f.end and f.start < match.end() for f in hits):
                    hits.append(Found("PERSON", match.start(), match.end(), 0.5))
        hits.sort(key=lambda f: f.start)
    return found


# A question about someone's age, and a bare number in the reply ("How old is she?" "16. he tells
# people im 19"; "¿Qué edad tiene?" "unos 14 o 15"): not an hour, an amount or a count of things.
_ASKS_AGE = regex.compile(
    r"how\s+old|what\s+age|(?:her|his|their|your)\s+ages?\b|\bedad|cu[aá]ntos\s+años|"
    r"qu[eé]\s+edad",
    regex.IGNORECASE,
)
_BARE_AGE = regex.compile(
    r"(?<![\w$.,:/#-])(?:[1-9]\d?)(?:\s*ish)?(?![\w$%:/]|[.,]\d|\s*(?:hours?|hrs?|horas?|dollars?|"
    r"d[oó]lares|bucks|people|personas|men|hombres|mujeres|women|girls|kids|niños|days?|d[ií]as|"
    r"weeks?|semanas?|months?|meses|am\b|pm\b|a\.m|p\.m|k\b|mil\b|miles?|millas|minutes?|"
    r"minutos|times|veces|x\b))",
    regex.IGNORECASE,
)


def _answered_ages(text: str, hits: list[Found]) -> None:
    for match in _BARE_AGE.finditer(text):
        if not any(match.start() < f.end and f.start < match.end() for f in hits):
            hits.append(Found("AGE", match.start(), match.end(), 0.5))
    hits.sort(key=lambda f: f.start)


def _merge(found: list[Found]) -> list[Found]:
    """Spans a widening made overlap become one."""
    out: list[Found] = []
    for f in sorted(found, key=lambda f: f.start):
        if out and f.start < out[-1].end:
            out[-1].end = max(out[-1].end, f.end)
        else:
            out.append(f)
    return out


def _key(kind: str, value: str) -> str:
    if kind == "PHONE":
        digits = re.sub(r"\D", "", value)
        return digits[-10:] if len(digits) >= 10 else digits
    if kind in ("ID", "DATE"):
        return re.sub(r"[\W_]", "", fold(value))
    return " ".join(fold(value).split())


@dataclass
class Scrubber:
    """Placeholders for one conversation: the same value, the same placeholder."""

    numbers: dict = field(default_factory=dict)  # (kind, key) -> number
    counts: dict = field(default_factory=dict)  # kind -> last number given

    def placeholder(self, kind: str, value: str) -> str:
        key = _key(kind, value)
        if kind == "PERSON" and (kind, key) not in self.numbers:
            for (k, known), number in self.numbers.items():  # "Ana" after "Ana Lopez"
                if k == kind and (known.split()[0] == key or key.split()[0] == known):
                    self.numbers[(kind, key)] = number
                    break
        if (kind, key) not in self.numbers:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.numbers[(kind, key)] = self.counts[kind]
        return f"[{kind}_{self.numbers[(kind, key)]}]"

    def scrub(self, text: str, language: str, found: list[Found] | None = None) -> str:
        """``text`` with every value found replaced, by Presidio's anonymizer (``found``: what
        ``find_conversation`` found in it, else ``find``)."""
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        if not text:
            return text or ""
        found = find(text, language) if found is None else found
        if not found:
            return text
        _, anonymizer = _engines()
        # numbered in reading order (the anonymizer replaces from the end)
        chosen = {
            (f.kind, text[f.start : f.end]): self.placeholder(f.kind, text[f.start : f.end])
            for f in found
        }
        operators = {
            kind: OperatorConfig(
                "custom", {"lambda": lambda value, kind=kind: chosen[(kind, value)]}
            )
            for kind in {f.kind for f in found}
        }
        results = [RecognizerResult(f.kind, f.start, f.end, f.score) for f in found]
        with _lock:
            return anonymizer.anonymize(
                text=text, analyzer_results=results, operators=operators
            ).text


def scrub_conversation(texts: list[str], language: str) -> list[str]:
    """Each message of one conversation, scrubbed with one set of placeholders."""
    scrubber = Scrubber()
    found = find_conversation(texts, language)
    return [scrubber.scrub(t, language, f) for t, f in zip(texts, found, strict=True)]
