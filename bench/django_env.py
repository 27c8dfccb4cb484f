"""What every benchmark does before it imports Lantern: a data directory (a fresh temporary one
unless given), the database (SQLite there, or an empty PostgreSQL at ``database_url``), and
Django set up with Lantern's settings from this checkout."""

from __future__ import annotations

import os
import sys
import tempfile


def setup(*, database_url: str = "", data_dir: str = "") -> str:
    """Set Django up; returns the data directory."""
    os.environ["LANTERN_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="lantern-bench-")
    os.environ.setdefault("LANTERN_ALLOWED_HOSTS", "testserver")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

    import django

    django.setup()
    return os.environ["LANTERN_DATA_DIR"]
