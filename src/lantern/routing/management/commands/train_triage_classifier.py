"""``lantern train_triage_classifier``: train the optional classifier on the labelled set's
training part, store it under the data directory, and report what it adds on the held-out part,
per language, and what it costs per message."""

import statistics
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from lantern.routing import classifier, triage, triage_eval


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Train the optional triage classifier (multilingual embeddings + a linear model) on a "
        "labelled set, save it (default: <data dir>/triage/classifier.npz), and score the rules "
        "with and without it on a held-out set. Turn it on with LANTERN_TRIAGE_CLASSIFIER=on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", type=Path, default=triage_eval.DEFAULT_SET / "train.jsonl")
        parser.add_argument(
            "--held-out", type=Path, default=triage_eval.DEFAULT_SET / "heldout.jsonl"
        )
        parser.add_argument("--out", type=Path, help="where to save the model")
        parser.add_argument(
            "--min-probability", type=float, default=classifier.DEFAULT_MIN_PROBABILITY,
            help="the classifier suggests an urgency only this sure (0.5 to 1)",
        )  # fmt: skip

    def handle(self, *args, **o):
        if not 0.5 <= o["min_probability"] <= 1:
            raise CommandError("--min-probability must be between 0.5 and 1")
        try:
            train, errors = triage_eval.load_labelled([o["train"]])
            held, held_errors = triage_eval.load_labelled([o["held_out"]])
            if not train or not held:
                raise CommandError("no labelled message could be read: "
                                   + "; ".join((errors + held_errors)[:5]))  # fmt: skip
            started = time.perf_counter()
            vectors = classifier.embed([item.signals.text for item in train])
            embedding = time.perf_counter() - started
            model = classifier.train(
                vectors, [item.label for item in train], min_probability=o["min_probability"]
            )
        except (ImproperlyConfigured, ValueError) as exc:
            raise CommandError(str(exc)) from None
        out = o["out"] or classifier.default_path()
        classifier.save(model, out)
        self.stdout.write(
            f"Trained on {len(train)} messages ({embedding:.1f} s to embed them); saved {out}"
        )
        rules = triage.configured()
        alone = triage_eval.evaluate(held, rules, classifier=None)
        costs = []

        class Timed:
            def urgency(self, text):
                started = time.perf_counter()
                try:
                    return model.urgency(text)
                finally:
                    costs.append((time.perf_counter() - started) * 1000)

        both = triage_eval.evaluate(held, rules, classifier=Timed())
        held_vectors = classifier.embed([item.signals.text for item in held])
        guesses = model.probabilities(held_vectors).argmax(axis=1)
        by_itself: dict = {}
        for item, guess in zip(held, guesses, strict=True):
            row = by_itself.setdefault(item.signals.language, [0, 0])
            row[0] += classifier.LABELS[guess] == item.label
            row[1] += 1
        self.stdout.write(comparison(alone, both, by_itself))
        costs.sort()
        self.stdout.write(
            f"\nCost of the classifier per message (embedding and the linear model, one "
            f"thread): p50 {statistics.median(costs):.1f} ms, "
            f"p95 {costs[int(len(costs) * 0.95) - 1]:.1f} ms"
        )


def comparison(alone, both, by_itself: dict) -> str:
    """Rules alone against rules with the classifier on the same messages, per language, and
    the classifier by itself (its most likely urgency, whatever its confidence)."""
    fa, fb = alone.figures(), both.figures()
    lines = [
        f"\nHeld-out ({fa['messages']} messages): rules alone -> rules + classifier",
        f"  crisis recall            {fa['crisis_recall']:.3f} -> {fb['crisis_recall']:.3f}",
        f"  crisis-or-urgent recall  {fa['crisis_or_urgent_recall']:.3f} -> "
        f"{fb['crisis_or_urgent_recall']:.3f}",
        f"  non-urgent to crisis     {fa['non_urgent_to_crisis']:.3f} -> "
        f"{fb['non_urgent_to_crisis']:.3f}",
        f"  non-urgent recall        {fa['classes']['non_urgent']['recall']:.3f} -> "
        f"{fb['classes']['non_urgent']['recall']:.3f}",
        "",
        f"  {'language':<10}{'n':>4}{'correct':>16}{'crisis found':>16}{'raised found':>16}"
        f"{'classifier alone':>18}",
    ]
    for language, a in fa["languages"].items():
        b = fb["languages"][language]
        right, n = by_itself.get(language, (0, 0))
        lines.append(
            f"  {language:<10}{a['n']:>4}{a['correct']:>8} -> {b['correct']:<5}"
            f"{a['crisis_hit']:>8} -> {b['crisis_hit']:<5}{a['raised_hit']:>8} -> "
            f"{b['raised_hit']:<5}{f'{right}/{n} correct':>18}"
        )
    return "\n".join(lines)
