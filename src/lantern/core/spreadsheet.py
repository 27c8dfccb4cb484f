"""CSV files that people open in a spreadsheet: no cell can become a formula.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (tab and
carriage return lead there too), so a caller's words, a directory entry or a label written by
anyone could run ``=HYPERLINK(...)`` or a DDE command on a staff member's computer (OWASP's
"CSV injection"). Every CSV meant for people is written through ``writer``/``dict_writer``,
which put a ``'`` before such a cell; the spreadsheet then shows the text as typed. A plain
number (``-3.5``, ``+15555550100``) is left alone: it cannot be a formula, and latitudes and
phone numbers stay usable. ``restore`` undoes it when Lantern reads back its own export.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value):
    """``value`` as a spreadsheet shows it, never run: text that starts like a formula gets a
    leading ``'``; numbers and other text are unchanged. Anything else is judged by the text
    the CSV writer would put in the cell (a lazy translation, ``-inf``)."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    text = value if isinstance(value, str) else str(value)
    if text[:1] in TRIGGERS and not _NUMBER.fullmatch(text):
        return "'" + text
    return value


def restore(value: str) -> str:
    """The text ``safe_cell`` protected, for importing a file Lantern wrote."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in TRIGGERS:
        return value[1:]
    return value


class _SafeWriter:
    def __init__(self, inner):
        self._inner = inner

    def writerow(self, row: Iterable):
        return self._inner.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    def __init__(self, inner: csv.DictWriter):
        self._inner = inner

    def writeheader(self):
        return self._inner.writeheader()

    def writerow(self, row: dict):
        return self._inner.writerow({k: safe_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[dict]):
        for row in rows:
            self.writerow(row)


def writer(fileobj, **kwargs) -> _SafeWriter:
    """``csv.writer`` whose cells can never run as formulas."""
    return _SafeWriter(csv.writer(fileobj, **kwargs))


def dict_writer(fileobj, fieldnames, **kwargs) -> _SafeDictWriter:
    """``csv.DictWriter`` whose cells can never run as formulas."""
    return _SafeDictWriter(csv.DictWriter(fileobj, fieldnames=fieldnames, **kwargs))
