"""Reads of the referral directory for the console.

Confidential locations (shelters) keep their street address and exact coordinates here unless
the rules allow ``view_confidential_location``: others get the city and state, which is enough
to judge distance, and the phone numbers, which is how a caller reaches a shelter anyway.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q

from lantern.accounts import rules
from lantern.core.language import language_name
from lantern.core.phone import format_phone
from lantern.directory import taxonomy
from lantern.directory.choices import (
    VERIFICATION_INTERVAL_DAYS,
    AddressTypeChoices,
    PopulationChoices,
    ServiceAreaScopeChoices,
    ServiceStatusChoices,
    WeekdayChoices,
)
from lantern.directory.models import Organization, Service, TaxonomyTerm

_DAY_ABBR = {
    "MO": "Mon",
    "TU": "Tue",
    "WE": "Wed",
    "TH": "Thu",
    "FR": "Fri",
    "SA": "Sat",
    "SU": "Sun",
}
_WEEK = list(WeekdayChoices.values)


# --- access ---------------------------------------------------------------------------------------


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def services_for_user(user, action: str = "view_directory"):
    """Services the user may see (the directory is not per-record: all or nothing)."""
    if not rules.allows(user, action):
        return Service.objects.none()
    return Service.objects.select_related("organization", "verified_by")


def access_service_for_user(user, service_id, action: str = "view_directory") -> Service:
    """The service, or ``Service.DoesNotExist`` when missing, malformed or not allowed."""
    pk = _uuid(service_id)
    if pk is None:
        raise Service.DoesNotExist
    return services_for_user(user, action).get(pk=pk)


def access_organization_for_user(
    user, organization_id, action: str = "manage_directory"
) -> Organization:
    pk = _uuid(organization_id)
    if pk is None or not rules.allows(user, action):
        raise Organization.DoesNotExist
    return Organization.objects.get(pk=pk)


def service_type_terms():
    """The service types a service can be given (Lantern's open taxonomy)."""
    return TaxonomyTerm.objects.filter(
        taxonomy_ref_id=taxonomy.stable_id("taxonomy", taxonomy.SERVICE_TYPES)
    ).order_by("name")


def service_type_choices() -> list[tuple[str, str]]:
    return list(service_type_terms().values_list("code", "name"))


def referable_services(user, service_ids) -> list[Service]:
    """Active services among ``service_ids``, in the given order (for the referral queue)."""
    ids = [pk for pk in (_uuid(s) for s in service_ids) if pk]
    found = {
        s.pk: s
        for s in services_for_user(user).filter(pk__in=ids, status=ServiceStatusChoices.ACTIVE)
    }
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


def location_of_service(service: Service, location_id):
    """One of the service's locations by id, or None (unknown ids are simply ignored)."""
    pk = _uuid(location_id) if location_id else None
    if pk is None:
        return None
    sal = service.service_at_locations.select_related("location").filter(location_id=pk).first()
    return sal.location if sal else None


# --- presentation ---------------------------------------------------------------------------------


def _day_ranges(days: list[str]) -> str:
    """``["MO", "TU", "WE", "FR"]`` -> ``Mon–Wed, Fri``."""
    idx = sorted(_WEEK.index(d) for d in days if d in _WEEK)
    if len(idx) == 7:
        return "Every day"
    parts, start = [], None
    for n, i in enumerate(idx):
        if start is None:
            start = i
        if n + 1 == len(idx) or idx[n + 1] != i + 1:
            a, b = _DAY_ABBR[_WEEK[start]], _DAY_ABBR[_WEEK[i]]
            parts.append(a if start == i else f"{a}–{b}" if i - start > 1 else f"{a}, {b}")
            start = None
    return ", ".join(parts)


def hours_lines(schedules, *, available_24_7: bool = False) -> list[str]:
    """Human-readable weekly hours, e.g. ``Mon–Fri 09:00–17:00``; "past midnight" is spelled out."""
    lines = ["Open 24/7"] if available_24_7 else []
    rows = sorted(
        (s for s in schedules if s.opens_at and s.closes_at),
        key=lambda s: (
            min((_WEEK.index(d) for d in s.byday.split(",") if d in _WEEK), default=7),
            s.opens_at,
        ),
    )
    for s in rows:
        overnight = " (past midnight)" if s.closes_at <= s.opens_at else ""
        days = _day_ranges([d.strip() for d in s.byday.split(",") if d.strip()])
        lines.append(f"{days} {s.opens_at:%H:%M}–{s.closes_at:%H:%M}{overnight}".strip())
    for s in schedules:
        if not (s.opens_at and s.closes_at) and s.description:
            lines.append(s.description)
    return lines


@dataclass
class LocationView:
    location: object
    name: str
    city: str
    state: str
    postal_code: str
    address: dict | None  # None: confidential and the user may not see it
    latitude: float | None
    longitude: float | None
    time_zone: str
    confidential: bool
    address_hidden: bool


@dataclass
class Verification:
    assured_date: date | None
    verified_by: str
    next_due: date | None
    due: bool


@dataclass
class ServiceDetail:
    service: Service
    organization: Organization
    locations: list[LocationView]
    phones: list[dict]
    hours: list[str]
    languages: list[tuple[str, str]]  # (code, name)
    areas: list[str]
    service_types: list[TaxonomyTerm]
    populations: list[str]
    verification: Verification
    can_manage: bool
    can_refer: bool
    extra: dict = field(default_factory=dict)


def verification_of(service: Service, today: date | None = None) -> Verification:
    from django.utils import timezone

    today = today or timezone.localdate()
    due_on = (
        service.assured_date + timedelta(days=VERIFICATION_INTERVAL_DAYS)
        if service.assured_date
        else None
    )
    who = ""
    if service.verified_by_id:
        who = str(service.verified_by)
    elif service.assurer_email:
        who = service.assurer_email
    return Verification(
        assured_date=service.assured_date,
        verified_by=who,
        next_due=due_on,
        due=due_on is None or due_on <= today,
    )


def present_location(user, location, *, can_see=None) -> LocationView:
    if can_see is None:
        can_see = rules.allows(user, "view_confidential_location")
    addresses = list(location.addresses.all())
    addr = next(
        (a for a in addresses if a.address_type == AddressTypeChoices.PHYSICAL),
        addresses[0] if addresses else None,
    )
    hidden = location.confidential and not can_see
    address = None
    if addr is not None and not hidden:
        address = {
            "address_1": addr.address_1,
            "address_2": addr.address_2,
            "city": addr.city,
            "state": addr.state_province,
            "postal_code": addr.postal_code,
        }
    return LocationView(
        location=location,
        name=location.name,
        city=addr.city if addr else "",
        state=addr.state_province if addr else "",
        postal_code="" if hidden or addr is None else addr.postal_code,
        address=address,
        latitude=None if hidden else location.latitude,
        longitude=None if hidden else location.longitude,
        time_zone=location.time_zone,
        confidential=location.confidential,
        address_hidden=hidden,
    )


def _area_label(area) -> str:
    scope = ServiceAreaScopeChoices
    if area.scope == scope.NATIONAL:
        return "Nationwide"
    if area.scope == scope.STATE:
        return f"All of {area.state}"
    if area.scope == scope.LOCAL:
        return area.name or "Around its locations"
    return f"{area.get_scope_display()}: {area.value}{', ' + area.state if area.state else ''}"


def phone_rows(phones) -> list[dict]:
    return [
        {
            "number": p.number,
            "display": format_phone(p.number),
            "extension": p.extension,
            "type": p.get_type_display() if p.type else "",
            "description": p.description,
        }
        for p in phones
    ]


def service_detail(user, service_id) -> ServiceDetail:
    """Everything the service page shows; raises ``Service.DoesNotExist`` like ``access_*``."""
    service = (
        services_for_user(user)
        .prefetch_related(
            "phones",
            "schedules",
            "languages",
            "service_areas",
            "taxonomy_terms",
            "service_at_locations__location__addresses",
        )
        .get(pk=_uuid(service_id) or uuid.UUID(int=0))
    )
    can_see = rules.allows(user, "view_confidential_location")
    labels = dict(PopulationChoices.choices)
    return ServiceDetail(
        service=service,
        organization=service.organization,
        locations=[
            present_location(user, sal.location, can_see=can_see)
            for sal in service.service_at_locations.all()
        ],
        phones=phone_rows(service.phones.all()),
        hours=hours_lines(list(service.schedules.all()), available_24_7=service.available_24_7),
        languages=[
            (lang.code, lang.name or language_name(lang.code)) for lang in service.languages.all()
        ],
        areas=[_area_label(a) for a in service.service_areas.all()],
        service_types=list(service.taxonomy_terms.all()),
        populations=[str(labels.get(p, p)) for p in service.populations or []],
        verification=verification_of(service),
        can_manage=rules.allows(user, "manage_directory"),
        can_refer=rules.allows(user, "give_referral")
        and service.status == ServiceStatusChoices.ACTIVE,
    )


def service_form_data(service: Service) -> dict:
    """A service as the API-shaped dict its actions accept (to fill the edit form)."""
    data = {
        f: getattr(service, f)
        for f in (
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "eligibility_description",
            "application_process",
            "fees_description",
            "interpretation_services",
            "wait_time",
            "alert",
            "minimum_age",
            "maximum_age",
            "available_24_7",
            "trafficking_training",
            "populations",
        )
    }
    data["service_types"] = [t.code for t in service.taxonomy_terms.all()]
    data["languages"] = [lang.code for lang in service.languages.all()]
    data["phones"] = [
        {"number": p.number, "extension": p.extension, "type": p.type, "description": p.description}
        for p in service.phones.all()
    ]
    data["schedules"] = [
        {
            "byday": s.byday.split(","),
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "overnight": bool(s.opens_at and s.closes_at and s.closes_at <= s.opens_at),
            "description": s.description,
        }
        for s in service.schedules.all()
        if s.opens_at and s.closes_at
    ]
    data["service_areas"] = [
        {"scope": a.scope, "state": a.state, "value": a.value} for a in service.service_areas.all()
    ]
    locations = []
    for sal in service.service_at_locations.select_related("location"):
        loc = sal.location
        addr = loc.addresses.filter(address_type=AddressTypeChoices.PHYSICAL).first()
        locations.append(
            {
                "id": str(loc.pk),
                "name": loc.name,
                "address_1": addr.address_1 if addr else "",
                "address_2": addr.address_2 if addr else "",
                "city": addr.city if addr else "",
                "state": addr.state_province if addr else "",
                "postal_code": addr.postal_code if addr else "",
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "time_zone": loc.time_zone,
                "confidential": loc.confidential,
            }
        )
    data["locations"] = locations
    return data


# --- lists ----------------------------------------------------------------------------------------


def services_due_for_verification(user, today: date | None = None):
    """Services never verified or verified ``VERIFICATION_INTERVAL_DAYS`` ago or more, oldest
    first (never verified at the top). Retired services are not due. Paginate the result."""
    from django.utils import timezone

    if not rules.allows(user, "manage_directory"):
        return Service.objects.none()
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=VERIFICATION_INTERVAL_DAYS)
    return (
        Service.objects.select_related("organization", "verified_by")
        .exclude(status=ServiceStatusChoices.DEFUNCT)
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lte=cutoff))
        .order_by(F("assured_date").asc(nulls_first=True), "name", "pk")
    )


def organizations_for_manager(user, search: str = ""):
    """Organizations with their service counts, for the managers' list; filtered by name."""
    if not rules.allows(user, "manage_directory"):
        return Organization.objects.none()
    qs = Organization.objects.annotate(
        service_count=Count("services", distinct=True),
        retired_count=Count(
            "services", filter=Q(services__status=ServiceStatusChoices.DEFUNCT), distinct=True
        ),
    )
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(alternate_name__icontains=search))
    return qs.order_by("name", "pk")


def services_of_organization(user, organization):
    return services_for_user(user).filter(organization=organization).order_by("name")


PUBLIC_PAGE_SIZE = 10


def public_search(place: dict, *, terms=(), language="", open_now=False, page=1):
    """The public directory's search (``/directory/``): services near a ZIP code or a city, as
    an anonymous visitor may see them. Confidential locations are not candidates at all, so no
    result, count or distance reveals one; nothing is recorded. Returns the page and, when it
    is empty, the single filters whose relaxing would find something. ``InvalidInput`` for an
    unknown place."""
    from django.contrib.auth.models import AnonymousUser

    from lantern.directory.relax import relaxations
    from lantern.directory.search import DirectoryQuery, search

    query = DirectoryQuery(
        postal_code=place.get("zip", ""),
        city=place.get("city", ""),
        state=place.get("state", ""),
        terms=tuple(terms),
        language=language,
        open_now=open_now,
        include_confidential=False,
        page=page,
        per_page=PUBLIC_PAGE_SIZE,
    )
    visitor = AnonymousUser()
    found = search(visitor, query)
    if found.total or not _suggestions_allowed():
        return found, []
    return found, relaxations(visitor, query)


def _suggestions_allowed() -> bool:
    """A flood of empty searches must not multiply the load by the suggestions' counts: at most
    ``LANTERN_PUBLIC_SUGGESTIONS_PER_SECOND`` searches a second get them, counted in the cache
    all servers share (the rest get the empty page, which says how to search wider)."""
    key = f"lantern:public-suggestions:{int(time.time())}"
    cache.add(key, 0, timeout=10)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between the two calls: a new second
        return True
    return n <= settings.LANTERN_PUBLIC_SUGGESTIONS_PER_SECOND


@dataclass
class AgencyContact:
    """A named person or desk the directory lists for an agency (HSDS ``contact``)."""

    name: str
    title: str
    department: str
    email: str
    phones: list[dict]

    @property
    def label(self) -> str:
        """Who the link or the call is for: the name, else the title or the desk."""
        return self.name or self.title or self.department

    @property
    def reach(self) -> str:
        """Where a link goes: the email, else the first phone."""
        return self.email or (self.phones[0]["display"] if self.phones else "")


def agency_contacts(service: Service | None) -> list[AgencyContact]:
    """The contacts the directory lists for an agency's service, then its organization's: who a
    tip report is delivered to (a protocol step names the service; issue 21 part 8)."""
    from lantern.directory.models import DirectoryContact

    if service is None:
        return []
    rows = DirectoryContact.objects.filter(
        Q(service=service) | Q(organization_id=service.organization_id)
    ).prefetch_related("phones")
    found = sorted(rows, key=lambda c: (c.service_id != service.pk, c.name or "~", str(c.pk)))
    return [
        AgencyContact(c.name, c.title, c.department, c.email, phone_rows(c.phones.all()))
        for c in found
    ]
