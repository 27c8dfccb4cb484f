"""Versioned contact form definitions: which choices the form offers (``contacts/forms/*.yaml``).

Released versions are loaded into ``ContactFormVersion`` after every migrate; new contacts are
recorded with the highest version, and each contact keeps a reference to the version it used.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

from lantern.contacts.choices import (
    ContactAtRiskChoices,
    ContactCallerTypeChoices,
    ContactCallTypeChoices,
    ContactChannelChoices,
    ContactHeardAboutChoices,
)
from lantern.core.language import normalize_language

FORMS_DIR = Path(__file__).resolve().parent / "forms"

# field -> the vocabulary its values must come from
VOCABULARY = {
    "channel": ContactChannelChoices,
    "call_type": ContactCallTypeChoices,
    "caller_type": ContactCallerTypeChoices,
    "heard_about": ContactHeardAboutChoices,
    "at_risk": ContactAtRiskChoices,
}
# fields a version may leave out (it then offers none: version 1 has no at-risk categories)
OPTIONAL = frozenset({"at_risk"})


def validate_definition(doc: dict, source: str) -> dict:
    if not isinstance(doc, dict) or not isinstance(doc.get("version"), int):
        raise ImproperlyConfigured(f"{source}: needs an integer 'version'")
    for field, choices in VOCABULARY.items():
        values = doc.get(field)
        if field in OPTIONAL and field not in doc:
            continue
        if not isinstance(values, list) or not values:
            raise ImproperlyConfigured(f"{source}: '{field}' must be a non-empty list")
        unknown = [v for v in values if v not in choices.values]
        if unknown:
            raise ImproperlyConfigured(f"{source}: unknown {field} values {unknown}")
    for tag in doc.get("languages", []):
        try:
            normalize_language(tag)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{source}: {exc}") from None
    return doc


def definition_files() -> list[tuple[int, dict]]:
    out = []
    for path in sorted(FORMS_DIR.glob("contact-v*.yaml")):
        doc = validate_definition(yaml.safe_load(path.read_text()), str(path))
        out.append((doc["version"], doc))
    return out


def sync_definitions() -> None:
    """Load released versions the database does not have yet (released versions never change)."""
    from lantern.contacts.models import ContactFormVersion

    known = set(ContactFormVersion.objects.values_list("version", flat=True))
    for version, doc in definition_files():
        if version not in known:
            ContactFormVersion.objects.create(version=version, definition=doc)
    active_form.cache_clear()


def sync_after_migrate(sender, using="default", **kwargs):
    sync_definitions()


@lru_cache(maxsize=1)
def active_form():
    """The form version new contacts are recorded with (the highest released one)."""
    from lantern.contacts.models import ContactFormVersion

    form = ContactFormVersion.objects.order_by("-version").first()
    if form is None:  # a database migrated before the definitions were loaded
        sync_definitions()
        form = ContactFormVersion.objects.order_by("-version").first()
    return form


def options(form, field: str) -> list[tuple[str, str]]:
    """``[(value, label), ...]`` that the given form version offers for ``field``."""
    labels = dict(VOCABULARY[field].choices)
    return [(value, str(labels[value])) for value in form.definition.get(field, [])]
