"""A synthetic national referral directory, for the demo and for benchmarks.

Everything is obviously fake: organization names start with "Example", streets are invented
("100 Example Street"), phone numbers are 555-01xx (reserved for fiction), e-mail addresses are
@example.org. Real city names and ZIP code centres (from the ``zipcodes`` package, with a little
jitter) place the records across all 50 states, DC and the territories.

Rows are built in memory and written with ``bulk_create`` in one transaction, then the search
index is rebuilt: 3,200 organizations take seconds, 100,000 services a few minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from lantern.core.geo import USStateChoices
from lantern.directory import indexing, taxonomy
from lantern.directory.choices import (
    OrganizationTypeChoices as OrgType,
)
from lantern.directory.choices import (
    PhoneTypeChoices,
    PopulationChoices,
    ServiceAreaScopeChoices,
)
from lantern.directory.models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

STREETS = [
    "Example Street",
    "Sample Avenue",
    "Placeholder Road",
    "Demo Lane",
    "Fictional Boulevard",
    "Testing Way",
    "Imaginary Court",
    "Synthetic Drive",
]
ORG_WORDS = [
    "Harbor",
    "Beacon",
    "Bridge",
    "Compass",
    "Haven",
    "Lighthouse",
    "Open Door",
    "Pathway",
    "Safe Passage",
    "New Dawn",
    "Freedom",
    "Lantern",
]
ORG_KINDS = {
    OrgType.ANTI_TRAFFICKING: "Anti-Trafficking Project",
    OrgType.LEGAL_SERVICES: "Legal Aid",
    OrgType.SHELTER: "Shelter",
    OrgType.COALITION: "Coalition",
    OrgType.TASK_FORCE: "Task Force",
    OrgType.LAW_ENFORCEMENT: "Police Unit",
    OrgType.SOCIAL_SERVICES: "Family Services",
    OrgType.HEALTH: "Health Center",
    OrgType.GOVERNMENT: "Office of Victim Services",
}
ORG_TYPE_WEIGHTS = {
    OrgType.ANTI_TRAFFICKING: 18,
    OrgType.LEGAL_SERVICES: 14,
    OrgType.SHELTER: 16,
    OrgType.COALITION: 5,
    OrgType.TASK_FORCE: 5,
    OrgType.LAW_ENFORCEMENT: 6,
    OrgType.SOCIAL_SERVICES: 18,
    OrgType.HEALTH: 12,
    OrgType.GOVERNMENT: 6,
}
# service type code -> (service name, description)
SERVICES = {
    "case-management": ("Case management", "Survivor-centred case management and safety planning."),
    "emergency-shelter": ("Emergency shelter", "Emergency shelter beds, available tonight."),
    "transitional-housing": ("Transitional housing", "Housing for up to 24 months."),
    "legal-services": ("Legal services", "Civil legal help, including vacatur of convictions."),
    "immigration-legal": (
        "Immigration legal help",
        "T and U visa applications, continued presence.",
    ),
    "mental-health": ("Counselling", "Trauma-informed counselling and therapy groups."),
    "medical-care": ("Medical clinic", "Primary care, sexual health and forensic exams."),
    "substance-use": ("Recovery services", "Outpatient substance use treatment."),
    "transportation": ("Transportation", "Rides to safety and to appointments."),
    "interpretation": ("Interpretation", "Phone and in-person interpreters."),
    "employment": ("Job training", "Job readiness training and placement."),
    "food": ("Food pantry", "Groceries and hot meals."),
    "crisis-line": ("Crisis line", "A crisis line answered by trained advocates."),
    "law-enforcement": ("Trafficking investigations", "Investigates labor and sex trafficking."),
    "victim-advocacy": ("Victim advocacy", "Advocates who accompany survivors through court."),
    "financial-assistance": ("Emergency assistance", "Emergency cash and help with bills."),
    "education": ("Education", "GED, ESL and school enrolment help."),
    "identity-documents": ("Document replacement", "Help replacing IDs and passports."),
    "repatriation": ("Repatriation assistance", "Safe return home for foreign nationals."),
}
TYPE_SERVICES = {
    OrgType.ANTI_TRAFFICKING: [
        "case-management",
        "victim-advocacy",
        "crisis-line",
        "transportation",
        "identity-documents",
        "repatriation",
    ],
    OrgType.LEGAL_SERVICES: ["legal-services", "immigration-legal", "victim-advocacy"],
    OrgType.SHELTER: ["emergency-shelter", "transitional-housing", "case-management", "food"],
    OrgType.COALITION: ["victim-advocacy", "case-management", "education"],
    OrgType.TASK_FORCE: ["law-enforcement", "victim-advocacy"],
    OrgType.LAW_ENFORCEMENT: ["law-enforcement"],
    OrgType.SOCIAL_SERVICES: [
        "case-management",
        "food",
        "employment",
        "financial-assistance",
        "education",
        "interpretation",
    ],
    OrgType.HEALTH: ["medical-care", "mental-health", "substance-use"],
    OrgType.GOVERNMENT: ["financial-assistance", "victim-advocacy", "identity-documents"],
}
LANGUAGES = [
    ("es", 40),
    ("es-MX", 8),
    ("zh", 8),
    ("vi", 7),
    ("ko", 5),
    ("tl", 5),
    ("ar", 5),
    ("fr", 4),
    ("ht", 4),
    ("ru", 4),
    ("pt", 4),
    ("hi", 3),
    ("th", 2),
    ("asl", 0),
]
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "es-MX": "Spanish (Mexico)", "zh": "Chinese",
    "vi": "Vietnamese", "ko": "Korean", "tl": "Tagalog", "ar": "Arabic", "fr": "French",
    "ht": "Haitian Creole", "ru": "Russian", "pt": "Portuguese", "hi": "Hindi", "th": "Thai",
}  # fmt: skip
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def _places(rng) -> tuple[list[str], dict[str, list[dict]]]:
    import zipcodes

    wanted = set(USStateChoices.values)
    few = {"AS", "GU", "MP", "VI"}  # territories with only a few ZIP codes: take them all
    by_state: dict[str, list[dict]] = {}
    for row in zipcodes.list_all():
        if (
            row["state"] in wanted
            and row["timezone"]
            and row["lat"]
            and (row["zip_code_type"] == "STANDARD" or row["state"] in few)
        ):
            by_state.setdefault(row["state"], []).append(row)
    return sorted(by_state), by_state


def _hours(rng, code: str, org_type: str) -> tuple[bool, list[tuple[str, time, time]]]:
    """(available_24_7, [(byday, opens, closes)]) for a service."""
    always = code in ("crisis-line", "emergency-shelter", "law-enforcement") or (
        org_type == OrgType.SHELTER and rng.random() < 0.3
    )
    if always or rng.random() < 0.05:
        return True, [(EVERY_DAY, time(0), time(0))]
    roll = rng.random()
    if roll < 0.5:
        return False, [(WEEKDAYS, time(9), time(17))]
    if roll < 0.7:
        return False, [(WEEKDAYS, time(8), time(18)), ("SA", time(10), time(14))]
    if roll < 0.8:
        # evening hours, and an overnight drop-in on weekends
        return False, [(WEEKDAYS, time(16), time(23)), ("FR,SA", time(22), time(6))]
    if roll < 0.9:
        return False, [("MO,WE,FR", time(10), time(16))]
    return False, [("TU,TH", time(12), time(20)), ("SA", time(9), time(13))]


FLUSH_EVERY = 10_000  # organizations held in memory before they are written


def seed_directory(
    size: int = 3200,
    *,
    random_seed: int | None = None,
    progress: Callable[[str], None] = print,
    reindex: bool = True,
) -> dict:
    """Create ``size`` synthetic organizations with their services; returns counts.

    All or nothing: one transaction, written every ``FLUSH_EVERY`` organizations.
    """
    with transaction.atomic():
        return _seed(size, random_seed, progress, reindex)


def _seed(size, random_seed, progress, reindex) -> dict:
    rng = random.Random(random_seed)
    taxonomy.sync()
    states, by_state = _places(rng)
    all_places = [p for s in states for p in by_state[s]]
    today = timezone.localdate()
    term_ids = {code: taxonomy.term_id(taxonomy.SERVICE_TYPES, code) for code in SERVICES}
    org_types, weights = zip(*ORG_TYPE_WEIGHTS.items(), strict=True)
    lang_codes, lang_weights = zip(*LANGUAGES, strict=True)
    populations = list(PopulationChoices.values)
    rows: dict[str, list] = {
        k: []
        for k in ("org", "svc", "loc", "addr", "sal", "phone", "sched", "lang", "area", "terms")
    }
    Through = Service.taxonomy_terms.through
    phone_seq = 0
    counts = {"organizations": 0, "services": 0, "locations": 0}

    def phone_number(area_code: str) -> str:
        nonlocal phone_seq
        phone_seq += 1
        return f"+1 {area_code} 555 01{phone_seq % 100:02d}"

    for i in range(size):
        if len(rows["org"]) >= FLUSH_EVERY:
            # a million services would not fit in memory at once: write them as we go
            _flush(rows, counts)
        # every state and territory first, then ZIP codes at random (about where people live)
        state = states[i] if i < len(states) else None
        base = rng.choice(by_state[state]) if state else rng.choice(all_places)
        state = base["state"]
        org_type = rng.choices(org_types, weights)[0]
        city = base["city"].title()
        area_code = (base.get("area_codes") or ["555"])[0]
        org = Organization(
            name=f"Example {rng.choice(ORG_WORDS)} {ORG_KINDS[org_type]} of {city} #{i + 1}",
            description=f"Synthetic demo organization ({ORG_KINDS[org_type].lower()}) "
            f"serving {city}, {state}. Not a real organization.",
            email=f"info{i + 1}@example.org",
            website=f"https://org{i + 1}.example.org",
            organization_type=org_type,
        )
        rows["org"].append(org)
        locations = []
        for k in range(rng.choice((1, 1, 1, 2, 2, 3))):
            place = base if k == 0 else rng.choice(by_state[state])
            confidential = org_type == OrgType.SHELTER and rng.random() < 0.7
            loc = Location(
                organization=org,
                name=f"{'Confidential shelter' if confidential else 'Office'} {k + 1}",
                latitude=float(place["lat"]) + rng.uniform(-0.02, 0.02),
                longitude=float(place["long"]) + rng.uniform(-0.02, 0.02),
                confidential=confidential,
                time_zone=place["timezone"],
            )
            locations.append(loc)
            rows["loc"].append(loc)
            rows["addr"].append(
                Address(
                    location=loc,
                    address_1=f"{rng.randint(1, 99) * 100} {rng.choice(STREETS)}",
                    city=place["city"].title(),
                    state_province=place["state"],
                    postal_code=place["zip_code"],
                )
            )
            if rng.random() < 0.3:
                rows["phone"].append(
                    Phone(location=loc, number=phone_number(area_code), type=PhoneTypeChoices.VOICE)
                )
        codes = rng.sample(
            TYPE_SERVICES[org_type],
            min(len(TYPE_SERVICES[org_type]), rng.choice((1, 1, 2, 2, 3, 4))),
        )
        for code in codes:
            name, description = SERVICES[code]
            always, hours = _hours(rng, code, org_type)
            assured = today - timedelta(days=rng.randint(0, 730)) if rng.random() > 0.05 else None
            svc = Service(
                organization=org,
                name=f"{name} – {org.name}",
                description=f"{description} Synthetic demo service.",
                email=f"services{i + 1}@example.org",
                eligibility_description=rng.choice(
                    [
                        "",
                        "Survivors of trafficking.",
                        "Adults 18 and over.",
                        "Youth under 24.",
                        "Anyone; no documents needed.",
                    ]
                ),
                assured_date=assured,
                assurer_email="verifier@example.org" if assured else "",
                populations=sorted(rng.sample(populations, rng.randint(1, 4))),
                available_24_7=always,
                trafficking_training=rng.random() < 0.7,
                status="active" if rng.random() > 0.02 else "inactive",
            )
            rows["svc"].append(svc)
            rows["terms"].append(Through(service=svc, taxonomyterm_id=term_ids[code]))
            rows["phone"].append(
                Phone(
                    service=svc,
                    number=phone_number(area_code),
                    type=PhoneTypeChoices.VOICE,
                    description="Main line",
                )
            )
            if rng.random() < 0.2:
                rows["phone"].append(
                    Phone(
                        service=svc,
                        number=phone_number(area_code),
                        type=PhoneTypeChoices.TEXT,
                        description="Text line",
                    )
                )
            for byday, opens, closes in hours:
                rows["sched"].append(
                    Schedule(
                        service=svc,
                        freq="WEEKLY",
                        byday=byday,
                        opens_at=opens,
                        closes_at=closes,
                        description="Open 24/7" if always else "",
                    )
                )
            spoken = {"en"}
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                spoken.add(rng.choices(lang_codes, lang_weights)[0])
            for lang in sorted(spoken):
                rows["lang"].append(
                    Language(service=svc, code=lang, name=LANGUAGE_NAMES.get(lang, lang))
                )
            roll = rng.random()
            if roll < 0.004 or (code == "crisis-line" and roll < 0.05):
                rows["area"].append(
                    ServiceArea(
                        service=svc, name="United States", scope=ServiceAreaScopeChoices.NATIONAL
                    )
                )
            elif roll < 0.04:
                rows["area"].append(
                    ServiceArea(
                        service=svc,
                        name=f"All of {state}",
                        scope=ServiceAreaScopeChoices.STATE,
                        state=state,
                    )
                )
            for loc in rng.sample(locations, rng.randint(1, len(locations))):
                rows["sal"].append(ServiceAtLocation(service=svc, location=loc))
    _flush(rows, counts)
    progress(
        f"Created {counts['organizations']:,} synthetic organizations, {counts['services']:,} "
        f"services, {counts['locations']:,} locations."
    )
    counts["entries"] = 0
    if reindex:
        counts["entries"] = indexing.rebuild_index()
        progress(f"Indexed {counts['entries']:,} search entries.")
    return counts


def _flush(rows: dict[str, list], counts: dict) -> None:
    models = [
        ("org", Organization),
        ("svc", Service),
        ("loc", Location),
        ("addr", Address),
        ("sal", ServiceAtLocation),
        ("phone", Phone),
        ("sched", Schedule),
        ("lang", Language),
        ("area", ServiceArea),
        ("terms", Service.taxonomy_terms.through),
    ]
    for key, model in models:
        model.objects.bulk_create(rows[key], batch_size=2000)
    counts["organizations"] += len(rows["org"])
    counts["services"] += len(rows["svc"])
    counts["locations"] += len(rows["loc"])
    for key in rows:
        rows[key].clear()
