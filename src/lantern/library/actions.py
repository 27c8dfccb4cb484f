"""Adding, changing and withdrawing library resources: validated, all or nothing, audited."""

from __future__ import annotations

from pathlib import PurePath

from django.db import transaction

from lantern.accounts import rules
from lantern.assistance.models import AssistanceTopic
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.core import coerce
from lantern.core.errors import InvalidInput
from lantern.core.language import normalize_language
from lantern.library.choices import (
    FILE_TYPES,
    MAX_FILE_BYTES,
    ResourceAudienceChoices,
    ResourceKindChoices,
)
from lantern.library.models import Resource

# the first bytes each kind of file starts with (docx and pptx are zip files)
_MAGIC = {".pdf": b"%PDF-", ".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff",
          ".jpeg": b"\xff\xd8\xff", ".pptx": b"PK\x03\x04", ".docx": b"PK\x03\x04"}  # fmt: skip
FIELDS = ("title", "summary", "kind", "audiences", "languages", "url", "published")


class LibraryError(InvalidInput):
    """What is wrong with a resource, by field."""


def _check_file(name: str, content: bytes, errors: dict) -> tuple[str, str] | None:
    suffix = PurePath(name).suffix.lower()
    if suffix not in FILE_TYPES:
        errors["file"] = f"give a {', '.join(sorted(FILE_TYPES))} file"
        return None
    if not content:
        errors["file"] = "the file is empty"
    elif len(content) > MAX_FILE_BYTES:
        errors["file"] = f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    elif suffix in _MAGIC and not content.startswith(_MAGIC[suffix]):
        errors["file"] = f"the file is not a {suffix[1:].upper()} file"
    elif suffix == ".txt":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            errors["file"] = "a text file must be UTF-8"
    if "file" in errors:
        return None
    stem = PurePath(name).name.replace('"', "")[: -len(suffix)]
    safe = (stem[: 200 - len(suffix)] or "resource") + suffix  # a long name keeps its extension
    return safe, FILE_TYPES[suffix]


def _clean(data: dict, errors: dict) -> dict:
    out = {}
    for name, limit, required in (("title", 200, True), ("summary", 4000, False)):
        if name in data:
            try:
                out[name] = coerce.text(data[name], max_length=limit, required=required) or ""
            except coerce.Invalid as exc:
                errors[name] = str(exc)
    if "kind" in data:
        if data["kind"] not in ResourceKindChoices.values:
            errors["kind"] = "choose a kind of resource from the list"
        out["kind"] = data["kind"]
    if "audiences" in data:
        bad = [a for a in data["audiences"] or [] if a not in ResourceAudienceChoices.values]
        if bad:
            errors["audiences"] = f"{bad[0]!r} is not an audience"
        out["audiences"] = list(dict.fromkeys(data["audiences"] or []))
    if "languages" in data:
        try:
            out["languages"] = list(dict.fromkeys(
                normalize_language(tag) for tag in data["languages"] or []
            ))  # fmt: skip
        except ValueError as exc:
            errors["languages"] = str(exc)
    if "url" in data:
        url = (data["url"] or "").strip()
        if url and not url.startswith(("https://", "http://")):
            errors["url"] = "give a web address starting with https://"
        out["url"] = url[:500]
    if "published" in data:
        out["published"] = bool(data["published"])
    return out


def do_save_resource(
    data: dict, *, actor, resource: Resource | None = None, file: tuple[str, bytes] | None = None
) -> Resource:
    """Create a resource (``resource`` None) or change one. ``data`` holds any of ``FIELDS`` and
    ``topics`` (topic keys); ``file`` is ``(name, content)``. A resource needs a file or a link."""
    rules.require(actor, "manage_library")
    errors: dict[str, str] = {}
    if resource is None and "title" not in data:
        errors["title"] = "is required"
    values = _clean(data, errors)
    stored = _check_file(file[0], file[1], errors) if file else None
    topics = None
    if "topics" in data:
        keys = list(data["topics"] or [])
        topics = list(AssistanceTopic.objects.filter(key__in=keys))
        if len(topics) != len(set(keys)):
            errors["topics"] = "choose topics from the list"
    has_file = bool(stored) or bool(resource and resource.file_size)
    if not errors and not has_file and not values.get("url", resource.url if resource else ""):
        errors["file"] = "give a file to download or a link"
    if errors:
        raise LibraryError(errors)
    creating = resource is None
    resource = resource or Resource(created_by=actor, kind=ResourceKindChoices.OTHER)
    changed = [name for name, value in values.items() if getattr(resource, name) != value]
    for name, value in values.items():
        setattr(resource, name, value)
    if stored:
        resource.file_name, resource.file_type = stored
        resource.file_content, resource.file_size = file[1], len(file[1])
        changed.append("file")
    with transaction.atomic():
        resource.save()
        if topics is not None:
            before = set(resource.topics.values_list("key", flat=True))
            resource.topics.set(topics)
            if before != {t.key for t in topics}:
                changed.append("topics")
        if changed or creating:
            audit.record(actor, Audit.CREATE if creating else Audit.UPDATE, resource,
                         changes={"fields": sorted(set(changed))})  # fmt: skip
    return resource
