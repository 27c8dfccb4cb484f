"""A page's hits: each candidate's details (phones, hours, languages, address) read in a few
narrow queries, and why it is shown, in the reader's language."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.accounts import rules
from lantern.core.language import language_name
from lantern.directory.choices import (
    VERIFICATION_INTERVAL_DAYS,
    PopulationChoices,
)
from lantern.directory.schedules import describe, is_always_open, open_always
from lantern.directory.search.candidates import _Candidate, _visible_distance
from lantern.directory.search.query import DirectoryQuery, Hit
from lantern.directory.search.sql import (
    _ADDRESS_KEYS,
    _ADDRESS_SQL,
    _ENTRY_KEYS,
    _ENTRY_SQL,
    _ID,
    _OWNED_COLUMNS,
    _db_uuid,
    _in,
    _select,
    _uuid,
)
from lantern.directory.search.text import text_words


def _reasons(cand, e, query, words, term_names) -> list[str]:
    """Why a hit is shown, in the reader's language: "12.3 km away", "matched: shelter"."""
    reasons = []
    distance = _visible_distance(cand)
    if distance is not None:
        reasons.append(
            _("about %(km)s km away") % {"km": f"{distance:.0f}"}
            if e["confidential"]
            else _("%(km)s km away") % {"km": f"{distance:.1f}"}
        )
    if cand.area == "national":
        reasons.append(_("serves the whole country"))
    elif cand.area:
        reasons.append(_("serves all of %(state)s") % {"state": cand.area.rsplit(" ", 1)[-1]})
    entry_terms = set(e["terms"].split())
    matched_terms = [t for t in query.terms if t in entry_terms]
    if matched_terms:
        names = ", ".join(term_names.get(t, t) for t in matched_terms)
        reasons.append(_("matched: %(terms)s") % {"terms": names})
    if words:
        reasons.append(_("matched words: %(words)s") % {"words": ", ".join(words)})
    if query.language:
        reasons.append(_("speaks %(language)s") % {"language": language_name(query.language)})
    for population in query.populations:
        reasons.append(_("serves %(group)s") % {"group": PopulationChoices(population).label})
    if query.age is not None:
        reasons.append(_("takes age %(age)s") % {"age": query.age})
    if cand.open_now:
        reasons.append(_("open now"))
    if e["available_24_7"] or is_always_open(e["hours"]):
        reasons.append("24/7")
    return reasons


def _owned_by(table: str, owners: list[tuple[str, set]]) -> list[tuple]:
    """Rows of ``table`` belonging to any of the owners, in one query: a UNION of one indexed
    lookup per owner column (an OR of them would scan the table). A row found through two
    owners comes once."""
    parts, params = [], []
    for column, ids in owners:
        if ids:
            # constant table and column names only; the ids are parameters
            columns = ", ".join(_OWNED_COLUMNS[table])
            parts.append(f"SELECT {columns} FROM {table} WHERE {column} IN ({_in(ids)})")  # noqa: S608
            params += [_db_uuid(i) for i in ids]
    if not parts:
        return []
    names = _OWNED_COLUMNS[table]
    rows = {row[0]: row for row in _select(" UNION ALL ".join(parts), params)}
    return [
        tuple(
            _uuid(v) if n == "id" or n.endswith("_id") else v
            for n, v in zip(names, row, strict=True)
        )
        for row in rows.values()
    ]


def _hits(user, query: DirectoryQuery, page: list[_Candidate]) -> list[Hit]:
    """Load what the page shows in a fixed number of narrow queries (no N+1, no model objects)."""
    from lantern.directory.models import TaxonomyTerm

    if not page:
        return []
    ids = [c.row[_ID] for c in page]
    entries = {}
    for row in _select(_ENTRY_SQL.format(_in(ids)), ids):
        e = dict(zip(_ENTRY_KEYS, row, strict=True))
        for key in ("service_id", "organization_id", "location_id", "service_at_location_id"):
            e[key] = _uuid(e[key])
        e["confidential"], e["available_24_7"] = bool(e["confidential"]), bool(e["available_24_7"])
        if isinstance(e["assured_date"], str):  # SQLite
            e["assured_date"] = date.fromisoformat(e["assured_date"])
        entries[e["id"]] = e
    service_ids = {e["service_id"] for e in entries.values()}
    location_ids = {e["location_id"] for e in entries.values()} - {None}
    sal_ids = {e["service_at_location_id"] for e in entries.values()} - {None}
    owners = [
        ("service_id", service_ids),
        ("location_id", location_ids),
        ("service_at_location_id", sal_ids),
    ]
    phones, languages, schedules = defaultdict(list), defaultdict(list), defaultdict(list)
    for _pk, *keys, number, extension, kind, description in sorted(
        _owned_by("directory_phone", owners), key=lambda p: (p[4], str(p[0]))
    ):
        phone = {"number": number, "extension": extension, "type": kind, "description": description}
        for key in keys:
            if key:
                phones[key].append(phone)
    for _pk, service_id, location_id, code in sorted(
        _owned_by("directory_language", owners[:2]), key=lambda x: (x[3], str(x[0]))
    ):
        languages[service_id or location_id].append(code)
    for row in sorted(_owned_by("directory_schedule", owners), key=lambda x: str(x[0])):
        schedule = dict(zip(_OWNED_COLUMNS["directory_schedule"], row, strict=True))
        for key in row[1:4]:
            if key:
                schedules[key].append(schedule)
    addresses: dict = {}
    if location_ids:
        params = [_db_uuid(i) for i in location_ids]
        for location_id, *values in _select(_ADDRESS_SQL.format(_in(params)), params):
            # a physical address first, the postal one when that is all there is
            addresses.setdefault(_uuid(location_id), dict(zip(_ADDRESS_KEYS, values, strict=True)))
    term_names = (
        dict(TaxonomyTerm.objects.filter(code__in=query.terms).values_list("code", "name"))
        if query.terms
        else {}
    )
    see_confidential = rules.allows(user, "view_confidential_location")
    today = timezone.localdate()
    words = text_words(query.text)
    hits = []
    for cand in page:
        e = entries[cand.row[_ID]]
        service_id, location_id = e["service_id"], e["location_id"]
        sal_id = e["service_at_location_id"]
        distance = _visible_distance(cand)
        reasons = _reasons(cand, e, query, words, term_names)
        # the most specific schedules apply: service-at-location, service, then location
        own = schedules.get(sal_id) or schedules.get(service_id) or schedules.get(location_id)
        hours_text = describe(own or [])
        if e["available_24_7"] and open_always() not in hours_text:
            hours_text = [open_always(), *hours_text]
        hit_phones, seen_numbers = [], set()
        for key in (sal_id, service_id, location_id):
            for phone in phones.get(key, []) if key else []:
                if (phone["number"], phone["extension"]) not in seen_numbers:
                    seen_numbers.add((phone["number"], phone["extension"]))
                    hit_phones.append(phone)
        codes = []
        for code in languages.get(service_id, []) + languages.get(location_id, []):
            if code and code not in codes:
                codes.append(code)
        address = addresses.get(location_id)
        assured = e["assured_date"]
        hits.append(
            Hit(
                service_id=service_id,
                service_name=e["service_name"],
                organization_id=e["organization_id"],
                organization_name=e["organization_name"],
                location_id=location_id,
                service_at_location_id=sal_id,
                distance_km=distance,
                reasons=reasons,
                open_now=cand.open_now,
                hours=hours_text,
                phones=hit_phones,
                languages=codes,
                address=(
                    address
                    if address is not None and (not e["confidential"] or see_confidential)
                    else None
                ),
                city=address["city"] if address else "",
                state=e["state"],
                confidential=e["confidential"],
                available_24_7=e["available_24_7"],
                alert=e["alert"],
                eligibility=e["eligibility"],
                assured_date=assured,
                verification_due=assured is None
                or (today - assured).days > VERIFICATION_INTERVAL_DAYS,
                entry_id=cand.row[_ID],
                area=cand.area,
            )
        )
    return hits
