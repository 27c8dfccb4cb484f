"""The scrubber's recognisers: patterns and the words around them, in English and Spanish.

Presidio's own phone recogniser (Google's phonenumbers) finds numbers in every country's formats;
the rest are here, because Presidio's pattern recognisers for names, addresses and places need a
trained language model, and none may be downloaded at run time. Each ``CueRecognizer`` is a
regular expression whose named group ``v`` is the value: "my name is (?P<v>...)" takes the
name, not the cue. Word lists (given names, family names, places) are in ``data/scrub/``.
"""

from __future__ import annotations

import re

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from lantern.privacy.scrubbing.names import NOT_NAMES, NameRecognizer
from lantern.privacy.scrubbing.words import FLAGS, LANGUAGES, WORD, fold, word_list

# Regions whose numbers callers give: the United States first, then where many callers come from.
PHONE_REGIONS = (
    "US",
    "MX",
    "GT",
    "HN",
    "SV",
    "NI",
    "CR",
    "PA",
    "DO",
    "HT",
    "CO",
    "VE",
    "PH",
    "VN",
    "CN",
    "KR",
    "UA",
    "NG",
    "IN",
    "ES",
    "GB",
)


class CueRecognizer(EntityRecognizer):
    """Regular expressions whose group ``v`` is the value to find (the rest is its cue)."""

    def __init__(
        self,
        entity: str,
        expressions: list[str],
        language: str,
        score: float = 0.8,
        name: str | None = None,
    ):
        self.expressions = [regex.compile(e, FLAGS) for e in expressions]
        self.score = score
        super().__init__(
            supported_entities=[entity],
            supported_language=language,
            name=name or f"{entity.title()}Cues",
        )

    def load(self):
        pass

    def accept(self, text: str, start: int, end: int) -> bool:
        return True

    def analyze(self, text, entities, nlp_artifacts=None):
        found = []
        for expression in self.expressions:
            for match in expression.finditer(text, overlapped=True):
                start, end = match.span("v")
                if start < end and self.accept(text, start, end):
                    found.append(
                        RecognizerResult(self.supported_entities[0], start, end, self.score)
                    )
        return found


# -- ages, dates of birth, ID numbers -------------------------------------------------------------

_EN_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_NUMBER = (
    rf"(?:(?:{'|'.join(_EN_TENS)})(?:[\s-](?:{'|'.join(_EN_UNITS)}))?|"
    rf"{'|'.join(_EN_TEENS)}|{'|'.join(_EN_UNITS)})"
)
_ES_NUMBER = (
    r"(?:(?:veinti|veintí)\w+|dieci\w+|(?:treinta|cuarenta|cincuenta|sesenta|setenta|"
    r"ochenta|noventa)(?:\s+y\s+\w+)?|veinte|diez|once|doce|trece|catorce|quince|uno|"
    r"dos|tres|cuatro|cinco|seis|siete|ocho|nueve)"
)
_AGE_NUMBER = {"en": rf"(?:\d{{1,2}}|{_EN_NUMBER})", "es": rf"(?:\d{{1,2}}|{_ES_NUMBER})"}
_AGES = {
    "en": [
        r"\b(?P<v>{n})\s*(?:-\s*)?(?:years?|yrs?|yo|y/o|y\.o\.)(?:[\s-]*old)?\b",
        r"\b(?:i'?m|i\s+am|im|she'?s|shes|he'?s|hes|she\s+is|he\s+is|they\s+are|age|aged|"
        r"turned|turning|only|just|is|was|(?:sister|brother|daughter|son|girl|boy|kid|"
        r"friend)'?s)\s+(?:only\s+|just\s+|about\s+|like\s+)?(?P<v>{n})\b"
        r"(?!\s*(?:hours?|hrs?|minutes?|mins?|days?|weeks?|months?|am|pm|a\.m|p\.m|:|dollars|"
        r"bucks|\$|%|people|of\s+us|percent|miles|times|o'?clock))",
    ],
    "es": [
        r"\b(?P<v>{n})\s+(?:años|anos|añitos)\b",
        r"\b(?:tengo|tiene|tienen|tenía|cumplí|cumple|cumplió|edad\s+de)\s+(?:apenas\s+|solo\s+|"
        r"sólo\s+|como\s+)?(?P<v>{n})\b(?!\s*(?:horas|días|dias|semanas|meses|dólares|dolares|"
        r"pesos|personas|hijos))",
    ],
}
_MONTHS = {
    "en": r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?",
    "es": r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|"
    r"diciembre|ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.?",
}
_DATES = {
    "en": [
        r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b",
        r"\b\d{4}-\d{1,2}-\d{1,2}\b",
        r"\b{m}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b",
        r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?{m},?\s+\d{4}\b",
    ],
    "es": [
        r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b",
        r"\b\d{4}-\d{1,2}-\d{1,2}\b",
        r"\b\d{1,2}\s+(?:de\s+)?{m}\s+(?:de\s+|del\s+)?\d{4}\b",
    ],
}
_BIRTH = {
    "en": r"(?:born|birth|birthday|dob|d\.o\.b\.?)",
    "es": r"(?:nací|naci|nació|nacio|nacimiento|cumpleaños|nacida|nacido)",
}
_ID_CUES = (
    r"\bmrn\b|medical\s+record|sevis|\bcase\s*(?:#|no\.?|number)|expediente|"
    r"passport|pasaporte|\bid\b|i\.d\.|identification|identificaci[oó]n|"
    r"\bdui\b|\bdpi\b|\bcurp\b|\bine\b|c[eé]dula|\bssn\b|social|seguro\s+social|"
    r"license|licencia|\bvisa\b|alien|\ba[\s-]?(?:number|#|no\.?)|\bnumero\s+a\b|"
    r"green\s+card|matr[ií]cula|permiso|permit|\bitin\b|\brfc\b|\bnss\b|documento"
)
_IDS = [
    rf"(?:{_ID_CUES})[^\n.?!]{{0,30}}?(?P<v>(?<![\w-])[A-Z]{{0,4}}[-\s]?\d[\d\s-]{{3,18}}\d"
    rf"(?:-?[A-Z0-9]{{1,3}})?(?![\w-]))",
    rf"(?:{_ID_CUES})[^\n.?!]{{0,30}}?(?P<v>\b[A-Z]{{1,6}}\d{{4,}}[A-Z0-9]*\b)",
]
_ID_PATTERNS = [
    Pattern("us_ssn", r"\b\d{3}-\d{2}-\d{4}\b", 0.6),
    Pattern("a_number", r"\bA[-\s]?\d{3}[-\s]?\d{3}[-\s]?\d{3}\b|\bA\d{7,9}\b", 0.8),
    Pattern("curp", r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b", 0.9),
    Pattern("dui", r"\b0\d{7}-\d\b", 0.6),
]
# Plates, badges and employee or case numbers after their word ("plate QZX 0071", "placas
# 7ABC000", "my badge is CLN 2290", "employee # E-4471").
_CODE_CUES = (
    r"plates?|placas?|tags?|license\s+plate|badge|gafete|ficha|"
    r"employee\s*(?:#|no\.?|number|id)|(?:n[uú]mero\s+de\s+)?empleado|"
    r"case\s*(?:#|no\.?|number)|n[uú]mero\s+de\s+caso|account|"
    r"n[uú]mero\s+de\s+cuenta|cuenta\s+(?:bancaria|de\s+banco)"  # not "me di cuenta que 25..."
)
_CODES = [
    rf"(?:{_CODE_CUES})[^\n.?!]{{0,25}}?(?P<v>(?<![\w-])(?:[A-Z0-9]{{1,4}}[\s-]?\d{{2,6}}[A-Z]?|"
    rf"[A-Z0-9]{{1,4}}-[A-Z]{{2,4}}|\d[A-Z]{{2,4}}\d{{2,4}})(?![\w-]))",
]


# Email addresses written so that a program would not see them ("carol dot brandt at example
# dot com", "flor punto aguirre arroba example punto com"): the whole spelled-out address.
_AT = r"(?:\s*@\s*|\s*[\[(]at[\])]\s*|\s+(?:at|arroba)\s+)"
_DOT = r"(?:\.|\s*[\[(]dot[\])]\s*|\s+(?:dot|punto)\s+)"
_TLD = r"(?:com|org|net|edu|gov|mil|info|io|co|us|mx|gt|hn|sv|es|ve|pr)"
_SPELLED_EMAIL = [
    rf"(?P<v>(?<![\w.])[\w+-]+(?:{_DOT}[\w+-]+){{0,3}}{_AT}[\w-]+(?:{_DOT}[\w-]+){{0,2}}{_DOT}{_TLD})\b"
]
# Social media handles: "@dess.the.realest" anywhere, and after the name of an app or "user"
# ("his Snapchat is marcus_money_mk", "en Discord andres.mtz_pr") when they look like a handle.
_HANDLE_CUES = (
    r"snap(?:chat)?|\big\b|insta(?:gram)?|tik\s*tok|discord|kik|telegram|twitter|facebook|\bfb\b|"
    r"account|user(?:name)?|handle|usuario|cuenta|perfil|gamertag|reviewer|se\s+hace\s+llamar"
)
_HANDLES = [
    r"(?P<v>(?<![\w.@])@[A-Za-z0-9_.-]{1,30}[A-Za-z0-9_])",
    r"(?P<v>(?<![\w$])\$[A-Za-z][A-Za-z0-9_-]{1,20})",  # a Cash App $cashtag (not an amount)
    rf"(?:{_HANDLE_CUES})\b[^\n?!]{{0,20}}?(?P<v>(?<![\w.@])[A-Za-z0-9][\w.]{{1,28}}[A-Za-z0-9_])"
    r"(?![\w@]|\.\w)",
]


class HandleCues(CueRecognizer):
    def accept(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        return value.startswith("@") or bool(regex.search(r"[\d_.]", value))


class CodeRecognizer(EntityRecognizer):
    """Document, plate and account numbers written with no word before them ("they took my
    G58211734", "the van is 7XKP219"): a run of capitals and digits with at least two digits
    and one letter, five characters or more, that is not a form's or a visa's name (DS-2019,
    I-130, H-2A), a time (11PM) or an amount (60K)."""

    CODE = regex.compile(r"(?<![\w-])(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-])")
    NOT_IDS = regex.compile(
        r"(?:DS-?\d{3,4}|I-?\d{2,3}[A-Z]?|[WGN]-?\d{1,3}|[HJ]-?\d[A-Z]?|COVID-?19|"
        r"\d+(?:AM|PM|K|ST|ND|RD|TH|S|MG|ML|MB|GB|X\d+)|[A-Z]{1,3}\d{1,2})"
    )

    def __init__(self, language: str):
        super().__init__(
            supported_entities=["ID"], supported_language=language, name="CodeRecognizer"
        )

    def load(self):
        pass

    # a plate as most states write it ("JDW 2290", "KDX-4419"), a Venezuelan cédula with dots
    SHAPED = regex.compile(
        r"(?<![\w-])(?:[A-Z]{2,3}[ -]\d{3,4}|[VEJ]-?\d{1,2}\.\d{3}\.\d{3})(?![\w-])"
    )

    def analyze(self, text, entities, nlp_artifacts=None):
        found = [
            RecognizerResult("ID", m.start(), m.end(), 0.45)
            for m in self.SHAPED.finditer(text)
            if not self.NOT_IDS.fullmatch(m.group())
        ]
        for match in self.CODE.finditer(text):
            code = match.group()
            plain = code.replace("-", "")
            digits = sum(c.isdigit() for c in plain)
            if len(plain) < 5 or digits < 2 or digits == len(plain):
                continue
            if self.NOT_IDS.fullmatch(code):
                continue
            found.append(RecognizerResult("ID", match.start(), match.end(), 0.5))
        return found


# -- phone numbers said in words ------------------------------------------------------------------

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
    "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}  # fmt: skip


# Two-digit groups said as one number ("doce, treinta y cuatro", "forty one").
_TEENS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "diez": "10",
    "once": "11",
    "doce": "12",
    "trece": "13",
    "catorce": "14",
    "quince": "15",
    "dieciséis": "16",
    "dieciseis": "16",
    "diecisiete": "17",
    "dieciocho": "18",
    "diecinueve": "19",
    "veintiuno": "21",
    "veintiún": "21",
    "veintidós": "22",
    "veintidos": "22",
    "veintitrés": "23",
    "veintitres": "23",
    "veinticuatro": "24",
    "veinticinco": "25",
    "veintiséis": "26",
    "veintiseis": "26",
    "veintisiete": "27",
    "veintiocho": "28",
    "veintinueve": "29",
}
_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
    "eighty": "8", "ninety": "9", "veinte": "2", "treinta": "3", "cuarenta": "4",
    "cincuenta": "5", "sesenta": "6", "setenta": "7", "ochenta": "8", "noventa": "9",
}  # fmt: skip


def _alternatives(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


class SpokenNumberRecognizer(EntityRecognizer):
    """Phone numbers said in words, or in words and digits ("two zero nine, five five five, oh
    one six eight", "469 cinco cinco cinco 01 32", "seis seis cuatro, tres cero cinco, doce,
    treinta y cuatro"): seven to fifteen digits in a row, at least one of them a word."""

    UNIT = _alternatives(_DIGIT_WORDS)
    TOKEN = (
        rf"(?:(?:{_alternatives(_TENS)})(?:(?:\s+y\s+|-|\s+)(?:{UNIT}))?|{_alternatives(_TEENS)}|"
        rf"{UNIT}|\d{{1,4}})"
    )
    RUN = regex.compile(rf"(?<![\w-]){TOKEN}(?:[\s,.-]+{TOKEN}){{2,}}(?![\w-])", FLAGS)
    ONE = regex.compile(TOKEN, FLAGS)

    def __init__(self, language: str):
        super().__init__(
            supported_entities=["PHONE_NUMBER"],
            supported_language=language,
            name="SpokenNumberRecognizer",
        )

    def load(self):
        pass

    @staticmethod
    def _digits(token: str) -> str:
        words = regex.findall(r"\w+", token.casefold())
        if words[0] in _TENS:
            unit = [w for w in words[1:] if w in _DIGIT_WORDS]
            return _TENS[words[0]] + (_DIGIT_WORDS[unit[0]] if unit else "0")
        return _TEENS.get(words[0]) or _DIGIT_WORDS.get(words[0]) or words[0]

    def analyze(self, text, entities, nlp_artifacts=None):
        found = []
        for match in self.RUN.finditer(text):
            tokens = [t.group() for t in self.ONE.finditer(match.group())]
            if all(t.isdigit() for t in tokens):
                continue  # digits only: the phone recognisers' job
            digits = "".join(self._digits(t) for t in tokens)
            if 7 <= len(digits) <= 15:
                # surer than an age ("is two...") or a date that a run of digits may look like
                found.append(RecognizerResult("PHONE_NUMBER", match.start(), match.end(), 0.85))
        return found


# -- addresses and places -------------------------------------------------------------------------

_STREET = (
    r"street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|way|court|ct|"
    r"highway|hwy|parkway|pkwy|place|pl|circle|cir|trail|trl|terrace|ter|loop|freeway|fwy"
)
_UNIT = r"(?:\s*,?\s*(?:apt|apartment|unit|suite|ste|room|rm|#|no\.?)\s*\.?\s*#?\s*\w{1,5})?"
_ADDRESSES = {
    "en": [
        rf"(?P<v>\b\d{{1,6}}\s+(?:(?:[NSEW]\.?|north|south|east|west)\s+)?(?:[\w'.-]+\s+){{0,4}}?"
        rf"(?:{_STREET})\b\.?{_UNIT})",
        r"(?P<v>\b\d{1,6}\s+(?:old\s+)?(?:highway|hwy|route|rt|county\s+road|fm|farm\s+road)\s*"
        r"\d{1,4}\b)",
    ],
    "es": [
        rf"(?P<v>\b(?:calle|c/|avenida|av\.?|avda\.?|calzada|carretera|callejón|callejon|"
        rf"privada|andador|boulevard|blvd\.?|paseo)\s+[^\n,.;]{{1,40}}?\s*(?:#|no\.?|número)?\s*"
        rf"\d{{1,5}}\b(?:\s*(?:,\s*)?(?:col\.?|colonia)\s+{WORD}(?:\s+{WORD})?)?)",
        rf"(?P<v>\b(?:colonia|col\.|barrio|fraccionamiento|fracc\.)\s+{WORD}"
        rf"(?:\s+(?!(?:casa|lote|manzana)\b){WORD}){{0,2}}"
        rf"(?:\s*,?\s*(?:casa|lote|manzana|mz\.?|lt\.?)\s*#?\s*\d{{1,5}})?)",
        rf"(?P<v>\b\d{{1,6}}\s+(?:(?:[NSEW]\.?|north|south|east|west)\s+)?(?:[\w'.-]+\s+){{0,4}}?"
        rf"(?:{_STREET})\b\.?{_UNIT})",
    ],
}
_PLACE_CUES = {
    "en": r"in|from|to|near|at|outside|around|back\s+to|came\s+from|brought\s+me\s+from",
    "es": r"en|de|desde|a|cerca\s+de|hacia|para|vengo\s+de|venimos\s+de",
}


class PlaceRecognizer(EntityRecognizer):
    """Countries, states and cities from the list (in any case), and capitalised names after
    "in", "from", "en", "de" (a city the list does not have)."""

    def __init__(self, language: str):
        self.cue = regex.compile(
            rf"\b(?:{_PLACE_CUES[language]})\s+(?:the\s+)?(?P<v>\p{{Lu}}[\p{{L}}'’.-]+"
            rf"(?:\s+(?:de\s+|del\s+|la\s+|las\s+|los\s+)?\p{{Lu}}[\p{{L}}'’.-]+){{0,3}})",
            regex.UNICODE,
        )
        self.word = regex.compile(r"[\p{L}'’.-]+")
        super().__init__(
            supported_entities=["PLACE"], supported_language=language, name="PlaceRecognizer"
        )

    def load(self):
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        places = word_list("places.txt")
        found = []
        words = list(self.word.finditer(text))
        for i in range(len(words)):
            for size in (3, 2, 1):
                if i + size > len(words):
                    continue
                start, end = words[i].start(), words[i + size - 1].end()
                if fold(text[start:end]).strip(".") in places:
                    found.append(RecognizerResult("PLACE", start, end, 0.7))
                    break
        for match in self.cue.finditer(text, overlapped=True):
            value = match.group("v")
            first = fold(value.split()[0])
            if (
                first in NOT_NAMES
                or first in word_list("given_names.txt")
                or first in word_list("not_names.txt")
            ):
                continue
            if value.endswith("-") or text[match.end("v") : match.end("v") + 1].isdigit():
                continue  # the letters of a code ("a DS-2019"), not a place
            found.append(RecognizerResult("PLACE", match.start("v"), match.end("v"), 0.5))
        return found


def _with_number(expressions: list[str], language: str) -> list[str]:
    return [e.replace("{n}", _AGE_NUMBER[language]) for e in expressions]


def _with_month(expressions: list[str], language: str) -> list[str]:
    return [e.replace("{m}", _MONTHS[language]) for e in expressions]


def for_language(language: str) -> list[EntityRecognizer]:
    """Every recogniser the scrubber runs on text in this language (``en`` or ``es``)."""
    dates = _with_month(_DATES[language], language)
    birth = [rf"{_BIRTH[language]}[^\n.?!]{{0,30}}?(?P<v>{d})" for d in dates]
    return [
        PhoneRecognizer(supported_language=language, supported_regions=PHONE_REGIONS),
        PatternRecognizer(
            supported_entity="PHONE_NUMBER",
            supported_language=language,
            name="PhoneDigits",
            patterns=[Pattern("digits", r"(?<![\w@])\+?\d[\d\s().-]{8,17}\d(?![\w@])", 0.4)],
        ),
        PatternRecognizer(
            supported_entity="EMAIL_ADDRESS",
            supported_language=language,
            name="Email",
            patterns=[Pattern("email", r"\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\b", 0.95)],
        ),
        PatternRecognizer(
            supported_entity="ID",
            supported_language=language,
            name="IdPatterns",
            patterns=_ID_PATTERNS,
        ),
        CueRecognizer("ID", _IDS, language, score=0.85),
        CueRecognizer("ID", _CODES, language, score=0.7, name="CodeCues"),
        CodeRecognizer(language),
        CueRecognizer("EMAIL_ADDRESS", _SPELLED_EMAIL, language, score=0.9, name="SpelledEmail"),
        HandleCues("PERSON", _HANDLES, language, score=0.75, name="Handles"),
        SpokenNumberRecognizer(language),
        CueRecognizer("AGE", _with_number(_AGES[language], language), language, score=0.75),
        CueRecognizer("DATE", [f"(?P<v>{d})" for d in dates], language, score=0.6),
        CueRecognizer("DATE_OF_BIRTH", birth, language, score=0.9),
        CueRecognizer("ADDRESS", _ADDRESSES[language], language, score=0.7),
        PatternRecognizer(
            supported_entity="ADDRESS",
            supported_language=language,
            name="ZipAndCoordinates",
            patterns=[
                # a state's two capitals and a ZIP code ("Houston TX 77002"), case as written
                Pattern("state_zip", r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b", 0.6),
                Pattern("zip", r"(?i:\bzip(?:\s*code)?\s*:?\s*)\d{5}(?:-\d{4})?\b", 0.6),
                # a place as GPS coordinates ("29.7604, -95.3698")
                Pattern("coordinates", r"-?\b\d{1,2}\.\d{3,}\s*,\s*-?\d{1,3}\.\d{3,}\b", 0.7),
            ],
            global_regex_flags=re.DOTALL | re.MULTILINE,
        ),
        NameRecognizer(language),
        PlaceRecognizer(language),
    ]


def languages() -> tuple[str, ...]:
    return LANGUAGES
