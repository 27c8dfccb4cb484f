"""The self-assessment's criteria, as data: what a community asks before it gives out a local
hotline's number instead of the National Hotline's (the first six, from the outreach guidance in
the project's seed documents), and what a good hotline also shows (languages, privacy, referral
protocols, data, evaluation).

Each criterion says what evidence answers it; ``evidence`` names the function of
``assessment.queries`` that fills in what Lantern itself knows ("" when Lantern holds nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    key: str
    question: str  # lazy
    evidence_needed: str  # lazy: what answers it, for the administrator
    evidence: str  # a function of assessment.queries.EVIDENCE, or ""


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "staffed_24_7",
        _("Is the hotline staffed 24 hours a day, 7 days a week?"),
        _("The hours each queue answers, and who answers outside them (an answering service, "
          "the National Hotline)."),
        "cover",
    ),
    Criterion(
        "interpretation",
        _("Is tele-interpretation available?"),
        _("An interpreter service on the phone line, the languages it covers, and how often "
          "advocates used it."),
        "interpretation",
    ),
    Criterion(
        "languages",
        _("Can people reach the hotline in their own language, on every channel?"),
        _("The languages of the public pages and the phone menu, advocates who speak other "
          "languages, and the languages contacts came in."),
        "languages",
    ),
    Criterion(
        "trained_staff",
        _("Are hotline staff trained professionals, or volunteers working with law enforcement "
          "and social service agencies?"),
        _("Who answers (staff by role), their training, and the agencies they work with."),
        "staff",
    ),
    Criterion(
        "trafficking_questions",
        _("Are hotline staff familiar with human trafficking and its indicators, and trained to "
          "ask questions specific to trafficking?"),
        _("Response protocols, the indicators recorded on cases, and training on trafficking."),
        "indicators",
    ),
    Criterion(
        "responding_agency",
        _("Is there a social service agency that can respond to victims in a trauma-informed "
          "manner, with a referral network for a trafficked person's needs?"),
        _("The referral directory: its size, services trained to work with survivors, how much "
          "of it was verified in the last year, and referrals given."),
        "referral_network",
    ),
    Criterion(
        "other_crises",
        _("If someone in a crisis not related to trafficking calls, can staff make appropriate "
          "referrals?"),
        _("Crisis lines, shelters and mental health services in the directory, and referrals "
          "given to people at risk or with unrelated needs."),
        "other_crises",
    ),
    Criterion(
        "privacy",
        _("Is what callers say kept confidential?"),
        _("Encryption of personal details, second factors for staff, the retention schedule, and "
          "how published statistics are protected."),
        "privacy",
    ),
    Criterion(
        "referral_protocols",
        _("Are there agreed protocols for passing tips to law enforcement and service agencies, "
          "with the caller's consent?"),
        _("Response protocols by area, the review and approval of tip reports, and reports "
          "delivered."),
        "protocols",
    ),
    Criterion(
        "data",
        _("Does the hotline keep data on its work and report it?"),
        _("Answer rate and average speed of answer, and published statistics."),
        "data",
    ),
    Criterion(
        "evaluation",
        _("Does the hotline evaluate its work (quality review of contacts, feedback from callers "
          "and partners)?"),
        _("Quality reviews, caller and partner feedback, and what changed because of them."),
        "",
    ),
)  # fmt: skip

BY_KEY = {c.key: c for c in CRITERIA}
