"""Synthetic demo data. Everything here is obviously fake: 555-01xx phone numbers (reserved for
fiction), example.org addresses, "Demo Caller" names. Later capabilities add their own steps to
``seed_all``."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.utils import timezone

from lantern.accounts.actions import do_create_user
from lantern.contacts.actions import do_create_contact
from lantern.contacts.choices import NON_DATA_CALL_TYPES, ContactCallTypeChoices
from lantern.contacts.definitions import active_form
from lantern.core.geo import USStateChoices
from lantern.demo.assistance_seeding import seed_assistance
from lantern.demo.case_seeding import seed_cases
from lantern.demo.directory_seeding import seed_directory
from lantern.demo.training_seeding import seed_training

DEMO_USERS = [
    ("advocate", "advocate"),
    ("advocate2", "advocate"),
    ("analyst", "case_analyst"),
    ("supervisor", "supervisor"),
    ("directory", "directory_manager"),
    ("admin", "admin"),
]

AREA_CODES = ["202", "212", "213", "305", "312", "404", "512", "602", "713", "808", "907"]
CITIES = {
    "NY": ("New York", "New York County", "10001"),
    "CA": ("Los Angeles", "Los Angeles County", "90012"),
    "TX": ("Houston", "Harris County", "77002"),
    "FL": ("Miami", "Miami-Dade County", "33101"),
    "IL": ("Chicago", "Cook County", "60601"),
    "GA": ("Atlanta", "Fulton County", "30303"),
    "OH": ("Columbus", "Franklin County", "43215"),
    "WA": ("Seattle", "King County", "98101"),
    "NV": ("Las Vegas", "Clark County", "89101"),
    "DC": ("Washington", "District of Columbia", "20001"),
}
SUMMARIES = [
    "Synthetic demo contact. Caller described a job offer that changed after arrival; "
    "employer keeps their documents. Discussed options and safety planning.",
    "Synthetic demo contact. Community member reported a business with people who never leave the "
    "premises. Took tip details; explained how tips are reviewed.",
    "Synthetic demo contact. Service provider asked for trauma-informed training materials.",
    "Synthetic demo contact. Caller asked for shelter options near them; gave two referrals.",
    "Synthetic demo contact. Parent worried about an online contact pressuring their teenager.",
    "Synthetic demo contact. General question about the signs of labor trafficking.",
]
CALL_TYPE_WEIGHTS = [
    (["tip"], 20),
    (["crisis"], 8),
    (["referral"], 14),
    (["general_info"], 18),
    (["tta"], 8),
    (["tip", "referral"], 6),
    (["crisis", "referral"], 4),
    (["at_risk"], 4),
    (["unrelated"], 4),
    (["hang_up"], 8),
    (["wrong_number"], 3),
    (["silent"], 2),
    (["prank"], 1),
]


def seed_users(rng) -> list[tuple[str, str, str]]:
    created = []
    for username, role in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        do_create_user(username, role, password, email=f"{username}@example.org", actor="seed_demo")
        created.append((username, role, password))
    return created


def _caller(rng, known_callers):
    roll = rng.random()
    if roll < 0.55:
        return None
    if roll < 0.7 and known_callers:
        return rng.choice(known_callers)
    n = len(known_callers) + 1
    caller = {
        "name": f"Demo Caller {n:03d}",
        "phone": f"+1{rng.choice(AREA_CODES)}55501{n % 100:02d}",
        "email": f"demo.caller{n:03d}@example.org" if rng.random() < 0.4 else None,
    }
    known_callers.append(caller)
    return caller


CASES_AT_EVERY_STAGE = 8  # tip reports take six stages, case statuses five


def seed_contacts(count: int, rng, handlers) -> int:
    form = active_form()
    now = timezone.now()
    types, weights = zip(*CALL_TYPE_WEIGHTS, strict=True)
    channels = ["phone"] * 15 + ["sms"] * 3 + ["chat"] * 2 + ["email", "webform"]
    states = list(CITIES) + list(USStateChoices.values)
    known: list[dict] = []
    at_risk_rng = random.Random(count)
    tips_for_first = 0
    for _ in range(count):
        received = now - timedelta(minutes=rng.randint(5, 365 * 24 * 60))
        call_types = list(rng.choices(types, weights)[0])
        non_data = bool(set(call_types) & NON_DATA_CALL_TYPES)
        state = rng.choice(states)
        city, county, zip_code = CITIES.get(state, ("", "", ""))
        data = {
            "channel": rng.choice(channels),
            "call_types": call_types,
            "received_at": received,
            # a contact received minutes ago may still be going on: never end in the future
            "ended_at": min(received + timedelta(minutes=rng.randint(1, 45)), now),
            "language": rng.choices(["en", "es", "zh", "vi", "ko", "fr"], [70, 20, 3, 3, 2, 2])[0],
            "caller_type": "unknown" if non_data else rng.choice(form.definition["caller_type"]),
            "heard_about": None if non_data else rng.choice(form.definition["heard_about"]),
            "urgent": ContactCallTypeChoices.CRISIS in call_types or rng.random() < 0.05,
        }
        if ContactCallTypeChoices.AT_RISK in call_types and form.definition.get("at_risk"):
            # a generator of its own: the main one's sequence (and so every other demo record a
            # seed gives, which tests rely on) stays what it was before at-risk categories
            data["at_risk"] = at_risk_rng.sample(form.definition["at_risk"],
                                                 at_risk_rng.choice([1, 1, 2]))  # fmt: skip
        if data["language"] != "en":
            data["interpreter_used"] = rng.random() < 0.5
        if not non_data:
            data["location"] = {
                "state": state,
                "city": city,
                "county": county,
                "postal_code": zip_code,
            }
            data["summary"] = rng.choice(SUMMARIES)
            if caller := _caller(rng, known):
                data["caller"] = caller
        data["handled_by"] = rng.choice(handlers)
        if ContactCallTypeChoices.TIP in call_types and tips_for_first < CASES_AT_EVERY_STAGE:
            # the first handler's first tips become the cases (and reports) at every stage,
            # however small the demo
            data["handled_by"] = handlers[0]
            tips_for_first += 1
        do_create_contact(data, actor=None, recorded_at=min(received + timedelta(minutes=50), now))
    return count


def seed_waiting() -> int:
    """A few contacts waiting in the inbox, one per channel kind: texts, a chat, a web tip.
    Synthetic: 555 numbers, invented names and places."""
    from lantern.contacts.actions import do_open_chat, do_receive_message, do_receive_tip
    from lantern.privacy import receipts

    # (sender, MessageSid, text, the language intake would have guessed from it)
    texts = [
        (
            "+17025550181",
            "SMdemo0001",
            "Synthetic demo: hi, is this the hotline? I need help",
            "en",
        ),
        ("+17025550181", "SMdemo0002", "Synthetic demo: my boss keeps my passport", "en"),
        ("+12125550182", "SMdemo0003", "Demo sintético: necesito ayuda, no puedo salir", "es"),
    ]
    for sender, sid, body, hint in texts:
        do_receive_message(
            channel="sms", hotline_address="+15555550100", participant=sender, body=body,
            provider_id=sid, detect_language=lambda _body, hint=hint: hint,
        )  # fmt: skip
    chat = do_open_chat(language="en", state="TX", safe=False)
    do_receive_message(
        channel="chat", hotline_address="web", participant="", contact=chat.contact,
        body="Synthetic demo: I am at a motel and they will not let me leave.",
    )  # fmt: skip
    do_receive_tip(
        {"what_happened": "Synthetic demo tip: a nail salon where the workers sleep in the back.",
         "urgency": "not_urgent", "state": "OH", "city": "Columbus", "venue": "health_beauty",
         "people": "4 or 5", "minors": "unknown"},
        receipt_hash=receipts.code_hash(receipts.new_code()),
    )  # fmt: skip
    return len({text[0] for text in texts}) + 2  # the waiting contacts


def seed_routing() -> None:
    """The demo's second advocate speaks Spanish and has the interpreter line."""
    from lantern.accounts.models import User
    from lantern.routing.models import AdvocateStatus

    for username, skills in (
        ("advocate", ["lang:en"]),
        ("advocate2", ["lang:en", "lang:es", "interpreter"]),
    ):
        user = User.objects.filter(username=username).first()
        if user is not None:
            AdvocateStatus.objects.update_or_create(user=user, defaults={"skills": skills})


DEMO_PROTOCOLS = [
    ({"name": "National (synthetic)", "level": "national"}, [
        {"agency": "Synthetic federal duty desk", "phone": "+15555550190", "wait_minutes": 15,
         "instructions": "Call the duty desk and give the tip report's reference."},
        {"agency": "Synthetic FBI field office", "phone": "+15555550191",
         "instructions": "If the duty desk does not answer in 15 minutes."},
    ]),
    ({"name": "Texas, minor in crisis (synthetic)", "level": "state", "state": "TX",
      "crisis": True, "minor": True}, [
        {"agency": "Synthetic Texas child abuse hotline", "phone": "+15555550192",
         "instructions": "A minor in danger now: call at once, then the task force.",
         "wait_minutes": 5},
        {"agency": "Synthetic Houston task force", "phone": "+15555550193",
         "instructions": "Give the location and what the caller saw."},
    ]),
    ({"name": "Texas (synthetic)", "level": "state", "state": "TX"}, [
        {"agency": "Synthetic Houston task force", "phone": "+15555550193",
         "instructions": "Email the tip report link; call if urgent."},
    ]),
]  # fmt: skip


def seed_protocols() -> None:
    """Synthetic response protocols: a national fallback and two for Texas."""
    from lantern.accounts.models import User
    from lantern.protocols.actions import do_save_protocol

    manager = User.objects.filter(username="directory").first()
    if manager is None:
        return
    for fields, steps in DEMO_PROTOCOLS:
        do_save_protocol(fields, steps, actor=manager)


def seed_all(
    *, contacts: int = 400, directory: int = 0, random_seed: int | None = None, progress=print
) -> dict:
    rng = random.Random(random_seed)
    users = seed_users(rng)
    progress(f"Created {len(users)} demo users.")
    seed_contacts(contacts, rng, handlers=["advocate", "advocate2", "supervisor"])
    progress(f"Created {contacts} synthetic contacts over the past year.")
    seed_routing()
    seed_protocols()
    waiting = seed_waiting()
    progress(f"Left {waiting} synthetic contacts waiting in the inbox (texts, a chat, a web tip).")
    if directory > 0:
        seed_directory(directory, random_seed=random_seed, progress=progress)
    made = seed_cases(rng)
    progress(f"Opened {made} synthetic cases, with referrals and tip reports at every stage.")
    records, reviews = seed_training(rng)
    progress(f"Recorded {records} synthetic course completions and {reviews} quality reviews.")
    requests = seed_assistance()
    progress(f"Filed {requests} synthetic T&TA requests, from new to closed.")
    if seed_statistics():
        progress("Published this year's statistics (protected and audited) at /statistics/.")
    if seed_assessment():
        progress("Answered part of the hotline self-assessment (/console/assessment/).")
    if made := seed_library():
        progress(f"Added {made} synthetic documents to the resource library (/resources/).")
    return {"users": users}


def seed_assessment() -> bool:
    """A few answers, so the self-assessment page and its PDF show both kinds of row."""
    from lantern.accounts.models import User
    from lantern.assessment.actions import do_answer_self_assessment

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return False
    do_answer_self_assessment({
        "staffed_24_7": ("yes", "Synthetic demo answer: advocates on three shifts, every day."),
        "interpretation": ("partly", "Synthetic demo answer: a contract for 200 languages on "
                                     "the phone; none for text channels yet."),
        "evaluation": ("no", "Synthetic demo answer: planned for next year."),
    }, actor=admin)  # fmt: skip
    return True


LIBRARY = [
    ("Synthetic fact sheet: signs of labor trafficking", "fact_sheet", ["community", "business"],
     ["en", "es"], "labor_trafficking"),
    ("Synthetic poster: the hotline number, in Spanish", "poster", ["survivors", "community"],
     ["es"], "materials"),
    ("Synthetic training deck for health professionals", "training", ["health"], ["en"],
     "identifying_trafficking"),
]  # fmt: skip


def seed_library() -> int:
    """A few documents (tiny synthetic PDFs) so /resources/ has something to show."""
    from lantern.accounts.models import User
    from lantern.assistance.models import AssistanceTopic
    from lantern.library.actions import do_save_resource

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    topics = set(AssistanceTopic.objects.values_list("key", flat=True))
    for title, kind, audiences, languages, topic in LIBRARY:
        pdf = b"%PDF-1.4\n% " + title.encode() + b"\n%%EOF\n"
        do_save_resource(
            {"title": title, "kind": kind, "audiences": audiences, "languages": languages,
             "topics": [topic] if topic in topics else [], "published": True,
             "summary": "Synthetic demo document: not real guidance."},
            actor=supervisor, file=(title.split(":")[0].lower().replace(" ", "-") + ".pdf", pdf),
        )  # fmt: skip
    return len(LIBRARY)


def seed_statistics() -> bool:
    """This year's release, prepared and approved, so the public statistics page has one."""
    from lantern.accounts.models import User
    from lantern.stats import actions

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return False
    try:
        release = actions.do_prepare_release(timezone.localdate().year, actor="seed_demo")
    except actions.StatsError:
        return False
    actions.do_approve_release(release, actor=supervisor)
    return True
