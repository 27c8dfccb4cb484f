"""The pre-defined tables: every statistic Lantern can publish, each one GROUP BY query.

A table counts one kind of unit (contacts, cases, potential victims, referrals, tip reports) by
a row (the state, or one national row) and a column (a category from a choice field: never
free text). Only tables listed here can be built or published; anything else is refused.

``partition`` tables put each unit in exactly one cell, so their totals hold as equations and
are published; in the others (a case can have several methods of control) a unit can count in
several columns and there are no totals. ``margin`` names the population a table's row totals
count: tables with the same margin are audited together (their totals are the same numbers).
``sensitivity`` is how much one case or contact can change the table (L1), for noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _

from lantern.stats import labels, sql

NATIONAL = "all"
UNKNOWN_STATE = "unknown"


# the units' names, for a chart's figures ("12 contacts")
UNITS = {
    "contacts": _("contacts"),
    "cases": _("cases"),
    "potential_victims": _("potential victims"),
    "referrals": _("referrals"),
    "tip_reports": _("tip reports"),
    "tta_requests": _("T&TA requests"),
}


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str  # lazy: in the reader's language
    unit: str  # the count column's name in the published files
    row: str  # "state" or "" (one national row)
    column: str
    query: Callable[[date, date, dict], list]
    partition: bool = True
    margin: str = ""
    sensitivity: int = 1

    @property
    def by_state(self) -> bool:
        return self.row == "state"


def _rows(qs, row_field: str | None, col_field: str, count) -> list[list]:
    fields = [f for f in (row_field, col_field) if f]
    out = []
    for item in qs.values(*fields).annotate(n=count).order_by():
        row = (item[row_field] or UNKNOWN_STATE) if row_field else NATIONAL
        col = item[col_field]
        col = "unknown" if col in (None, "") else str(col).lower()
        out.append([row, col, int(item["n"] or 0)])
    return _merge(out)


def _merge(rows: list[list]) -> list[list]:
    """Add up rows that became the same (row, column), e.g. blank and unknown states."""
    total: dict = {}
    for r, c, n in rows:
        total[(r, c)] = total.get((r, c), 0) + n
    return [[r, c, n] for (r, c), n in sorted(total.items())]


def _contacts(start, end):
    from lantern.contacts.models import Contact

    # contacts dismissed as spam are counted apart (operations dashboard), never in a table
    return Contact.objects.filter(received_at__gte=start, received_at__lt=end,
                                  spam_batch__isnull=True)  # fmt: skip


def _cases(start, end):
    from lantern.cases.models import Case

    return Case.objects.filter(created_at__gte=start, created_at__lt=end, merged_into__isnull=True)


def contacts_by(field: str, *, national: bool = False):
    def query(start, end, options):
        return _rows(_contacts(start, end), None if national else "state", field, Count("id"))

    return query


def contacts_by_first_call_type(start, end, options):
    from lantern.contacts.models import ContactCallType

    typed = ContactCallType.objects.filter(
        position=0,
        contact__received_at__gte=start,
        contact__received_at__lt=end,
        contact__spam_batch__isnull=True,
    )
    rows = _rows(typed, "contact__state", "call_type", Count("id"))
    untyped = _contacts(start, end).filter(call_types__isnull=True)
    for item in untyped.values("state").annotate(n=Count("id")).order_by():
        rows.append([item["state"] or UNKNOWN_STATE, "not_logged_yet", item["n"]])
    return _merge(rows)


def cases_by(field: str):
    def query(start, end, options):
        return _rows(_cases(start, end), "state", field, Count("id"))

    return query


def _by_json_list(model, column: str, time: str, where: str, start, end) -> list[list]:
    """A row counts once in every value its JSON list records: expanded and grouped in the
    database (json_each on SQLite, jsonb_array_elements_text on PostgreSQL). The arguments
    other than ``start`` and ``end`` are constants."""
    from django.db import connection

    expand = sql.EXPAND_JSON_LIST[connection.vendor].format(column=column)
    statement = sql.BY_JSON_LIST.format(
        table=model._meta.db_table, expand=expand, time=time, where=where
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [start, end])
        return [[NATIONAL, str(m).lower(), int(n)] for m, n in sorted(cursor.fetchall())]


def cases_by_control_method(start, end, options):
    from lantern.cases.models import Case

    return _by_json_list(
        Case, "control_methods", "created_at", "c.merged_into_id IS NULL", start, end
    )


def contacts_by_at_risk(start, end, options):
    """At-risk contacts by what puts the person at risk (spam never counts)."""
    from lantern.contacts.models import Contact

    return _by_json_list(Contact, "at_risk", "received_at", "c.spam_batch_id IS NULL", start, end)


def victims_by(field: str):
    """Potential victims (CaseParty counts) by a party attribute and the case's state. Each
    case counts at most ``max_victims_per_case`` (the options), which bounds its sensitivity."""

    def query(start, end, options):
        from lantern.cases.models import CaseParty

        cap = options.get("max_victims_per_case") or 10**6
        parties = CaseParty.objects.filter(
            role="potential_victim", case__created_at__gte=start, case__created_at__lt=end,
            case__merged_into__isnull=True,
        )  # fmt: skip
        return _rows(parties, "case__state", field, Coalesce(Sum(Least("count", cap)), 0))

    return query


def referrals_by_outcome(start, end, options):
    from lantern.cases.models import Referral

    given = Referral.objects.filter(given_at__gte=start, given_at__lt=end)
    return _rows(given, None, "status", Count("id"))


def referrals_by_service_type(start, end, options):
    """Only Lantern's own service types count: codes an import brought in are the directory's
    free text, and free text never enters a statistic."""
    from lantern.cases.models import Referral

    given = Referral.objects.filter(
        given_at__gte=start, given_at__lt=end,
        service__taxonomy_terms__code__in=labels.service_type_codes(),
    )  # fmt: skip
    return _rows(given, None, "service__taxonomy_terms__code", Count("id", distinct=True))


def tips_by_agency_type(start, end, options):
    """Tip reports that reached an agency, by the agency's kind in the directory."""
    from lantern.cases.models import TipReport

    sent = TipReport.objects.filter(
        approved_at__gte=start, approved_at__lt=end,
        status__in=("delivered", "acknowledged", "closed"),
    )  # fmt: skip
    rows = _rows(sent.filter(agency__isnull=False), None, "agency__organization__organization_type",
                 Count("id"))  # fmt: skip
    outside = sent.filter(agency__isnull=True).count()
    if outside:
        rows.append([NATIONAL, "not_in_directory", outside])
    return _merge(rows)


def tta_requests_by(field: str, *, national: bool = False):
    """T&TA requests received in the period, by a category of theirs (never the requester)."""

    def query(start, end, options):
        from lantern.assistance.queries import received_between

        return _rows(received_between(start, end), None if national else "state", field,
                     Count("id"))  # fmt: skip

    return query


TABLES: dict[str, TableSpec] = {
    spec.key: spec
    for spec in [
        TableSpec("contacts_by_channel", _("Contacts by state and channel"), "contacts", "state",
                  "channel", contacts_by("channel"), margin="contacts"),
        TableSpec("contacts_by_call_type", _("Contacts by state and type (first call type)"),
                  "contacts", "state", "call_type", contacts_by_first_call_type,
                  margin="contacts"),
        TableSpec("contacts_by_caller_type", _("Contacts by state and who called"), "contacts",
                  "state", "caller_type", contacts_by("caller_type"), margin="contacts"),
        TableSpec("contacts_by_substantive", _("Contacts by state: substantive or not"),
                  "contacts", "state", "substantive", contacts_by("substantive"),
                  margin="contacts"),
        TableSpec("contacts_by_language", _("Contacts by language (national)"), "contacts", "",
                  "language", contacts_by("language", national=True), margin="contacts_all"),
        TableSpec("contacts_by_at_risk", _(_("At-risk contacts by what puts the person at risk "
                    "(national; a contact can show several)")), "contacts", "", "at_risk",
                  contacts_by_at_risk, partition=False, sensitivity=6),
        TableSpec("cases_by_type", _("Cases by state and type of trafficking"), "cases", "state",
                  "trafficking_type", cases_by("trafficking_type"), margin="cases"),
        TableSpec("cases_by_venue", _("Cases by state and venue or industry"), "cases", "state",
                  "venue", cases_by("venue"), margin="cases"),
        TableSpec("cases_by_control_method", _(_("Cases by method of control (national; a case "
                    "can show several)")), "cases", "", "control_method", cases_by_control_method,
                  partition=False, sensitivity=18),
        TableSpec("victims_by_age", _("Potential victims by state and age"), "potential_victims",
                  "state", "age_band", victims_by("age_band"), margin="victims",
                  sensitivity=10),
        TableSpec("victims_by_minor", _("Potential victims by state: minor or adult"),
                  "potential_victims", "state", "minor", victims_by("minor"), margin="victims",
                  sensitivity=10),
        TableSpec("victims_by_gender", _("Potential victims by state and gender"),
                  "potential_victims", "state", "gender", victims_by("gender"),
                  margin="victims", sensitivity=10),
        TableSpec("victims_by_citizenship", _("Potential victims by state and citizenship"),
                  "potential_victims", "state", "citizenship", victims_by("citizenship"),
                  margin="victims", sensitivity=10),
        TableSpec("victims_by_support", _(_("Potential victims by state: survivors directly "
                    "supported by the hotline")), "potential_victims", "state",
                  "directly_supported", victims_by("case__victims_served"), margin="victims",
                  sensitivity=10),
        TableSpec("referrals_by_outcome", _("Referrals by outcome (national)"), "referrals", "",
                  "outcome", referrals_by_outcome, margin="referrals"),
        TableSpec("referrals_by_service_type", _(_("Referrals by type of service (national; a "
                    "service can be of several types)")), "referrals", "", "service_type",
                  referrals_by_service_type, partition=False, sensitivity=10),
        TableSpec("tips_by_agency_type", _("Tip reports sent, by kind of agency (national)"),
                  "tip_reports", "", "agency_type", tips_by_agency_type, margin="tips"),
        TableSpec("tta_by_organization_type", _("T&TA requests by state and kind of "
                  "organization"), "tta_requests", "state", "tta_organization_type",
                  tta_requests_by("organization_type"), margin="tta"),
        TableSpec("tta_by_topic", _("T&TA requests by topic (national)"), "tta_requests", "",
                  "tta_topic", tta_requests_by("topic__key", national=True), margin="tta_all"),
    ]
}  # fmt: skip


class UnknownTable(KeyError):
    """A table that is not pre-defined: Lantern builds and publishes only ``TABLES``."""


def spec(key: str) -> TableSpec:
    try:
        return TABLES[key]
    except KeyError:
        raise UnknownTable(
            f"{key!r} is not a pre-defined table; choose one of: {', '.join(TABLES)}"
        ) from None
