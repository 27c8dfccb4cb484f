"""Reads behind the read-only HSDS 3.0 API (``/hsds/``): parameters in, HSDS dicts out.

Every function takes the request's query parameters as a mapping and returns an HSDS page
(``total_items, total_pages, page_number, size, first_page, last_page, empty, contents``) or one
object; bad parameters raise ``InvalidInput`` (-> 422), unknown ids ``NotFound`` (-> 404).
Confidential locations are never part of any answer (``hsds.service_to_hsds`` leaves them out),
whoever asks.

``/services`` and ``/service_at_locations`` go through ``search.search_services`` /
``search.search`` when a search parameter is given (``search``, ``postcode``, ``proximity``,
and Lantern's ``lat``, ``lon``, ``radius_km``, ``language``, ``open_now``, ``24_7``); otherwise
they are plain filtered lists ordered by name.
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Mapping
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from lantern.core import coerce
from lantern.core.errors import InvalidInput
from lantern.directory import hsds, search
from lantern.directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

MAX_PER_PAGE = search.MAX_PER_PAGE
DEFAULT_PER_PAGE = 20
SEARCH_PARAMS = ("search", "postcode", "proximity", "lat", "lon", "radius_km", "language",
                 "open_now", "24_7", "population", "age")  # fmt: skip


class NotFound(Exception):
    pass


def _get(params: Mapping, key: str) -> str:
    value = params.get(key)
    return value.strip() if isinstance(value, str) else ""


def _uuid(params: Mapping, key: str) -> uuid.UUID | None:
    return coerce.strict(key, coerce.uuid, _get(params, key))


def object_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InvalidInput({"id": f"{raw!r} is not a UUID"}) from None


def _bool(params: Mapping, key: str) -> bool:
    return bool(coerce.strict(key, coerce.boolean, _get(params, key)))


def paging(params: Mapping) -> tuple[int, int]:
    check = coerce.Collect()
    page = check("page", coerce.integer, _get(params, "page"), minimum=1)
    per_page = check(
        "per_page", coerce.integer, _get(params, "per_page"), minimum=1, maximum=MAX_PER_PAGE
    )
    check.raise_if_any()
    return page or 1, per_page or DEFAULT_PER_PAGE


def _modified_after(params: Mapping) -> datetime | None:
    raw = _get(params, "modified_after")
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        day = parse_date(raw)
        if day is None:
            raise InvalidInput({"modified_after": "must be an ISO 8601 date-time"})
        value = datetime(day.year, day.month, day.day)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def envelope(contents: list, total: int, page: int, per_page: int) -> dict:
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _page(qs, page: int, per_page: int):
    total = qs.count()
    start = (page - 1) * per_page
    return list(qs[start : start + per_page]), total


def root(openapi_url: str) -> dict:
    return {"version": hsds.HSDS_VERSION, "profile": hsds.HSDS_PROFILE, "openapi_url": openapi_url}


# --- services ---------------------------------------------------------------------------------


def _service_filters(params: Mapping) -> Q:
    q = Q()
    term = _uuid(params, "taxonomy_term_id")
    if term:
        q &= Q(taxonomy_terms__id=term) | Q(
            pk__in=_attribute_links(taxonomy_term_id=term, link_entity="service")
        )
    tax = _uuid(params, "taxonomy_id")
    if tax:
        q &= Q(taxonomy_terms__taxonomy_ref_id=tax) | Q(
            pk__in=_attribute_links(taxonomy_term__taxonomy_ref_id=tax, link_entity="service")
        )
    org = _uuid(params, "organization_id")
    if org:
        q &= Q(organization_id=org)
    modified = _modified_after(params)
    if modified:
        q &= Q(last_modified__gte=modified)
    return q


def _attribute_links(**filters):
    from lantern.directory.models import Attribute

    return Attribute.objects.filter(**filters).values("link_id")


def _searching(params: Mapping) -> bool:
    return any(_get(params, k) for k in SEARCH_PARAMS)


def _search_params(params: Mapping, page: int, per_page: int) -> dict:
    if _get(params, "taxonomy_id"):
        raise InvalidInput({"taxonomy_id": "cannot be combined with search parameters"})
    out = {k: v for k, v in params.items() if isinstance(v, str) and v.strip()}
    proximity = out.pop("proximity", "")
    if proximity:
        try:
            meters = float(proximity)
        except ValueError:
            raise InvalidInput({"proximity": "must be a distance in meters"}) from None
        out["radius_km"] = str(meters / 1000)
    if out.get("radius_km") and "radius_km" in params and proximity:
        raise InvalidInput({"proximity": "give proximity or radius_km, not both"})
    out.update(page=str(page), per_page=str(per_page))
    return out


def _outside_query(
    params: Mapping, page: int, per_page: int, *, located_only: bool = False
) -> search.DirectoryQuery:
    """A search for the API: confidential locations are not even candidates."""
    query = search.parse_query(_search_params(params, page, per_page))
    return dataclasses.replace(query, include_confidential=False, located_only=located_only)


def _ordered_services(ids: list, *, full: bool) -> list[dict]:
    qs = (
        hsds.services_queryset(Service.objects.filter(pk__in=ids))
        if full
        else (Service.objects.filter(pk__in=ids).select_related("organization"))
    )
    by_id = {s.pk: s for s in qs}
    services = [by_id[i] for i in ids if i in by_id]
    if not full:
        return [_service_list_item(s) for s in services]
    ctx = hsds.Context.for_ids([i for s in services for i in hsds.service_related_ids(s)])
    return [hsds.service_to_hsds(s, ctx=ctx) for s in services]


def _service_list_item(service: Service) -> dict:
    out = hsds.service_list_to_hsds(service)
    out["organization"] = hsds.organization_to_hsds(service.organization, full=False)
    return out


def list_services(user, params: Mapping) -> dict:
    page, per_page = paging(params)
    full = _bool(params, "full")
    if _searching(params):
        query = _outside_query(params, page, per_page)
        result = search.search_services(user, query)
        ids = [hit.service_id for hit in result.hits]
        return envelope(_ordered_services(ids, full=full), result.total, page, per_page)
    qs = Service.objects.filter(_service_filters(params)).distinct().order_by("name", "pk")
    ids, total = _page(qs.values_list("pk", flat=True), page, per_page)
    return envelope(_ordered_services(ids, full=full), total, page, per_page)


def get_service(raw_id: str) -> dict:
    pk = object_id(raw_id)
    service = hsds.services_queryset(Service.objects.filter(pk=pk)).first()
    if service is None:
        raise NotFound
    return hsds.service_to_hsds(service)


# --- service at location ----------------------------------------------------------------------


def _visible_sals():
    return ServiceAtLocation.objects.filter(location__confidential=False)


def _sal_items(ids: list, *, full: bool) -> list[dict]:
    qs = (
        _visible_sals()
        .filter(pk__in=ids)
        .select_related("location", "service__organization")
        .prefetch_related(
            "contacts__phones__languages",
            "phones__languages",
            "schedules",
            "location__languages",
            "location__addresses",
            "location__contacts__phones__languages",
            "location__phones__languages",
            "location__schedules",
        )
    )
    by_id = {s.pk: s for s in qs}
    sals = [by_id[i] for i in ids if i in by_id]
    related = []
    for sal in sals:
        related += [sal.id, *hsds.location_related_ids(sal.location)]
        related += [x.id for rel in (sal.contacts, sal.phones, sal.schedules) for x in rel.all()]
    ctx = hsds.Context.for_ids(related)
    out = []
    for sal in sals:
        if full:
            item = hsds.service_at_location_to_hsds(sal, ctx)
            service = hsds.services_queryset(Service.objects.filter(pk=sal.service_id)).first()
            item["service"] = hsds.service_to_hsds(service)
        else:
            item = hsds.clean(
                {
                    "id": str(sal.id),
                    "service_id": str(sal.service_id),
                    "location_id": str(sal.location_id),
                    "description": sal.description,
                }
            )
            item["location"] = hsds.location_to_hsds(sal.location, ctx)
            item["service"] = _service_list_item(sal.service)
        out.append(item)
    return out


def list_service_at_locations(user, params: Mapping) -> dict:
    page, per_page = paging(params)
    full = _bool(params, "full")
    if _searching(params):
        query = _outside_query(params, page, per_page, located_only=True)
        result = search.search(user, query)
        ids = [hit.location_id and _sal_id(hit.service_id, hit.location_id) for hit in result.hits]
        ids = [i for i in ids if i]
        return envelope(_sal_items(ids, full=full), result.total, page, per_page)
    services = Service.objects.filter(_service_filters(params))
    qs = (
        _visible_sals()
        .filter(service__in=services.values("pk"))
        .order_by("service__name", "pk")
        .values_list("pk", flat=True)
    )
    ids, total = _page(qs, page, per_page)
    return envelope(_sal_items(ids, full=full), total, page, per_page)


def _sal_id(service_id, location_id):
    return (
        _visible_sals()
        .filter(service_id=service_id, location_id=location_id)
        .values_list("pk", flat=True)
        .first()
    )


def get_service_at_location(raw_id: str) -> dict:
    pk = object_id(raw_id)
    items = _sal_items([pk], full=True)
    if not items:
        raise NotFound  # unknown, or confidential: the same answer
    return items[0]


# --- organizations ----------------------------------------------------------------------------


def list_organizations(params: Mapping) -> dict:
    page, per_page = paging(params)
    full = _bool(params, "full")
    full_service = _bool(params, "full_service")
    qs = Organization.objects.order_by("name", "pk")
    text = _get(params, "search")
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(alternate_name__icontains=text))
    orgs, total = _page(qs, page, per_page)
    if full or full_service:
        contents = [_organization(o.pk, full_service) for o in orgs]
    else:
        contents = [hsds.organization_to_hsds(o, full=False) for o in orgs]
    return envelope(contents, total, page, per_page)


def _organization(pk, full_service: bool) -> dict:
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise NotFound
    out = hsds.organization_to_hsds(org, full=True, services="ids")
    if full_service:
        ids = list(org.services.order_by("name", "pk").values_list("pk", flat=True))
        out["services"] = _ordered_services(ids, full=True)
    return out


def get_organization(raw_id: str, params: Mapping) -> dict:
    return _organization(object_id(raw_id), _bool(params, "full_service"))


# --- taxonomies -------------------------------------------------------------------------------


def list_taxonomies(params: Mapping) -> dict:
    page, per_page = paging(params)
    qs = Taxonomy.objects.order_by("name", "pk")
    text = _get(params, "search")
    if text:
        qs = qs.filter(name__icontains=text)
    items, total = _page(qs, page, per_page)
    return envelope([hsds.taxonomy_to_hsds(t) for t in items], total, page, per_page)


def get_taxonomy(raw_id: str) -> dict:
    tax = Taxonomy.objects.filter(pk=object_id(raw_id)).first()
    if tax is None:
        raise NotFound
    return hsds.taxonomy_to_hsds(tax)


def list_taxonomy_terms(params: Mapping) -> dict:
    page, per_page = paging(params)
    qs = TaxonomyTerm.objects.select_related("taxonomy_ref").order_by("name", "pk")
    text = _get(params, "search")
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(code__icontains=text))
    tax = _uuid(params, "taxonomy_id")
    if tax:
        qs = qs.filter(taxonomy_ref_id=tax)
    parent = _uuid(params, "parent_id")
    if parent:
        qs = qs.filter(parent_id=parent)
    if _bool(params, "top_only"):
        qs = qs.filter(children__isnull=True)  # the spec: "terms that have no child terms"
    items, total = _page(qs, page, per_page)
    return envelope([hsds.taxonomy_term_to_hsds(t) for t in items], total, page, per_page)


def get_taxonomy_term(raw_id: str) -> dict:
    term = TaxonomyTerm.objects.select_related("taxonomy_ref").filter(pk=object_id(raw_id)).first()
    if term is None:
        raise NotFound
    return hsds.taxonomy_term_to_hsds(term)
