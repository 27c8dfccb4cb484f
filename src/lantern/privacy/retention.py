"""Retention schedules as data: how long each kind of record is kept, after which event, and
what happens then (``LANTERN_RETENTION_FILE``; the shipped defaults are ``data/retention.yaml``).

The file maps a kind to ``{keep: <days>d, after: <event>, then: shred|delete}``::

    contact_personal: {keep: 730d, after: closed, then: shred}

A kind the file leaves out keeps its shipped default. An unknown kind, event or action, a
negative or malformed period, or a combination that cannot work (deleting the contact that
statistics count) is refused at start (``ScheduleError``, raised from the app's ``ready``) with
a message naming the file and the entry. Nothing here touches the database: the run lives in
``cases.retention``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from lantern.privacy.choices import RetentionActionChoices, RetentionEventChoices
from lantern.privacy.choices import RetentionKindChoices as Kind

DEFAULTS = Path(__file__).parent / "data" / "retention.yaml"

# kind -> the events it can be measured from (labels: privacy.choices)
KINDS = {
    Kind.CONTACT_PERSONAL: ("received", "closed", "last_message"),
    Kind.MESSAGES: ("received", "closed", "last_message"),
    Kind.ATTACHMENTS: ("received", "closed", "last_message"),
    Kind.CASE_NARRATIVE: ("received", "closed"),
    Kind.TIP_THREADS: ("received", "closed", "last_message"),
    Kind.AGENCY_LINKS: ("received", "closed"),
}
assert set(KINDS) == set(Kind.values)
EVENTS = tuple(RetentionEventChoices.values)
ACTIONS = tuple(RetentionActionChoices.values)
# the de-identified record stays for statistics: only its personal fields may go
SHRED_ONLY = ("contact_personal", "case_narrative")
_PERIOD = re.compile(r"^\s*(-?\d+)\s*d\s*$")


class ScheduleError(ValueError):
    """The retention file cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Rule:
    kind: str
    keep_days: int
    after: str
    then: str

    @property
    def keep(self) -> timedelta:
        return timedelta(days=self.keep_days)

    def describe(self) -> dict:
        return {"keep": f"{self.keep_days}d", "after": self.after, "then": self.then}


def _rule(kind: str, entry, source: str) -> Rule:
    where = f"{source}: {kind}"
    if kind not in KINDS:
        raise ScheduleError(f"{where}: unknown kind; the kinds are {', '.join(KINDS)}")
    if not isinstance(entry, dict) or set(entry) != {"keep", "after", "then"}:
        raise ScheduleError(
            f"{where}: write it as {{keep: <days>d, after: <event>, then: shred|delete}}"
        )
    match = _PERIOD.match(str(entry["keep"]))
    if not match:
        raise ScheduleError(f"{where}: keep {entry['keep']!r} is not a number of days such as 730d")
    days = int(match.group(1))
    if days < 0:
        raise ScheduleError(
            f"{where}: keep {entry['keep']!r} is negative; 0d shreds at the next run"
        )
    after, then = str(entry["after"]), str(entry["then"])
    if after not in EVENTS:
        raise ScheduleError(f"{where}: unknown event {after!r}; the events are {', '.join(EVENTS)}")
    if after not in KINDS[kind]:
        raise ScheduleError(
            f"{where}: {kind} cannot be measured after {after}; use {' or '.join(KINDS[kind])}"
        )
    if then not in ACTIONS:
        raise ScheduleError(f"{where}: unknown action {then!r}; use shred or delete")
    if then == "delete" and kind in SHRED_ONLY:
        raise ScheduleError(
            f"{where}: {kind} can only be shredded (the de-identified record stays for statistics)"
        )
    return Rule(kind=kind, keep_days=days, after=after, then=then)


def parse(text: str, source: str) -> dict[str, Rule]:
    """The rules a retention document sets, checked (ScheduleError otherwise)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{source}: not valid YAML ({exc.__class__.__name__})") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ScheduleError(f"{source}: expected a mapping of kinds to rules")
    return {str(kind): _rule(str(kind), entry, source) for kind, entry in doc.items()}


def load(path: str | os.PathLike | None = None) -> dict[str, Rule]:
    """The schedule in force: the shipped defaults, overridden kind by kind by the file."""
    rules = parse(DEFAULTS.read_text(), str(DEFAULTS))
    if path:
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise ScheduleError(
                f"LANTERN_RETENTION_FILE {path}: unreadable ({exc.strerror})"
            ) from None
        rules.update(parse(text, f"LANTERN_RETENTION_FILE {path}"))
    return rules


@lru_cache(maxsize=1)
def schedule() -> dict[str, Rule]:
    return load(os.environ.get("LANTERN_RETENTION_FILE") or None)
