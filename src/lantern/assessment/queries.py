"""The self-assessment's reads: the answers given so far, and the evidence Lantern holds for each
criterion. Evidence is counts and settings only, never a person: it is printed and shown to
funders and partners."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.assessment.choices import AnswerChoices
from lantern.assessment.criteria import CRITERIA, Criterion
from lantern.assessment.models import Answer

WINDOW_DAYS = 90  # "recently": the evidence that counts activity looks this far back
OTHER_CRISIS_TYPES = ("crisis-line", "emergency-shelter", "mental-health", "victim-advocacy")


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class Row:
    criterion: Criterion
    answer: str = ""
    answer_label: str = ""
    note: str = ""
    answered_by: str = ""
    answered_at: datetime | None = None
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Report:
    rows: list[Row]
    since: date
    today: date

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.answer)

    def count(self, answer: str) -> int:
        return sum(1 for r in self.rows if r.answer == answer)


def _n(value) -> str:
    return number_format(value, force_grouping=True)


def _share(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return _("%(percent)s%% (%(part)s of %(whole)s)") % {
        "percent": round(100 * part / whole), "part": _n(part), "whole": _n(whole),
    }  # fmt: skip


def _weekly_hours(hours: dict) -> float:
    total = 0.0
    for ranges in hours.values():
        for text in ranges or ():
            start, _sep, end = str(text).partition("-")
            sh, sm = (int(x) for x in start.split(":"))
            eh, em = (int(x) for x in end.split(":"))
            total += (eh * 60 + em - sh * 60 - sm) / 60
    return total


def cover(since: datetime, now: datetime) -> list[Fact]:
    from lantern.routing.models import Queue

    facts = []
    for queue in Queue.objects.select_related("calendar").order_by("name"):
        if queue.calendar is None:
            value = _("24 hours a day, 7 days a week")
        else:
            value = _("%(hours)s hours a week (%(calendar)s)") % {
                "hours": number_format(_weekly_hours(queue.calendar.hours), 0),
                "calendar": queue.calendar.label,
            }
        facts.append(Fact(_("Queue “%(queue)s”") % {"queue": queue.label}, value))
    if not facts:
        facts.append(Fact(_("Queues"), _("none set up")))
    return facts


def interpretation(since: datetime, now: datetime) -> list[Fact]:
    from lantern.contacts.models import Contact
    from lantern.routing import call_queries, interpreters

    try:
        lines = interpreters.lines()
    except interpreters.InterpreterLinesError:
        configured = _("the interpreter lines file cannot be read")
    else:
        codes = sorted(k for k in lines if k != "*")
        if not lines:
            configured = _(
                "none set up (an administrator lists them in the interpreter "
                "lines file, LANTERN_INTERPRETER_LINES)"
            )
        elif "*" in lines:
            configured = _("any language (one line for all)") + (
                f"; {', '.join(codes)}" if codes else ""
            )
        else:
            configured = ", ".join(codes)
    contacts = Contact.objects.filter(received_at__gte=since, received_at__lt=now)
    used = call_queries.interpreter_use(since, now)
    return [
        Fact(_("Interpreter lines on the phone"), configured),
        Fact(_("Contacts with an interpreter, last %(days)s days") % {"days": WINDOW_DAYS},
             _share(contacts.filter(interpreter_used=True).count(), contacts.count())),
        Fact(_("Interpreter minutes on calls, last %(days)s days") % {"days": WINDOW_DAYS},
             _n(sum(row["minutes"] for row in used))),
    ]  # fmt: skip


def languages(since: datetime, now: datetime) -> list[Fact]:
    from lantern.contacts.models import Contact
    from lantern.core.language import language_name
    from lantern.core.languages import all_languages
    from lantern.routing.models import AdvocateStatus

    spoken: dict[str, int] = {}
    for skills in AdvocateStatus.objects.filter(user__is_active=True).values_list(
        "skills", flat=True
    ):
        for skill in skills or ():
            if isinstance(skill, str) and skill.startswith("lang:"):
                spoken[skill[5:]] = spoken.get(skill[5:], 0) + 1
    top = (
        Contact.objects.filter(received_at__gte=since, received_at__lt=now)
        .values("language")
        .annotate(n=Count("id"))
        .order_by("-n", "language")[:6]
    )
    return [
        Fact(_("Public pages and phone menu"),
             ", ".join(lang.english for lang in all_languages())),
        Fact(_("Advocates by language they speak"),
             ", ".join(f"{language_name(code)} {n}" for code, n in sorted(spoken.items()))
             or _("no language skills recorded")),
        Fact(_("Languages contacts came in, last %(days)s days") % {"days": WINDOW_DAYS},
             ", ".join(f"{language_name(r['language'])} {_n(r['n'])}" for r in top) or "—"),
    ]  # fmt: skip


def staff(since: datetime, now: datetime) -> list[Fact]:
    from lantern.accounts.choices import UserRoleChoices
    from lantern.accounts.models import User

    roles = dict(UserRoleChoices.choices)
    counts = (
        User.objects.filter(is_active=True).values("role").annotate(n=Count("id")).order_by("role")
    )
    return [
        Fact(_("Active staff accounts"),
             ", ".join(f"{roles.get(r['role'], r['role'])} {r['n']}" for r in counts) or "—"),
    ]  # fmt: skip


def indicators(since: datetime, now: datetime) -> list[Fact]:
    from lantern.cases.models import Case
    from lantern.protocols.models import Protocol

    cases = Case.objects.filter(created_at__gte=since, created_at__lt=now, merged_into__isnull=True)
    with_methods = cases.exclude(control_methods=[]).count()
    return [
        Fact(_("Active response protocols"), _n(Protocol.objects.filter(active=True).count())),
        Fact(_("Cases with methods of control recorded, last %(days)s days")
             % {"days": WINDOW_DAYS}, _share(with_methods, cases.count())),
    ]  # fmt: skip


def referral_network(since: datetime, now: datetime) -> list[Fact]:
    from lantern.cases.models import Referral
    from lantern.directory.models import Organization, Service

    active = Service.objects.filter(status="active")
    total = active.count()
    year_ago = timezone.localdate() - timedelta(days=365)
    return [
        Fact(_("Active services in the directory"),
             _("%(services)s, from %(organizations)s organizations") % {
                 "services": _n(total),
                 "organizations": _n(Organization.objects.filter(services__in=active)
                                     .distinct().count()),
             }),
        Fact(_("Verified in the last 12 months"),
             _share(active.filter(assured_date__gte=year_ago).count(), total)),
        Fact(_("Staff trained to work with trafficking survivors"),
             _share(active.filter(trafficking_training=True).count(), total)),
        Fact(_("Referrals given, last %(days)s days") % {"days": WINDOW_DAYS},
             _n(Referral.objects.filter(given_at__gte=since, given_at__lt=now).count())),
    ]  # fmt: skip


def other_crises(since: datetime, now: datetime) -> list[Fact]:
    from lantern.cases.models import Referral
    from lantern.directory.models import Service, TaxonomyTerm

    names = dict(TaxonomyTerm.objects.filter(code__in=OTHER_CRISIS_TYPES)
                 .values_list("code", "name"))  # fmt: skip
    counts = dict(
        Service.objects.filter(status="active", taxonomy_terms__code__in=OTHER_CRISIS_TYPES)
        .values_list("taxonomy_terms__code")
        .annotate(n=Count("id", distinct=True))
    )
    given = Referral.objects.filter(
        given_at__gte=since, given_at__lt=now,
        contact__call_types__call_type__in=("at_risk", "unrelated"),
    ).distinct()  # fmt: skip
    facts = [
        Fact(
            _("Active services: %(type)s") % {"type": _(names.get(code, code))},
            _n(counts.get(code, 0)),
        )
        for code in OTHER_CRISIS_TYPES
    ]
    facts.append(Fact(
        _("Referrals given on at-risk or unrelated contacts, last %(days)s days")
        % {"days": WINDOW_DAYS}, _n(given.count()),
    ))  # fmt: skip
    return facts


def privacy(since: datetime, now: datetime) -> list[Fact]:
    from lantern.accounts.models import User
    from lantern.accounts.twofactor import has_second_factor
    from lantern.privacy import periods, retention
    from lantern.stats.config import current as stats_config

    active = list(User.objects.filter(is_active=True))
    keys = periods.status()
    return [
        Fact(_("Names, numbers, emails, summaries and messages"),
             _("encrypted in the database, each month under its own key")
             if keys["months"] else _("encrypted in the database")),
        Fact(_("Second factor required for staff"),
             _("yes") if settings.LANTERN_REQUIRE_2FA else _("no (LANTERN_REQUIRE_2FA=0)")),
        Fact(_("Staff with a second factor"),
             _share(sum(1 for u in active if has_second_factor(u)), len(active))),
        Fact(_("Retention schedule"),
             ngettext("%(n)s kind of record removed on schedule",
                      "%(n)s kinds of record removed on schedule",
                      len(retention.schedule())) % {"n": len(retention.schedule())}),
        Fact(_("Published statistics"),
             _("counts below %(threshold)s suppressed and audited, or noisy counts "
               "(differential privacy)") % {"threshold": stats_config().threshold}),
    ]  # fmt: skip


def protocols(since: datetime, now: datetime) -> list[Fact]:
    from lantern.cases.models import TipReport
    from lantern.protocols.choices import ProtocolLevelChoices
    from lantern.protocols.models import Protocol

    levels = dict(ProtocolLevelChoices.choices)
    by_level = (
        Protocol.objects.filter(active=True).values("level").annotate(n=Count("id")).order_by()
    )
    reports = TipReport.objects.filter(approved_at__gte=since, approved_at__lt=now)
    return [
        Fact(_("Active protocols by level"),
             ", ".join(f"{levels.get(r['level'], r['level'])} {r['n']}" for r in by_level)
             or _("none")),
        Fact(_("Tip reports approved by a supervisor, last %(days)s days")
             % {"days": WINDOW_DAYS}, _n(reports.count())),
        Fact(_("Of those, delivered to an agency"),
             _n(reports.filter(Q(status__in=("delivered", "acknowledged", "closed"))).count())),
    ]  # fmt: skip


def data(since: datetime, now: datetime) -> list[Fact]:
    from lantern.stats import queries as stats

    today = timezone.localdate()
    ops = stats.operations(today - timedelta(days=29), today)
    years = stats.published_years()
    return [
        Fact(_("Answer rate, last 30 days"),
             f"{round(100 * ops.answer_rate)}%" if ops.answer_rate is not None else "—"),
        Fact(_("Average speed of answer, last 30 days"),
             _("%(s)s s") % {"s": round(ops.asa_seconds)} if ops.asa_seconds is not None
             else "—"),
        Fact(_("Contacts, last 30 days"), _n(ops.total)),
        Fact(_("Published statistics"), ", ".join(str(y) for y in years) or _("none yet")),
    ]  # fmt: skip


EVIDENCE = {
    "cover": cover,
    "interpretation": interpretation,
    "languages": languages,
    "staff": staff,
    "indicators": indicators,
    "referral_network": referral_network,
    "other_crises": other_crises,
    "privacy": privacy,
    "protocols": protocols,
    "data": data,
}


def report(now: datetime | None = None) -> Report:
    """Every criterion with its answer (if any) and the evidence Lantern holds now."""
    now = now or timezone.now()
    since = now - timedelta(days=WINDOW_DAYS)
    answers = {a.criterion: a for a in Answer.objects.select_related("answered_by")}
    labels = dict(AnswerChoices.choices)
    rows = []
    for criterion in CRITERIA:
        answer = answers.get(criterion.key)
        row = Row(criterion=criterion)
        if answer is not None:
            row.answer, row.note = answer.answer, answer.note
            row.answer_label = str(labels.get(answer.answer, "")) if answer.answer else ""
            row.answered_by, row.answered_at = answer.answered_by.username, answer.answered_at
        if criterion.evidence:
            row.facts = EVIDENCE[criterion.evidence](since, now)
        rows.append(row)
    return Report(rows=rows, since=timezone.localtime(since).date(), today=timezone.localdate())
