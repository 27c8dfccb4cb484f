"""Compile the translation catalogues (``<app>/locale/<lang>/LC_MESSAGES/django.po``) to the
``.mo`` files Django reads, with Babel (pure Python: no GNU gettext needed to build).

The build runs this (``setup.py``, so ``pip install`` and ``make`` both do it); the ``.mo`` files
are never committed. Fuzzy entries are left out, as ``msgfmt`` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent  # src/lantern


def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(root.glob("*/locale/*/LC_MESSAGES/*.po"))


def compile_all(root: Path = ROOT, *, force: bool = False) -> list[Path]:
    """Write each catalogue's ``.mo`` beside it when the ``.po`` is newer; the files written."""
    written = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name, domain=po.stem)
        errors = [(m.id, e) for m, es in catalog.check() for e in es]
        if errors:
            raise ValueError(f"{po}: {errors[0][1]} (in {errors[0][0]!r})")
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        tmp.replace(mo)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all(force="--force" in sys.argv):
        print(path)
