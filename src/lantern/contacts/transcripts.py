"""Scrubbed transcripts of closed conversations, for a researcher or a partner (issue 22 part 6).

Each conversation becomes one JSON object: an export-local number (``c1``, ``c2``...: nothing
that leads back to the contact), its channel, language and the month it opened, and its
messages, each with who wrote it (``caller`` or ``hotline``), the minutes since the first
message, and its text with names, numbers, addresses, ages, dates, ID numbers and places replaced
by typed placeholders (``lantern.privacy.scrubbing``). Open, shredded and spam conversations are
never exported, nor attachments, nor the people's addresses on the channel. There is no
unscrubbed export. Each export is audited with its filters and counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts.choices import (
    ContactChannelChoices,
    ConversationStateChoices,
    MessageDirectionChoices,
)
from lantern.contacts.models import Conversation, Message
from lantern.core.errors import InvalidInput
from lantern.privacy.fields import reveal
from lantern.privacy.scrubbing import Scrubber

CONSOLE_LIMIT = 500  # conversations per download from the console; the command has no limit


@dataclass
class Filters:
    since: date | None = None
    until: date | None = None
    channel: str = ""
    limit: int | None = None
    counts: dict = field(default_factory=lambda: {"conversations": 0, "messages": 0})

    def describe(self) -> dict:
        return {
            "since": str(self.since or ""),
            "until": str(self.until or ""),
            "channel": self.channel,
            "scrubbed": True,
        }


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def filters(*, since=None, until=None, channel: str = "", limit: int | None = None) -> Filters:
    """Checked filters: dates as ``YYYY-MM-DD`` (or dates), a known channel, since <= until."""
    errors = {}
    parsed = {}
    for name, value in (("since", since), ("until", until)):
        if value in (None, ""):
            parsed[name] = None
        elif isinstance(value, date):
            parsed[name] = value
        else:
            try:
                parsed[name] = date.fromisoformat(str(value))
            except ValueError:
                errors[name] = "a date as YYYY-MM-DD"
        if parsed.get(name) and not FIRST_DAY <= parsed[name] <= LAST_DAY:
            errors[name] = f"a date from {FIRST_DAY} to {LAST_DAY}"  # 9999-12-31 + a time zone
            # would not fit a datetime
    if channel and channel not in ContactChannelChoices.values:
        errors["channel"] = f"one of {', '.join(ContactChannelChoices.values)}"
    if not errors and parsed["since"] and parsed["until"] and parsed["since"] > parsed["until"]:
        errors["until"] = "on or after the start date"
    if errors:
        raise InvalidInput(errors)
    return Filters(since=parsed["since"], until=parsed["until"], channel=channel, limit=limit)


def _conversations(f: Filters):
    qs = (
        Conversation.objects.filter(
            state=ConversationStateChoices.CLOSED,
            shredded_at__isnull=True,
            contact__spam_batch__isnull=True,
        )
        .select_related("contact")
        .order_by("opened_at", "id")
    )
    zone = timezone.get_current_timezone()
    if f.since:
        qs = qs.filter(opened_at__gte=datetime.combine(f.since, time.min, zone))
    if f.until:
        qs = qs.filter(opened_at__lte=datetime.combine(f.until, time.max, zone))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs[: f.limit] if f.limit else qs


def scrubbed(f: Filters) -> Iterator[dict]:
    """The transcripts, one at a time (``f.counts`` counts them as they go)."""
    for number, conversation in enumerate(_conversations(f).iterator(chunk_size=200), start=1):
        language = conversation.contact.language.split("-")[0]
        scrubber = Scrubber()
        messages = list(
            Message.objects.filter(conversation=conversation).order_by("created_at", "id")
        )
        start = messages[0].created_at if messages else conversation.opened_at
        f.counts["conversations"] += 1
        f.counts["messages"] += len(messages)
        yield {
            "conversation": f"c{number}",
            "channel": conversation.channel,
            "language": language,
            "month": timezone.localtime(conversation.opened_at).strftime("%Y-%m"),
            "messages": [
                {
                    "from": "caller"
                    if m.direction == MessageDirectionChoices.INBOUND
                    else "hotline",
                    "after_minutes": int((m.created_at - start).total_seconds() // 60),
                    "text": scrubber.scrub(reveal(m.body) or "", language),
                }
                for m in messages
            ],
        }


def export_lines(actor, f: Filters) -> Iterator[str]:
    """JSON lines of the scrubbed transcripts, audited once written (``actor``: a staff member
    the rules let export them, or a command's name)."""
    if not isinstance(actor, str):
        rules.require(actor, "export_conversations")
    for transcript in scrubbed(f):
        yield json.dumps(transcript, ensure_ascii=False) + "\n"
    audit.record(
        actor,
        Audit.EXPORT,
        object_type="contacts.conversation",
        changes={**f.describe(), **f.counts},
    )
