"""Triage: the urgency, language, suggested category and minor flag of a new contact, with the
reasons.

Sources, in order of trust:
1. what the channel said: the phone menu's "press 1", the chat pre-form's "I am not safe", the
   tip form's "someone is in danger right now";
2. the rule set in ``data/triage.yaml``: phrases and patterns in the hotline's eleven languages,
   kept as data (a hotline copies the file, tests the copy with ``lantern triage_eval`` and points
   ``LANTERN_TRIAGE_RULES`` at it);
3. the optional offline classifier (``routing.classifier``), when configured.

The rules read words, not meaning, so three things make them less naive:

* word boundaries per language: a phrase is a whole word in languages written with spaces, a
  word start in Korean (its endings attach), anywhere in Chinese and Arabic (no spaces, or
  attached prefixes); a word ending in ``*`` is a stem ("encerrad*");
* negation: a match with a negation cue ("not", "no", "не", "没有" ...) just before it in the same
  clause does not count ("I am not in danger, my cousin is" is about the cousin);
* the past: a rule marked ``past: skip`` does not count in a sentence that puts it years back
  ("he hit me years ago, I am safe now").

A rule may also ask for the caller's type (a law enforcement officer or a service provider asking
for urgent help is urgent).

Reasons are stored in clear on the task, so they hold the rules' own words only: the phrase that
matched (which is in the rules file), never the text around it, and for a pattern (an age, say)
only the rule's reason.

Urgency is the highest any source gives: a source can raise it, never lower it, so a visitor
who said "I am safe" and then writes "he is going to kill me" is a crisis. Every decision lists
its reasons; an advocate can change it (``routing.actions.do_retriage``, audited).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

from lantern.contacts.choices import ContactCallerTypeChoices, ContactCallTypeChoices
from lantern.routing.choices import URGENCY_RANK, TaskUrgencyChoices

DEFAULT_RULES = Path(__file__).parent / "data" / "triage.yaml"
# Only the start of a long text is read: the danger is stated early, and triage stays fast.
MAX_TEXT = 2000
# How far before a match a negation cue counts (characters, within the clause).
NEGATION_WINDOW = 12
BOUNDARIES = ("word", "start", "none")
# Where a clause ends (a negation does not reach past it) and where a sentence ends (a "years
# ago" does not reach past it).
_CLAUSE_END = re.compile(r"[,;:.!?\n\u3001\u3002\uff0c\uff01\uff1f\u060c\u061f]")
_SENTENCE_END = re.compile(r"[.!?\n\u3002\uff01\uff1f\u061f]")


def normalize(text: str) -> str:
    """Lower case, accents off, curly quotes straight, spaces single: what the rules match.

    Hangul is composed again after the accents come off (NFKD splits a syllable into letters)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    # Eastern Arabic digits read as digits ("١٥" is 15)
    text = text.translate(_DIGITS)
    # spaces single, line breaks kept: a line ends a clause (a negation does not cross it)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


_DIGITS = str.maketrans("".join(chr(0x0660 + n) for n in range(10)), "0123456789")


def _wrap(alternatives: list[str], boundaries: str) -> str:
    body = "|".join(alternatives)
    if boundaries == "none":
        return f"(?:{body})"
    if boundaries == "start":
        return rf"(?<!\w)(?:{body})"
    return rf"(?<!\w)(?:{body})(?!\w)"


def _atoms(phrase: str, boundaries: str) -> tuple[list[str], str]:
    """A phrase as regex pieces, one a character (a stem's end and the space between words one
    each), and how it must end. The first piece checks the word start after its character, so
    that the compiled alternation starts with plain characters: ``re`` then skips every position
    whose character starts no phrase, which keeps hundreds of phrases fast."""
    atoms = []
    for word in normalize(phrase).split():
        if atoms:
            atoms.append(r"\s+")
        stem = word.endswith("*") and len(word) > 1
        atoms += [re.escape(c) for c in word.rstrip("*")]
        if stem:
            atoms.append(r"\w*")
    if boundaries != "none":
        atoms[0] += r"(?<!\w.)"
    return atoms, (r"(?!\w)" if boundaries == "word" else "")


def _trie(phrases: list[tuple[list[str], str]]) -> str:
    """One regular expression for many phrases, their common starts shared."""
    root: dict = {}
    for atoms, end in phrases:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node.setdefault(None, set()).add(end)

    def emit(node: dict) -> str:
        ends = node.get(None, set())
        options = [atom + emit(child) for atom, child in node.items() if atom is not None]
        options += sorted(end for end in ends if end)
        optional = "" in ends
        if not options:
            return ""
        if len(options) == 1 and not optional:
            return options[0]
        return "(?:" + "|".join(options) + ")" + ("?" if optional else "")

    return emit(root)


def _phrases_regex(by_language: dict[str, list[str]], boundaries: dict[str, str]) -> str:
    return _trie(
        [
            _atoms(phrase, boundaries.get(language, "word"))
            for language, phrases in by_language.items()
            for phrase in phrases
            if normalize(phrase).rstrip("*")
        ]
    )


@dataclass(frozen=True)
class Cues:
    """Negation and past-time cues, one pattern each, over the normalized text."""

    negation: re.Pattern | None = None
    past: re.Pattern | None = None

    def negated(self, text: str, start: int) -> bool:
        if self.negation is None:
            return False
        before = text[max(0, start - NEGATION_WINDOW) : start]
        clause = _CLAUSE_END.split(before)[-1]
        return self.negation.search(clause) is not None

    def in_the_past(self, text: str, start: int, end: int) -> bool:
        if self.past is None:
            return False
        sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
        found = _SENTENCE_END.search(text, end)
        sentence = text[sentence_start : found.start() if found else len(text)]
        return self.past.search(sentence) is not None


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    urgency: str
    category: str
    flags: tuple[str, ...]
    regexes: tuple[re.Pattern, ...]  # the phrases' (one, fast), then each pattern's
    phrases: frozenset[str]
    callers: frozenset[str] = frozenset()
    negatable: bool = True
    skip_past: bool = False
    needs: frozenset[str] = frozenset()  # counts only when one of these rules matched
    unless: frozenset[str] = frozenset()  # its urgency does not count when one of these matched

    def find(self, text: str, cues: Cues = Cues()) -> str | None:
        """None if the rule does not match; else the phrase it matched, or "" when a pattern
        matched (a pattern's match can hold the person's own words, which are never kept in
        clear: the reason names the rule only). A negated match, or one in the past for a rule
        that skips the past, does not count."""
        for regex in self.regexes:
            for match in regex.finditer(text):
                if self.negatable and cues.negated(text, match.start()):
                    continue
                if self.skip_past and cues.in_the_past(text, match.start(), match.end()):
                    continue
                found = " ".join(match.group(0).split())
                return found if found in self.phrases else ""
        return None


def _language_settings(document: dict, source: str, key: str = "boundaries") -> dict[str, str]:
    """Language -> its phrases' boundaries (``key="cue_boundaries"``: its cues', by default
    the same)."""
    languages = document.get("languages") or {}
    if not isinstance(languages, dict):
        raise ImproperlyConfigured(f"{source}: 'languages' maps a language to its settings")
    out = {}
    for language, conf in languages.items():
        if not isinstance(conf, dict):
            raise ImproperlyConfigured(f"{source}: languages.{language} must be a mapping")
        boundaries = conf.get(key, conf.get("boundaries", "word"))
        if boundaries not in BOUNDARIES:
            raise ImproperlyConfigured(
                f"{source}: languages.{language}.{key} must be one of {BOUNDARIES}"
            )
        out[str(language)] = boundaries
    return out


def _phrase_list(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ImproperlyConfigured(f"{where} must be a list of text")
    return [p for p in value if p.strip()]


def _cue_pattern(document: dict, key: str, boundaries: dict, source: str) -> re.Pattern | None:
    by_language = document.get(key) or {}
    if not isinstance(by_language, dict):
        raise ImproperlyConfigured(f"{source}: '{key}' maps a language to a list of cues")
    cues = {
        str(language): _phrase_list(phrases, f"{source}: {key}.{language}")
        for language, phrases in by_language.items()
    }
    regex = _phrases_regex(cues, boundaries)
    return re.compile(regex) if regex else None


def compile_cues(document: dict, source: str = "triage rules") -> Cues:
    boundaries = _language_settings(document, source, "cue_boundaries")
    return Cues(
        negation=_cue_pattern(document, "negation", boundaries, source),
        past=_cue_pattern(document, "past", boundaries, source),
    )


def compile_rules(document: dict, source: str = "triage rules") -> list[Rule]:
    """The rules of a YAML document, or ``ImproperlyConfigured`` naming what is wrong."""
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise ImproperlyConfigured(f"{source}: expected a mapping with a list of 'rules'")
    boundaries = _language_settings(document, source)
    rules, seen = [], set()
    for number, item in enumerate(document["rules"], 1):
        where = f"{source}: rule {number}"
        if not isinstance(item, dict) or not item.get("id"):
            raise ImproperlyConfigured(f"{where}: every rule needs an 'id'")
        rule_id = str(item["id"])
        where = f"{source}: rule {rule_id!r}"
        if rule_id in seen:
            raise ImproperlyConfigured(f"{where}: the id is used twice")
        seen.add(rule_id)
        urgency = item.get("urgency", TaskUrgencyChoices.NON_URGENT)
        if urgency not in TaskUrgencyChoices.values:
            raise ImproperlyConfigured(
                f"{where}: urgency {urgency!r} is not one of {TaskUrgencyChoices.values}"
            )
        category = item.get("category", "")
        if category and category not in ContactCallTypeChoices.values:
            raise ImproperlyConfigured(f"{where}: category {category!r} is not a call type")
        callers = item.get("callers") or []
        unknown = set(callers) - set(ContactCallerTypeChoices.values)
        if not isinstance(callers, list) or unknown:
            raise ImproperlyConfigured(f"{where}: callers must be caller types, not {unknown}")
        needs = item.get("with") or []
        if not isinstance(needs, list) or not set(needs) <= seen - {rule_id}:
            raise ImproperlyConfigured(f"{where}: 'with' names rules given before this one")
        unless = item.get("unless") or []
        if not isinstance(unless, list) or not all(isinstance(u, str) for u in unless):
            raise ImproperlyConfigured(f"{where}: 'unless' is a list of rule ids")
        past = item.get("past", "count")
        if past not in ("count", "skip"):
            raise ImproperlyConfigured(f"{where}: past is 'count' or 'skip'")
        by_language, plain = {}, set()
        for language, phrases in (item.get("phrases") or {}).items():
            by_language[str(language)] = _phrase_list(phrases, f"{where}: phrases.{language}")
            plain |= {normalize(p) for p in by_language[str(language)] if "*" not in p}
        alternatives = []
        phrases_regex = _phrases_regex(by_language, boundaries)
        if phrases_regex:
            alternatives.append(phrases_regex)
        for language, patterns in (item.get("patterns") or {}).items():
            for pattern in _phrase_list(patterns, f"{where}: patterns.{language}"):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ImproperlyConfigured(
                        f"{where}: patterns.{language}: {pattern!r}: {exc}"
                    ) from None
                alternatives.append(
                    _wrap([f"(?:{pattern})"], boundaries.get(str(language), "word"))
                )
        if not alternatives:
            raise ImproperlyConfigured(f"{where}: give some phrases or patterns")
        rules.append(
            Rule(
                id=rule_id,
                reason=str(item.get("reason") or rule_id),
                urgency=urgency,
                category=category,
                flags=tuple(item.get("flags") or ()),
                regexes=tuple(re.compile(a) for a in alternatives),
                phrases=frozenset(plain),
                callers=frozenset(callers),
                negatable=bool(item.get("negatable", True)),
                skip_past=past == "skip",
                needs=frozenset(needs),
                unless=frozenset(unless),
            )
        )
    return rules


@dataclass(frozen=True)
class RuleSet:
    rules: list[Rule]
    cues: Cues


def load_rules(path: Path | str) -> RuleSet:
    """The rules file at ``path``, compiled, or ``ImproperlyConfigured`` saying what is wrong."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc
    rules = compile_rules(document, str(path))
    return RuleSet(rules=rules, cues=compile_cues(document, str(path)))


@functools.cache
def configured() -> RuleSet:
    return load_rules(os.environ.get("LANTERN_TRIAGE_RULES") or DEFAULT_RULES)


def rules() -> list[Rule]:
    return configured().rules


@dataclass(frozen=True)
class Signals:
    """What a contact brings to triage, read from the contact by ``routing.queries``."""

    channel: str
    channel_urgent: bool = False
    language: str = "en"
    language_hint: str = ""
    text: str = ""
    caller_type: str = ""


CHANNEL_SIGNAL = {
    "phone": "the caller pressed 1 in the phone menu: in danger now",
    "chat": "the visitor said in the pre-chat form that they are not safe",
    "webform": "the tip form says someone is in danger right now",
}


@dataclass
class Decision:
    urgency: str = TaskUrgencyChoices.NON_URGENT
    language: str = "en"
    category: str = ""
    flags: list[str] = field(default_factory=list)
    reasons: list[dict] = field(default_factory=list)

    def raise_to(self, urgency: str, reason: dict) -> None:
        self.reasons.append(reason)
        if URGENCY_RANK[urgency] > URGENCY_RANK[self.urgency]:
            self.urgency = urgency

    @property
    def minor(self) -> bool | None:
        """True if a minor may be involved, False if only adults' ages were read, else None."""
        if "minor" in self.flags:
            return True
        return False if "adult" in self.flags else None


CONFIGURED = object()  # triage(classifier=...): the configured classifier, if any


def triage(
    signals: Signals, rule_set: list[Rule] | RuleSet | None = None, *, classifier=CONFIGURED
) -> Decision:
    """Decide for one contact. No database; well under a millisecond for a text message with
    the rules alone (the classifier, when configured, costs its embedding).

    ``classifier``: the configured one by default, None for the rules alone, or anything with
    ``urgency(text) -> str | None``; it may raise the urgency the rules gave, never lower it."""
    if classifier is CONFIGURED:
        from lantern.routing import classifier as classifiers

        classifier = classifiers.configured()
    if rule_set is None:
        rule_set = configured()
    if isinstance(rule_set, RuleSet):
        rule_list, cues = rule_set.rules, rule_set.cues
    else:
        rule_list, cues = rule_set, Cues()
    decision = Decision()
    if signals.channel_urgent:
        decision.raise_to(
            TaskUrgencyChoices.CRISIS,
            {
                "source": "channel",
                "detail": CHANNEL_SIGNAL.get(signals.channel, "the channel marked it urgent"),
            },
        )
    text = normalize(signals.text[:MAX_TEXT]) if signals.text else ""
    if text:
        found_by = {}
        for rule in rule_list:
            if rule.callers and signals.caller_type not in rule.callers:
                continue
            if rule.needs and not rule.needs & found_by.keys():
                continue
            found = rule.find(text, cues)
            if found is not None:
                found_by[rule.id] = (rule, found)
        for rule, found in found_by.values():
            detail = f'{rule.reason}: "{found}"' if found else rule.reason
            urgency = rule.urgency
            if rule.unless & found_by.keys():
                urgency = TaskUrgencyChoices.NON_URGENT
            decision.raise_to(urgency, {"source": "rule", "rule": rule.id, "detail": detail})
            if rule.category and not decision.category:
                decision.category = rule.category
            decision.flags += [f for f in rule.flags if f not in decision.flags]
    if text and classifier is not None:
        suggested = classifier.urgency(signals.text[:MAX_TEXT])
        if suggested and URGENCY_RANK[suggested] > URGENCY_RANK[decision.urgency]:
            decision.raise_to(
                suggested,
                {"source": "classifier", "detail": f"the classifier reads it as {suggested}"},
            )
    if decision.urgency == TaskUrgencyChoices.CRISIS and not decision.category:
        decision.category = ContactCallTypeChoices.CRISIS
    language = signals.language or "en"
    if signals.language_hint and language == "en" and signals.language_hint != "en":
        language = signals.language_hint
        decision.reasons.append(
            {"source": "language", "detail": f"the texts look like {language} (detected)"}
        )
    decision.language = language.split("-")[0].lower()
    return decision
