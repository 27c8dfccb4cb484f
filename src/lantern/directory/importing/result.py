"""What an import reports: every problem with its file, row, what was wrong and what was done."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lantern.directory.importing.tables import ORDER

# What the importer did about a problem (the report's "action" column).
KEPT_NEW_ID = "kept with a new id"
MERGED = "merged with the identical row"
FIRST_COPY_KEPT = "first copy kept"
FIRST_VALID_TAKEN = "first valid {target} taken"
COLUMN_MAPPED = "column mapped"
ROW_SKIPPED = "row skipped"
VALUE_LEFT_OUT = "value left out"
VALUE_SHORTENED = "value shortened"
TABLE_SKIPPED = "table skipped"
NOT_STORED = "not stored"
REFUSED = "import refused"  # --strict: the problem fails the run

_ROW = re.compile(r"^(?P<file>.+?) row (?P<row>\d+)$")
_JSON = re.compile(r"^(?P<file>\S+) (?P<row>\$.*)$")


@dataclass(frozen=True)
class Problem:
    where: str  # "services.csv row 4", "two.json $[1].phones[0]", or a file name
    problem: str
    action: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"

    def as_dict(self) -> dict:
        file, row = self.where, None
        if match := _ROW.match(self.where):
            file, row = match["file"], int(match["row"])
        elif match := _JSON.match(self.where):
            file, row = match["file"], match["row"]
        return {"file": file, "row": row, "problem": self.problem, "action": self.action}


def action_for(message: str) -> str:
    """The action behind a field parser's warning (they say what they did in words)."""
    if "cut to fit" in message:
        return VALUE_SHORTENED
    if "not imported" in message:
        return ROW_SKIPPED
    return VALUE_LEFT_OUT


class ImportFailed(Exception):
    """The import was refused; nothing was written. ``errors`` name the file and row."""

    def __init__(self, errors: list[str], problems: list[Problem] | None = None):
        self.errors = errors
        self.problems = problems or []
        shown = errors[:50]
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(
            f"import failed, nothing was changed ({len(errors)} problem"
            f"{'s' if len(errors) != 1 else ''}):\n" + "\n".join(shown) + more
        )


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    services: int = 0  # services whose search rows the import rebuilt (or would have)
    dry_run: bool = False
    strict: bool = False
    seconds: float = 0.0

    @property
    def warnings(self) -> list[str]:
        return [str(p) for p in self.problems]

    def summary(self) -> str:
        parts = []
        for kind in ORDER:
            c, u = self.created.get(kind, 0), self.updated.get(kind, 0)
            if c or u:
                parts.append(f"{kind}: {c} new, {u} updated")
        head = "dry run, nothing written" if self.dry_run else "imported"
        return f"{head} in {self.seconds:.1f}s: " + ("; ".join(parts) or "nothing")


def report(source: str, *, result: ImportResult | None = None, failed: ImportFailed | None = None,
           strict: bool = False, dry_run: bool = False) -> dict:  # fmt: skip
    """The JSON report of one run (``lantern import_directory --report PATH``)."""
    problems = failed.problems if failed else (result.problems if result else [])
    return {
        "source": source,
        "mode": "strict" if strict else "lenient",
        "dry_run": dry_run,
        "outcome": "refused" if failed else ("checked" if dry_run else "imported"),
        "seconds": round(result.seconds, 3) if result else None,
        "created": dict(result.created) if result else {},
        "updated": dict(result.updated) if result else {},
        "actions": dict(Counter(p.action for p in problems)),
        "problems": [p.as_dict() for p in problems],
    }
