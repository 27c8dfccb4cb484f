"""Case statuses and their allowed moves, as data (``data/statuses.yaml``, or the copy named
by ``LANTERN_CASE_STATUSES_FILE``), checked when first read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from lantern.core import datafiles

DEFAULT_FILE = Path(__file__).parent / "data" / "statuses.yaml"


@dataclass(frozen=True)
class Statuses:
    labels: dict[str, str]
    moves: dict[str, frozenset[str]]

    @property
    def initial(self) -> str:
        return next(iter(self.labels))

    def allowed(self, current: str, new: str) -> bool:
        return new in self.moves.get(current, ())

    def label(self, status: str) -> str:
        return self.labels.get(status, status)


def parse(document, source: str = "case statuses") -> Statuses:
    if not isinstance(document, dict) or not isinstance(document.get("statuses"), dict):
        raise ImproperlyConfigured(f"{source}: expected 'statuses' (status: label) and 'moves'")
    labels = {str(k): str(v) for k, v in document["statuses"].items()}
    if not labels:
        raise ImproperlyConfigured(f"{source}: give at least one status")
    raw_moves = document.get("moves") or {}
    if not isinstance(raw_moves, dict):
        raise ImproperlyConfigured(f"{source}: 'moves' maps a status to the statuses it may go to")
    moves = {}
    for status, targets in raw_moves.items():
        if status not in labels:
            raise ImproperlyConfigured(f"{source}: moves from unknown status {status!r}")
        if targets is not None and not isinstance(targets, list):
            raise ImproperlyConfigured(f"{source}: {status} moves to a list of statuses")
        unknown = [t for t in targets or () if t not in labels]
        if unknown:
            raise ImproperlyConfigured(f"{source}: {status} moves to unknown status {unknown[0]!r}")
        moves[status] = frozenset(targets or ())
    reached, frontier = {next(iter(labels))}, [next(iter(labels))]
    while frontier:
        for target in moves.get(frontier.pop(), ()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    stranded = [s for s in labels if s not in reached]
    if stranded:
        raise ImproperlyConfigured(f"{source}: status {stranded[0]!r} can never be reached")
    return Statuses(labels=labels, moves=moves)


def current() -> Statuses:
    return datafiles.load("LANTERN_CASE_STATUSES_FILE", DEFAULT_FILE, parse)
