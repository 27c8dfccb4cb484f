"""Creating and changing organizations."""

from __future__ import annotations

from django.db import transaction

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.directory import indexing
from lantern.directory.actions import validate as v
from lantern.directory.choices import (
    OrganizationTypeChoices,
)
from lantern.directory.models import (
    Organization,
)

# --- organizations ------------------------------------------------------------------------------


def clean_organization(data: dict) -> dict:
    errors: dict[str, str] = {}
    values = {
        "name": v.text(data, "name", errors, required=True),
        "alternate_name": v.text(data, "alternate_name", errors),
        "description": v.text(data, "description", errors, required=True, max_length=10_000),
        "email": v.email(v.text(data, "email", errors, max_length=254), "email", errors),
        "website": v.url(v.text(data, "website", errors, max_length=500), "website", errors),
        "organization_type": v.choice(
            data.get("organization_type"),
            OrganizationTypeChoices,
            "organization_type",
            errors,
            "organization type",
        ),
    }
    v.fail(errors)
    return values


def do_create_organization(data: dict, *, actor) -> Organization:
    v.require_manager(actor)
    values = clean_organization(data)
    with transaction.atomic():
        org = Organization.objects.create(**values)
        audit.record(actor, Audit.CREATE, org, changes={"fields": sorted(values)})
    return org


def do_update_organization(org: Organization, data: dict, *, actor) -> Organization:
    v.require_manager(actor)
    values = clean_organization({**_organization_values(org), **data})
    changed = {k: v for k, v in values.items() if getattr(org, k) != v}
    if not changed:
        return org
    with transaction.atomic():
        for key, value in changed.items():
            setattr(org, key, value)
        org.save()
        audit.record(actor, Audit.UPDATE, org, changes={"fields": sorted(changed)})
        # the organization's name and type are part of every one of its services' search rows
        indexing.reindex_services(list(org.services.values_list("pk", flat=True)))
    return org


def _organization_values(org: Organization) -> dict:
    return {
        k: getattr(org, k)
        for k in (
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "organization_type",
        )
    }
