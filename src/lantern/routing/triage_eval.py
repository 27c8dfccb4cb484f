"""Triage over JSON lines, and its score on a labelled set (``lantern triage``,
``lantern triage_eval``, the quality test and the classifier's training).

One message a line::

    {"text": "...", "channel": "sms"|"chat"|"email"|"web_tip"|"phone", "language": "es",
     "caller_type": "law_enforcement", "label": "crisis", "minor": true}

``language``, ``caller_type`` and ``channel`` are optional; ``label`` (crisis, urgent or
non_urgent) and ``minor`` (true, false or null for unknown) only matter to the evaluation. Each
line runs through ``routing.triage.triage``, the code live triage runs; a message without a
language gets the same detected hint a new contact gets. A line that cannot be read (not UTF-8,
not JSON, no text, too long) gives an error for that line and the batch carries on.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from lantern.contacts.choices import ContactCallerTypeChoices
from lantern.core.language import hint, normalize_language
from lantern.routing.choices import TaskUrgencyChoices
from lantern.routing.triage import CONFIGURED, Decision, RuleSet, Signals, triage

MAX_LINE = 64 * 1024  # bytes: a message longer than this is not a message
CHANNELS = {
    "sms": "sms",
    "chat": "chat",
    "email": "email",
    "web_tip": "webform",
    "webform": "webform",
    "phone": "phone",
    "other": "other",
}
CLASSES = (TaskUrgencyChoices.CRISIS, TaskUrgencyChoices.URGENT, TaskUrgencyChoices.NON_URGENT)
DEFAULT_SET = Path(__file__).parent / "data" / "triage_eval"

# The project's targets (issue 18): the quality test fails when one is not met.
TARGETS = {
    "crisis_recall": 0.98,
    "crisis_or_urgent_recall": 0.97,
    "minor_recall": 0.95,
}
MAX_NON_URGENT_TO_CRISIS = 0.05


class LineError(ValueError):
    """Why one input line cannot be triaged, in words for whoever wrote the file."""


@dataclass(frozen=True)
class Item:
    line: int
    signals: Signals
    id: str = ""
    label: str = ""
    minor: bool | None = None
    has_language: bool = False


def read_lines(stream) -> Iterator[tuple[int, bytes | None, str]]:
    """(line number, the line's bytes or None, error) for each line of a binary stream; a line
    longer than ``MAX_LINE`` is skipped to its end and reported, never read whole."""
    number = 0
    while True:
        chunk = stream.readline(MAX_LINE + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):
                chunk = stream.readline(MAX_LINE + 1)
            yield number, None, f"the line is longer than {MAX_LINE} bytes"
            continue
        yield number, chunk, ""


def parse(number: int, raw: bytes, *, labelled: bool = False) -> Item:
    """One line as an ``Item``, or ``LineError``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LineError("the line is not UTF-8 text") from None
    if "\x00" in text:
        raise LineError("the line holds binary data (a NUL byte)")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LineError(f"not JSON ({exc.args[0].split(':')[0]})") from None
    if not isinstance(data, dict):
        raise LineError("expected a JSON object with a 'text'")
    message = data.get("text")
    if not isinstance(message, str) or not message.strip():
        raise LineError("'text' is missing or empty")
    channel = data.get("channel", "other")
    if channel not in CHANNELS:
        raise LineError(f"'channel' must be one of {', '.join(sorted(CHANNELS))}")
    language = data.get("language")
    if language is not None:
        try:  # checked, but kept as written: "tl" stays "tl", not "fil"
            normalize_language(language)
            language = language.strip().replace("_", "-")
        except ValueError:
            raise LineError("'language' must be a language tag such as 'es'") from None
    caller = data.get("caller_type") or ""
    if caller and caller not in ContactCallerTypeChoices.values:
        raise LineError("'caller_type' is not a caller type")
    label = data.get("label", "")
    if labelled and label not in CLASSES:
        raise LineError(f"'label' must be one of {', '.join(CLASSES)}")
    minor = data.get("minor")
    if minor not in (True, False, None):
        raise LineError("'minor' must be true, false or null")
    if language:
        signals = Signals(
            channel=CHANNELS[channel], language=language, text=message, caller_type=caller
        )
    else:  # what intake does for a new contact: English unless the text looks otherwise
        signals = Signals(
            channel=CHANNELS[channel], language="en", language_hint=hint(message),
            text=message, caller_type=caller,
        )  # fmt: skip
    return Item(
        line=number,
        signals=signals,
        id=str(data.get("id") or ""),
        label=label,
        minor=minor,
        has_language=bool(language),
    )


def result(decision: Decision) -> dict:
    return {
        "urgency": decision.urgency,
        "minor": decision.minor,
        "language": decision.language,
        "category": decision.category,
        "reasons": [reason["detail"] for reason in decision.reasons],
    }


def triage_lines(stream, rule_set: RuleSet | None = None, classifier=CONFIGURED) -> Iterator[dict]:
    """``lantern triage``: one result or error per input line, in order."""
    for number, raw, error in read_lines(stream):
        if raw is not None and not raw.strip():
            error = "the line is empty"
        if error:
            yield {"error": error, "line": number}
            continue
        try:
            item = parse(number, raw)
        except LineError as exc:
            yield {"error": str(exc), "line": number}
            continue
        yield result(triage(item.signals, rule_set, classifier=classifier))


# --- the evaluation --------------------------------------------------------------------------


def load_labelled(paths: Iterable[Path]) -> tuple[list[Item], list[str]]:
    """The labelled items of JSON lines files (a directory: its ``*.jsonl``), with the lines
    that could not be read."""
    items, errors = [], []
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        if not files:
            raise ImproperlyConfigured(f"{path}: no .jsonl files")
        for file in files:
            try:
                stream = file.open("rb")
            except OSError as exc:
                raise ImproperlyConfigured(f"{file}: {exc.strerror}") from None
            with stream:
                for number, raw, error in read_lines(stream):
                    if raw is not None and not raw.strip():
                        continue
                    try:
                        if error:
                            raise LineError(error)
                        items.append(parse(number, raw, labelled=True))
                    except LineError as exc:
                        errors.append(f"{file.name}:{number}: {exc}")
    return items, errors


@dataclass
class Miss:
    item: Item
    urgency: str
    minor: bool | None

    @property
    def where(self) -> str:
        return self.item.id or f"line {self.item.line}"


@dataclass
class Scores:
    total: int = 0
    confusion: dict = field(default_factory=lambda: {a: Counter() for a in CLASSES})
    minors: Counter = field(default_factory=Counter)  # tp, fn, fp
    misses: list[Miss] = field(default_factory=list)
    by_language: dict = field(default_factory=lambda: defaultdict(lambda: {
        "n": 0, "crisis": 0, "crisis_hit": 0, "raised": 0, "raised_hit": 0, "correct": 0,
    }))  # fmt: skip

    def add(self, item: Item, decision: Decision) -> None:
        self.total += 1
        self.confusion[item.label][decision.urgency] += 1
        predicted_minor = decision.minor is True
        if item.minor is True:
            self.minors["tp" if predicted_minor else "fn"] += 1
        elif predicted_minor:
            self.minors["fp"] += 1
        row = self.by_language[item.signals.language if item.has_language else decision.language]
        row["n"] += 1
        row["correct"] += decision.urgency == item.label
        if item.label == TaskUrgencyChoices.CRISIS:
            row["crisis"] += 1
            row["crisis_hit"] += decision.urgency == TaskUrgencyChoices.CRISIS
        if item.label != TaskUrgencyChoices.NON_URGENT:
            row["raised"] += 1
            row["raised_hit"] += decision.urgency != TaskUrgencyChoices.NON_URGENT
        if decision.urgency != item.label or (item.minor is True and not predicted_minor):
            self.misses.append(Miss(item, decision.urgency, decision.minor))

    # --- figures -------------------------------------------------------------------------
    def support(self, label: str) -> int:
        return sum(self.confusion[label].values())

    def recall(self, label: str) -> float:
        n = self.support(label)
        return self.confusion[label][label] / n if n else 1.0

    def precision(self, label: str) -> float:
        n = sum(self.confusion[a][label] for a in CLASSES)
        return self.confusion[label][label] / n if n else 1.0

    @property
    def crisis_or_urgent_recall(self) -> float:
        labels = (TaskUrgencyChoices.CRISIS, TaskUrgencyChoices.URGENT)
        n = sum(self.support(a) for a in labels)
        hit = sum(self.confusion[a][b] for a in labels for b in labels)
        return hit / n if n else 1.0

    @property
    def minor_recall(self) -> float:
        n = self.minors["tp"] + self.minors["fn"]
        return self.minors["tp"] / n if n else 1.0

    @property
    def minor_precision(self) -> float:
        n = self.minors["tp"] + self.minors["fp"]
        return self.minors["tp"] / n if n else 1.0

    @property
    def non_urgent_to_crisis(self) -> float:
        n = self.support(TaskUrgencyChoices.NON_URGENT)
        wrong = self.confusion[TaskUrgencyChoices.NON_URGENT][TaskUrgencyChoices.CRISIS]
        return wrong / n if n else 0.0

    def figures(self) -> dict:
        return {
            "messages": self.total,
            "crisis_recall": round(self.recall(TaskUrgencyChoices.CRISIS), 4),
            "crisis_or_urgent_recall": round(self.crisis_or_urgent_recall, 4),
            "minor_recall": round(self.minor_recall, 4),
            "minor_precision": round(self.minor_precision, 4),
            "non_urgent_to_crisis": round(self.non_urgent_to_crisis, 4),
            "classes": {
                label: {
                    "recall": round(self.recall(label), 4),
                    "precision": round(self.precision(label), 4),
                    "support": self.support(label),
                }
                for label in CLASSES
            },
            "confusion": {a: {b: self.confusion[a][b] for b in CLASSES} for a in CLASSES},
            "languages": {k: dict(v) for k, v in sorted(self.by_language.items())},
        }

    def failing(self) -> list[str]:
        """The targets not met, each with its figure ([] when all are)."""
        out = [
            f"{name} {value:.3f} < {TARGETS[name]}"
            for name, value in (
                ("crisis_recall", self.recall(TaskUrgencyChoices.CRISIS)),
                ("crisis_or_urgent_recall", self.crisis_or_urgent_recall),
                ("minor_recall", self.minor_recall),
            )
            if value < TARGETS[name]
        ]
        if self.non_urgent_to_crisis > MAX_NON_URGENT_TO_CRISIS:
            out.append(
                f"non_urgent_to_crisis {self.non_urgent_to_crisis:.3f} > {MAX_NON_URGENT_TO_CRISIS}"
            )
        return out


def evaluate(
    items: Iterable[Item], rule_set: RuleSet | None = None, classifier=CONFIGURED
) -> Scores:
    scores = Scores()
    for item in items:
        scores.add(item, triage(item.signals, rule_set, classifier=classifier))
    return scores


def report(scores: Scores, *, misses: bool = True, width: int = 100) -> str:
    """The plain-text report ``lantern triage_eval`` prints."""
    f = scores.figures()
    header = f"{'class':<12}{'recall':>8}{'precision':>11}{'n':>6}"
    lines = [f"{f['messages']} messages", "", header]
    for label, row in f["classes"].items():
        lines.append(
            f"{label:<12}{row['recall']:>8.3f}{row['precision']:>11.3f}{row['support']:>6}"
        )
    lines += [
        "",
        f"crisis recall            {f['crisis_recall']:.3f}  "
        f"(target >= {TARGETS['crisis_recall']})",
        f"crisis-or-urgent recall  {f['crisis_or_urgent_recall']:.3f}  "
        f"(target >= {TARGETS['crisis_or_urgent_recall']})",
        f"minor recall             {f['minor_recall']:.3f}  (target >= {TARGETS['minor_recall']}); "
        f"precision {f['minor_precision']:.3f}",
        f"non-urgent to crisis     {f['non_urgent_to_crisis']:.3f}  "
        f"(target <= {MAX_NON_URGENT_TO_CRISIS})",
        "",
        "confusion (rows: label, columns: triage)",
        f"{'':<12}" + "".join(f"{b:>12}" for b in CLASSES),
    ]
    for a in CLASSES:
        lines.append(f"{a:<12}" + "".join(f"{f['confusion'][a][b]:>12}" for b in CLASSES))
    lines += [
        "",
        f"{'language':<10}{'n':>5}{'correct':>9}{'crisis recall':>15}{'raised recall':>15}",
    ]
    for language, row in f["languages"].items():
        crisis = f"{row['crisis_hit']}/{row['crisis']}"
        raised = f"{row['raised_hit']}/{row['raised']}"
        lines.append(f"{language:<10}{row['n']:>5}{row['correct']:>9}{crisis:>15}{raised:>15}")
    failing = scores.failing()
    lines += ["", "targets: " + ("all met" if not failing else "NOT MET: " + "; ".join(failing))]
    if misses:
        lines += ["", f"misses ({len(scores.misses)}):"]
        for miss in scores.misses:
            minor = ""
            if miss.item.minor is True and miss.minor is not True:
                minor = ", minor missed"
            text = " ".join(miss.item.signals.text.split())
            head = (
                f"  {miss.where} [{miss.item.signals.language}] "
                f"{miss.item.label} -> {miss.urgency}{minor}: "
            )
            room = max(20, width - len(head))
            lines.append(head + (text if len(text) <= room else text[: room - 1] + "\u2026"))
    return "\n".join(lines)
