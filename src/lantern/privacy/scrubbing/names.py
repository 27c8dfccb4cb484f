"""Recognising people's names: given names from lists, the family names after them, and
capitalised words after a cue ("my name is", "se llama", "el señor")."""

from __future__ import annotations

from functools import cache

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from lantern.privacy.scrubbing.words import FLAGS, WORD, fold, word_list

# Cues after which the next word is a name whatever its case ("me llamo esperanza"), and weaker
# ones after which it must be a listed name or capitalised ("this is hard", "thank you Ana").
_STRONG_CUES = {
    "en": r"my\s+name\s+is|my\s+names|my\s+name'?s|my\s+name|names\s+is|call\s+me|named|"
    r"calls\s+himself|calls\s+herself|goes\s+by",
    "es": r"me\s+llamo|mi\s+nombre\s+es|mi\s+nombre|se\s+llama|se\s+llamaba|llamad[oa]|le\s+dicen|"
    r"me\s+dicen",
}
_CUES = {
    "en": r"name\s+is|this\s+is|called|boss|mr\.?|mrs\.?|ms\.?|miss|dr\.?|madam|"
    r"i\s+am|i'?m|it'?s|thank\s+you|thanks|okay|ok|hi|hello|dear|tell|told|friend|bff|"
    r"sister|brother|cousin|uncle|aunt|husband|wife|boyfriend|girlfriend|daughter|son|bf|gf|"
    r"mom|mother|dad|father|grandma|grandmother|grandpa|nephew|niece|neighbou?r|coworker|"
    r"roommate|manager|owner|supervisor|leader|foreman|recruiter|pimp|client|handler|driver|"
    r"guy|man|lady|woman|girl|boy|kid|name|names|handle'?s|nickname|alias|a\.?k\.?a\.?",
    "es": r"soy|señor|señora|señorita|sr\.?|sra\.?|srta\.?|don|doña|gracias|hola|"
    r"le\s+digan\s+a|digan\s+a|dile\s+a|decirle\s+a|amig[oa]|herman[oa]|prim[oa]|"
    r"t[ií][oa]|espos[oa]|novi[oa]|hij[oa]|patr[oó]n|jefe|jefa|est[aá]\s+bien|"
    r"el\s+encargado\s+se\s+llama|encargad[oa]|dueñ[oa]|due[nñ]o|capataz|contratista|"
    r"mayordomo|troquero|ranchero|supervisor[a]?|cuñad[oa]|niet[oa]|sobrin[oa]|suegr[oa]|"
    r"nuera|yerno|mam[aá]|pap[aá]|abuel[oa]|compañer[oa]s?|vecin[oa]|un\s+tal|una\s+tal|"
    r"alias|apodo|nombre",
}
# Words for people close to the caller, after which a listed name counts even in lower case.
_KIN = (
    r"friend|bff|sister|sis|brother|bro|cousin|uncle|aunt|husband|wife|boyfriend|girlfriend|"
    r"daughter|son|mom|mother|dad|father|niece|nephew|coworker|roommate|neighbou?r|"
    r"mr|mrs|ms|miss|mister|sir|madam|amig[oa]|herman[oa]|prim[oa]|t[ií][oa]|espos[oa]|"
    r"novi[oa]|hij[oa]|cuñad[oa]|niet[oa]|sobrin[oa]|mam[aá]|pap[aá]|vecin[oa]|compañer[oa]|"
    r"don|doña|sr|sra|srta"
)
# Verbs that follow such a word and are also someone's name somewhere ("my friend said").
_VERBS = frozenset(
    [
        "said",
        "says",
        "told",
        "tells",
        "got",
        "gets",
        "keeps",
        "kept",
        "lives",
        "lived",
        "works",
        "worked",
        "went",
        "goes",
        "came",
        "comes",
        "called",
        "calls",
        "wants",
        "needs",
        "took",
        "takes",
        "left",
        "sent",
        "asked",
        "asks",
        "knows",
        "thinks",
        "found",
        "saw",
        "sees",
        "dijo",
        "dice",
        "tiene",
        "vive",
        "trabaja",
        "fue",
        "llamo",
        "quiere",
        "sabe",
        "mando",
        "manda",
        "vino",
    ]
)
# Words that follow a cue and are not names ("i am scared", "soy de Honduras").
NOT_NAMES = frozenset(
    fold(w)
    for w in [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "madam",
        "sra",
        "srta",
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


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    return frozenset(fold(w) for w in EN | ES) | NOT_NAMES | word_list("ambiguous_names.txt")


def is_common_word(word: str) -> bool:
    """A function word of English or Spanish (spaCy's lists), a title, a name that is also a
    word, or a word such as a day or a brand (``not_names.txt``)."""
    return fold(word) in _stop_words() or fold(word) in word_list("not_names.txt")


# A word in title case ("Thabo", "O'Neill", "Jean-Luc"), and what may open a sentence before it.
_TITLE = regex.compile(r"(?<![\w'’-])\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*(?![\w'’-])")
_OPENERS = " \t\"'“”‘’(¡¿*_-"


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(_OPENERS)
    if regex.search(r"(?:^|\s)\p{Lu}\.$", before):
        return False  # after an initial ("T. Okonkwo"), not a full stop
    return not before or before[-1] in ".!?\n:;…"


def _latin(word) -> bool:
    return isinstance(word, str) and len(word) > 2 and all(ord(c) < 0x250 for c in word)


@cache
def world_names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and family names of many countries, in Latin script (Faker's person
    providers: their lists only), minus common words: ``(given, family)``, folded."""
    import importlib
    import pkgutil

    from faker.providers import person

    given, family = set(), set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr, into in (("first_names", given), ("first_names_male", given),
                           ("first_names_female", given), ("last_names", family)):  # fmt: skip
            value = getattr(provider, attr, None)
            if isinstance(value, (list, tuple, set, frozenset, dict)):
                into.update(fold(w) for w in value if _latin(w))
    common = _stop_words() | word_list("not_names.txt") | word_list("places.txt")
    for locale in ("en_US", "es_ES", "es_MX"):  # Faker's everyday words: "hope", "sister", "may"
        lorem = importlib.import_module(f"faker.providers.lorem.{locale}").Provider.word_list
        common |= {fold(w) for w in lorem}
    return frozenset(given - common), frozenset(family - common)


@cache
def _any_name() -> frozenset[str]:
    given, family = world_names()
    return given | family


def _shouting(text: str) -> bool:
    """Written in capitals (at least nine letters in ten, and a few words of them)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _not_a_name(word: str) -> bool:
    key = fold(word)
    return (
        is_common_word(word) or key in word_list("not_names.txt") or key in word_list("places.txt")
    )


class NameRecognizer(EntityRecognizer):
    """Given names from the list (with the family name after them), and capitalised words after
    a cue ("my name is", "se llama", "el señor"). A name that is also a word ("Grace", "Rosa")
    counts only when capitalised or after a cue."""

    def __init__(self, language: str):
        name = (
            rf"(?:\s+(?:is|was|es|era))?[\s,:]+(?:(?:el|la)\s+)?(?P<v>{WORD}(?:\s+{WORD}){{0,2}})"
        )
        self.strong = regex.compile(rf"\b(?:{_STRONG_CUES[language]}){name}", FLAGS)
        self.cue = regex.compile(rf"\b(?:{_CUES[language]}){name}", FLAGS)
        self.kin = regex.compile(rf"\b(?:{_KIN})\.?[\s,:]+$", FLAGS)
        # a title: the next word is a name in any case unless it is a common word ("mrs khan",
        # "sir rashid"; not "yes sir i will")
        self.title = regex.compile(
            rf"\b(?:mr|mrs|ms|miss|mister|sir|madam|dr|don|doña|sr|sra|srta|lic)\.?{name}", FLAGS
        )
        self.word = regex.compile(WORD)
        super().__init__(
            supported_entities=["PERSON"], supported_language=language, name="NameRecognizer"
        )

    def load(self):
        pass

    @staticmethod
    def _is_given(word: str, after_cue: bool) -> bool:
        """A listed given name; one that is also a word ("Grace", "Ella" and "ella") only
        after a cue or capitalised (and then not opening a sentence: see ``analyze``)."""
        key = fold(word)
        listed = key in word_list("given_names.txt")
        if key in word_list("ambiguous_names.txt") or listed and is_common_word(word):
            return after_cue or word[:1].isupper() and not word.isupper()
        return listed

    @staticmethod
    def _is_family(word: str) -> bool:
        key = fold(word)
        return (
            key in word_list("surnames.txt")
            or (word[:1].isupper() and not word.isupper() and key not in NOT_NAMES)
            or (key in world_names()[1] and not is_common_word(word))  # "anthony russo"
        )

    def _extend(self, words: list, i: int) -> int:
        """The index after the name that starts at words[i] (a family name or two may follow)."""
        j = i + 1
        while j < len(words) and j - i < 3 and self._is_family(words[j].group()):
            if words[j].start() - words[j - 1].end() > 1:
                break
            j += 1
        return j

    def _capitalised(self, text: str) -> list[RecognizerResult]:
        """Words in title case that are not common words, places, days or the like: in mid-
        sentence ("the cook, Somchai, said"), and at the start of a message or sentence when a
        comma or a full stop follows ("Thabo. the fair is at..."), a name the lists do not
        have. A capitalised run ("Adaeze Okafor") is one name."""
        found = []
        matches = list(_TITLE.finditer(text))
        i = 0
        while i < len(matches):
            match = matches[i]
            j = i + 1
            if _not_a_name(match.group()):
                i = j
                continue
            while (
                j < len(matches)
                and text[matches[j - 1].end() : matches[j].start()] == " "
                and not _not_a_name(matches[j].group())
            ):
                j += 1
            end = matches[j - 1].end()
            if not _opens_sentence(text, match.start()):
                found.append(RecognizerResult("PERSON", match.start(), end, 0.35))
            elif text[end : end + 1] in (",", ".") and fold(match.group()) in world_names()[0]:
                found.append(RecognizerResult("PERSON", match.start(), end, 0.4))
            i = j
        return found

    def _kin_before(self, text: str, start: int) -> bool:
        """A lower-case name is taken only after a word for a relative, a friend or a title
        ("my friend tess", "mrs khan"), not after a role ("the manager said")."""
        return bool(self.kin.search(text[max(0, start - 30) : start]))

    @staticmethod
    def _listed_in_capitals(words: list) -> list[RecognizerResult]:
        given = world_names()[0]
        found, i = [], 0
        while i < len(words):
            word = words[i].group()
            if fold(word) in given and not is_common_word(word) and len(word) > 2:
                j = i + 1
                while j < len(words) and j - i < 3 and fold(words[j].group()) in _any_name():
                    j += 1
                found.append(RecognizerResult("PERSON", words[i].start(), words[j - 1].end(), 0.6))
                i = j
            else:
                i += 1
        return found

    def analyze(self, text, entities, nlp_artifacts=None):
        found = self._capitalised(text)
        words = list(self.word.finditer(text))
        for i, word in enumerate(words):
            if is_common_word(word.group()) and _opens_sentence(text, word.start()):
                continue  # "Ella dice que...": a pronoun, not Ella
            if self._is_given(word.group(), after_cue=False):
                j = self._extend(words, i)
                found.append(RecognizerResult("PERSON", word.start(), words[j - 1].end(), 0.7))
        shouting = _shouting(text)
        if shouting:  # ALL CAPITALS: nothing stands out, so the lists of the world's names decide
            found += self._listed_in_capitals(words)
        cued = [(m, True) for m in self.strong.finditer(text, overlapped=True)]
        cued += [(m, False) for m in self.cue.finditer(text, overlapped=True)]
        cued += [(m, True) for m in self.title.finditer(text, overlapped=True)
                 if not is_common_word(m.group("v").split()[0])]  # fmt: skip
        given_anywhere = world_names()[0]
        for match, strong in cued:
            names = list(self.word.finditer(match.group("v")))
            first = names[0].group()
            if fold(first) in NOT_NAMES:
                continue
            given = self._is_given(first, after_cue=True) or (
                fold(first) in given_anywhere
                and not is_common_word(first)
                and (first[:1].isupper() or self._kin_before(text, match.start("v")))
                and fold(first) not in _VERBS
            )
            capitalised = first[:1].isupper() and (not first.isupper() or shouting)
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
