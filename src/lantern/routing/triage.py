"""Triage: the urgency, language and suggested category of a new contact, with the reasons.

Sources, in order of trust:
1. what the channel said: the phone menu's "press 1", the chat pre-form's "I am not safe", the
   tip form's "someone is in danger right now";
2. the rule set in ``data/triage.yaml`` (phrases and patterns, English and Spanish, kept as data:
   a hotline copies the file and points ``LANTERN_TRIAGE_RULES`` at the copy).

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

from lantern.contacts.choices import ContactCallTypeChoices
from lantern.routing.choices import URGENCY_RANK, TaskUrgencyChoices

DEFAULT_RULES = Path(__file__).parent / "data" / "triage.yaml"
# Only the start of a long text is read: the danger is stated early, and triage stays fast.
MAX_TEXT = 2000


def normalize(text: str) -> str:
    """Lower case, accents off, curly quotes straight, whitespace single: what the rules match."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    urgency: str
    category: str
    flags: tuple[str, ...]
    regex: re.Pattern
    phrases: frozenset[str]

    def find(self, text: str) -> str | None:
        """None if the rule does not match; else the phrase it matched, or "" when a pattern
        matched (a pattern's match can hold the person's own words, which are never kept in
        clear: the reason names the rule only)."""
        match = self.regex.search(text)
        if match is None:
            return None
        found = " ".join(match.group(0).split())
        return found if found in self.phrases else ""


def _phrase(phrase: str) -> str:
    return r"\s+".join(re.escape(word) for word in normalize(phrase).split())


def compile_rules(document: dict, source: str = "triage rules") -> list[Rule]:
    """The rules of a YAML document, or ``ImproperlyConfigured`` naming what is wrong."""
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise ImproperlyConfigured(f"{source}: expected a mapping with a list of 'rules'")
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
        alternatives, plain = [], set()
        for language, phrases in (item.get("phrases") or {}).items():
            if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                raise ImproperlyConfigured(f"{where}: phrases.{language} must be a list of text")
            alternatives += [_phrase(p) for p in phrases if p.strip()]
            plain |= {normalize(p) for p in phrases if p.strip()}
        for language, patterns in (item.get("patterns") or {}).items():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ImproperlyConfigured(
                        f"{where}: patterns.{language}: {pattern!r}: {exc}"
                    ) from None
                alternatives.append(f"(?:{pattern})")
        if not alternatives:
            raise ImproperlyConfigured(f"{where}: give some phrases or patterns")
        regex = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
        rules.append(
            Rule(
                id=rule_id,
                reason=str(item.get("reason") or rule_id),
                urgency=urgency,
                category=category,
                flags=tuple(item.get("flags") or ()),
                regex=regex,
                phrases=frozenset(plain),
            )
        )
    return rules


@functools.cache
def rules() -> list[Rule]:
    path = Path(os.environ.get("LANTERN_TRIAGE_RULES") or DEFAULT_RULES)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc
    return compile_rules(document, str(path))


@dataclass(frozen=True)
class Signals:
    """What a contact brings to triage, read from the contact by ``routing.queries``."""

    channel: str
    channel_urgent: bool = False
    language: str = "en"
    language_hint: str = ""
    text: str = ""


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


def triage(signals: Signals, rule_set: list[Rule] | None = None) -> Decision:
    """Decide for one contact. Pure: no database, a few hundred microseconds."""
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
        for rule in rules() if rule_set is None else rule_set:
            found = rule.find(text)
            if found is None:
                continue
            detail = f'{rule.reason}: "{found}"' if found else rule.reason
            decision.raise_to(rule.urgency, {"source": "rule", "rule": rule.id, "detail": detail})
            if rule.category and not decision.category:
                decision.category = rule.category
            decision.flags += [f for f in rule.flags if f not in decision.flags]
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
