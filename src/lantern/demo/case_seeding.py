"""Synthetic demo cases, referrals and tip reports, made through the actions (so they are
audited and shaped exactly like real ones). Every fact is invented and says so."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lantern.accounts.models import User
from lantern.cases import actions as cases
from lantern.cases.models import Referral
from lantern.cases.reports import actions as reports
from lantern.contacts.models import Contact
from lantern.directory.models import Service

SITUATIONS = [
    ("labor", "agriculture", ["withholds_documents", "debt_bondage", "excessive_working_hours"],
     "Synthetic demo case: farm workers recruited with a visa promise; the crew leader holds "
     "their passports and deducts 'housing debt' from pay."),
    ("sex", "illicit_massage", ["restricts_movement", "threats", "takes_earnings"],
     "Synthetic demo case: a massage business where the workers live on site and are driven "
     "everywhere by the manager."),
    ("labor", "domestic_work", ["withholds_documents", "restricts_movement", "psychological_abuse"],
     "Synthetic demo case: a live-in nanny who is not paid and may not leave the house alone."),
    ("sex", "escort_services", ["false_promises", "psychoactive_substances", "physical_abuse"],
     "Synthetic demo case: a young woman recruited online for 'modelling' and moved between "
     "hotels."),
    ("sex_and_labor", "restaurants", ["debt_bondage", "threats", "sexual_abuse"],
     "Synthetic demo case: restaurant workers housed above the kitchen; one was pressured into "
     "commercial sex to pay a debt."),
    ("unknown", "unknown", [],
     "Synthetic demo case: a community member saw people dropped off at a house at night; not "
     "enough yet to say what is happening."),
]  # fmt: skip
PARTIES = [
    [{"role": "potential_victim", "count": 6, "age_band": "21--23", "gender": "man",
      "citizenship": "foreign_national", "nationality": "MX"},
     {"role": "suspected_trafficker", "count": 1, "age_band": "39--47", "gender": "man"}],
    [{"role": "potential_victim", "count": 3, "age_band": "27--29", "gender": "woman",
      "citizenship": "foreign_national", "nationality": "CN"}],
    [{"role": "potential_victim", "count": 1, "age_band": "30--38", "gender": "woman",
      "citizenship": "foreign_national", "nationality": "PH"}],
    [{"role": "potential_victim", "count": 1, "age_band": "9--17", "gender": "woman",
      "citizenship": "us_citizen"},
     {"role": "suspected_trafficker", "count": 2, "age_band": "24--26", "gender": "man",
      "citizenship": "us_citizen"}],
    [{"role": "potential_victim", "count": 4, "age_band": "18--20",
      "citizenship": "unknown"}],
    [],
]  # fmt: skip


def _user(name):
    return User.objects.filter(username=name).first()


def seed_cases(rng, count: int = 36) -> int:
    """Cases from tip contacts, at every stage: open, in review, reported, monitoring, closed;
    referrals with outcomes; and tip reports from draft to acknowledged."""
    advocate, analyst, supervisor = _user("advocate"), _user("analyst"), _user("supervisor")
    if not (advocate and analyst and supervisor):
        return 0
    contacts = list(
        # the advocate's own contacts: the rules let an advocate open what they handled
        Contact.objects.filter(call_types__call_type="tip", state__gt="", handled_by=advocate)
        .exclude(summary="")
        .order_by("received_at")[: count * 2]
    )
    services = list(Service.objects.filter(status="active").order_by("pk")[:200])
    made = 0
    for number, contact in enumerate(contacts[:count]):
        ttype, venue, methods, summary = SITUATIONS[number % len(SITUATIONS)]
        case = cases.do_open_case(contact, actor=advocate)
        case = cases.do_edit_case(
            case,
            {"trafficking_type": ttype, "venue": venue, "control_methods": methods,
             "summary": summary,
             "victims_served": (True, True, False, None)[number % 4],  # leaves rng's sequence
             "assigned_to": rng.choice([advocate, analyst, None]),
             "follow_up_on": timezone.localdate() + timedelta(days=rng.randint(-3, 20))
             if rng.random() < 0.4 else None},
            PARTIES[number % len(PARTIES)],
            actor=advocate,
        )  # fmt: skip
        if number % 5 == 0 and number + 1 < len(contacts):
            cases.do_link_contact(case, contacts[-1 - number], actor=advocate)
        cases.do_add_case_note(
            case, "Synthetic demo note: called back on the safe number; no new facts.",
            actor=advocate,
        )  # fmt: skip
        _move(case, number, advocate, analyst)
        if services:
            _refer(rng, contact, services, advocate)
        if number < 6:
            _report(case, number, advocate, analyst, supervisor)
        made += 1
    return made


def _move(case, number, advocate, analyst):
    path = [[], ["in_review"], ["in_review", "reported"], ["monitoring"],
            ["in_review", "reported", "closed"]][number % 5]  # fmt: skip
    for status in path:
        cases.do_change_case_status(case, status, actor=analyst, reason="Synthetic demo step.")


def _refer(rng, contact, services, advocate):
    referral = cases.do_give_referral(contact, rng.choice(services), actor=advocate)
    outcome = rng.choice(["given", "contacted", "accepted", "accepted", "declined", "unreachable"])
    if outcome != "given":
        note = "Synthetic demo: the caller told us on a check-in call."
        cases.do_update_referral(referral, outcome, actor=advocate, note=note)
    if outcome in ("given", "contacted") and rng.random() < 0.5:
        Referral.objects.filter(pk=referral.pk).update(follow_up_on=timezone.localdate())


def _report(case, number, advocate, analyst, supervisor):
    """Six reports, one at each stage of the workflow."""
    report = reports.do_draft_report(
        case,
        {"agency_name": "Synthetic County Anti-Trafficking Task Force", "urgency": "urgent",
         "facts": "Synthetic demo report: what the caller saw, where and when.",
         "location_detail": "Synthetic: 100 Example Road (not a real address).",
         "personal_details": "Synthetic Demo Caller, reachable at +1 202 555 0100 after 6 pm.",
         "consent_basis": "consent", "consent_given_by": "the caller",
         "consent_given_at": timezone.now() - timedelta(days=1),
         "consent_scope": "facts_only" if number % 2 else "facts_and_identity"},
        actor=advocate,
    )  # fmt: skip
    if number == 0:
        return
    reports.do_submit_report(report, actor=advocate)
    if number == 1:
        return
    reports.do_review_report(report, actor=analyst, approve=True, comment="Synthetic: clear.")
    if number == 2:
        return
    reports.do_approve_report(report, actor=supervisor, approve=True)
    if number == 3:
        return
    reports.do_record_phone_notification(
        report, actor=analyst, agency_name="Synthetic County Anti-Trafficking Task Force",
        person="Synthetic Sgt. Example", badge_or_id="DEMO-0000",
    )  # fmt: skip
    if number == 5:
        reports.do_record_acknowledgement(report, actor=analyst, note="Synthetic: by phone.")
