"""Recognising people's names: given names from lists, the family names after them, and
capitalised words after a cue ("my name is", "se llama", "el señor")."""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from lantern.privacy.scrubbing.words import FLAGS, WORD, fold, word_list

# Cues after which the next word is a name whatever its case ("me llamo esperanza"), and weaker
# ones after which it must be a listed name or capitalised ("this is hard", "thank you Ana").
_STRONG_CUES = {
    "en": r"my\s+name\s+is|my\s+names|my\s+name'?s|names\s+is|call\s+me|named|"
    r"calls\s+himself|calls\s+herself|goes\s+by",
    "es": r"me\s+llamo|mi\s+nombre\s+es|se\s+llama|se\s+llamaba|llamad[oa]|le\s+dicen|"
    r"me\s+dicen",
}
_CUES = {
    "en": r"name\s+is|this\s+is|called|boss|mr\.?|mrs\.?|ms\.?|miss|"
    r"i\s+am|i'?m|it'?s|thank\s+you|thanks|okay|ok|hi|hello|dear|tell|told|friend|"
    r"sister|brother|cousin|uncle|aunt|husband|wife|boyfriend|girlfriend|daughter|son",
    "es": r"soy|señor|señora|señorita|sr\.?|sra\.?|srta\.?|don|doña|gracias|hola|"
    r"le\s+digan\s+a|digan\s+a|dile\s+a|decirle\s+a|amig[oa]|herman[oa]|prim[oa]|"
    r"t[ií][oa]|espos[oa]|novi[oa]|hij[oa]|patr[oó]n|jefe|jefa|est[aá]\s+bien|"
    r"el\s+encargado\s+se\s+llama",
}
# Words that follow a cue and are not names ("i am scared", "soy de Honduras").
NOT_NAMES = frozenset(
    fold(w)
    for w in [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "not",
        "no",
        "yes",
        "very",
        "really",
        "just",
        "only",
        "still",
        "also",
        "too",
        "here",
        "there",
        "now",
        "going",
        "gonna",
        "trying",
        "afraid",
        "scared",
        "sorry",
        "okay",
        "ok",
        "fine",
        "good",
        "safe",
        "alone",
        "lost",
        "hurt",
        "sick",
        "tired",
        "calling",
        "texting",
        "writing",
        "working",
        "with",
        "from",
        "in",
        "at",
        "on",
        "to",
        "for",
        "of",
        "by",
        "about",
        "him",
        "her",
        "them",
        "us",
        "me",
        "you",
        "it",
        "this",
        "that",
        "his",
        "hers",
        "my",
        "your",
        "our",
        "their",
        "what",
        "who",
        "when",
        "where",
        "why",
        "how",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "i",
        "im",
        "i'm",
        "its",
        "please",
        "help",
        "sure",
        "thank",
        "thanks",
        "hello",
        "hi",
        "hey",
        "well",
        "u",
        "ur",
        "de",
        "del",
        "la",
        "el",
        "los",
        "las",
        "un",
        "una",
        "y",
        "o",
        "pero",
        "si",
        "no",
        "sí",
        "muy",
        "solo",
        "sólo",
        "aquí",
        "ahí",
        "allá",
        "ahora",
        "que",
        "qué",
        "quien",
        "quién",
        "cuando",
        "donde",
        "dónde",
        "como",
        "cómo",
        "por",
        "para",
        "con",
        "sin",
        "en",
        "a",
        "al",
        "mi",
        "mis",
        "tu",
        "su",
        "sus",
        "le",
        "les",
        "lo",
        "me",
        "te",
        "se",
        "nos",
        "es",
        "son",
        "fue",
        "era",
        "estoy",
        "está",
        "estás",
        "están",
        "bien",
        "mal",
        "gracias",
        "hola",
        "ayuda",
        "favor",
        "señor",
        "señora",
        "usted",
        "ustedes",
        "ellos",
        "ellas",
        "él",
        "ella",
        "yo",
        "tú",
        "nosotros",
        "menor",
        "mayor",
        "nuevo",
        "nueva",
    ]
)


class NameRecognizer(EntityRecognizer):
    """Given names from the list (with the family name after them), and capitalised words after
    a cue ("my name is", "se llama", "el señor"). A name that is also a word ("Grace", "Rosa")
    counts only when capitalised or after a cue."""

    def __init__(self, language: str):
        name = rf"[\s,:]+(?P<v>{WORD}(?:\s+{WORD}){{0,2}})"
        self.strong = regex.compile(rf"\b(?:{_STRONG_CUES[language]}){name}", FLAGS)
        self.cue = regex.compile(rf"\b(?:{_CUES[language]}){name}", FLAGS)
        self.word = regex.compile(WORD)
        super().__init__(
            supported_entities=["PERSON"], supported_language=language, name="NameRecognizer"
        )

    def load(self):
        pass

    @staticmethod
    def _is_given(word: str, after_cue: bool) -> bool:
        key = fold(word)
        if key in word_list("ambiguous_names.txt"):
            return after_cue or word[:1].isupper() and not word.isupper()
        return key in word_list("given_names.txt")

    @staticmethod
    def _is_family(word: str) -> bool:
        return fold(word) in word_list("surnames.txt") or (
            word[:1].isupper() and not word.isupper() and fold(word) not in NOT_NAMES
        )

    def _extend(self, words: list, i: int) -> int:
        """The index after the name that starts at words[i] (a family name or two may follow)."""
        j = i + 1
        while j < len(words) and j - i < 3 and self._is_family(words[j].group()):
            if words[j].start() - words[j - 1].end() > 1:
                break
            j += 1
        return j

    def analyze(self, text, entities, nlp_artifacts=None):
        found = []
        words = list(self.word.finditer(text))
        for i, word in enumerate(words):
            if self._is_given(word.group(), after_cue=False):
                j = self._extend(words, i)
                found.append(RecognizerResult("PERSON", word.start(), words[j - 1].end(), 0.7))
        cued = [(m, True) for m in self.strong.finditer(text, overlapped=True)]
        cued += [(m, False) for m in self.cue.finditer(text, overlapped=True)]
        for match, strong in cued:
            names = list(self.word.finditer(match.group("v")))
            first = names[0].group()
            if fold(first) in NOT_NAMES:
                continue
            given = self._is_given(first, after_cue=True)
            capitalised = first[:1].isupper() and not first.isupper()
            if not (given or capitalised or strong):
                continue  # "this is hard": a lower-case word after a cue is a name only if listed
            keep = 1
            while keep < len(names) and self._is_family(names[keep].group()):
                keep += 1
            start = match.start("v")
            found.append(
                RecognizerResult(
                    "PERSON", start, start + names[keep - 1].end(), 0.8 if given else 0.6
                )
            )
        return found
