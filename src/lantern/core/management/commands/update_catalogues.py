"""``lantern update_catalogues``: bring every app's ``locale/<lang>/LC_MESSAGES/django.po`` up to
date with the strings marked in the code and templates (Django's makemessages, for each of the
hotline's languages; it needs GNU gettext's xgettext and msgmerge). Then translate the new
entries and run ``make messages`` (docs/translating.md)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import to_locale

from lantern.core import languages
from lantern.core.catalogues import ROOT

IGNORE = ["tests/*", "migrations/*", "*/migrations/*", "static/*", "*/static/*"]


def update(root: Path = ROOT, verbosity: int = 0) -> None:
    # every app gets a locale/ folder: without one, makemessages has nowhere to put its strings
    for app_dir in sorted(p for p in root.iterdir() if (p / "apps.py").exists()):
        (app_dir / "locale").mkdir(exist_ok=True)
    locales = [to_locale(lang.code) for lang in languages.all_languages()[1:]]
    with contextlib.chdir(root):
        call_command(
            "makemessages", locale=locales, ignore_patterns=IGNORE, no_obsolete=True,
            add_location="file", verbosity=verbosity,
        )  # fmt: skip


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        update(verbosity=options["verbosity"])
