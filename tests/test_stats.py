"""Statistics end to end on a small synthetic year: pre-defined tables only, suppression that
survives the audit, no personal field or free text in any output, the privacy budget ledger,
approval before anything is public, the command, snapshots and the operational dashboard."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.core import datafiles
from lantern.stats import actions, publishing, queries, tables
from lantern.stats.actions import StatsError
from lantern.stats.models import BudgetSpend, Release, Snapshot
from tests.conftest import contact_data

YEAR = timezone.localdate().year
SECRET_NAME = "Synthetic Caller Quizzical"
SECRET_TEXT = "Synthetic secret summary: the blue door on Example Lane"


@pytest.fixture
def year_of_contacts(personas):
    """Texas is busy; Vermont has two contacts (small enough to be suppressed)."""
    from lantern.contacts.actions import do_create_contact

    when = timezone.make_aware(datetime(YEAR, 3, 10, 12, 0))
    made = []
    for n in range(30):
        made.append(do_create_contact(contact_data(
            channel=["phone", "sms", "chat"][n % 3], received_at=when + timedelta(hours=n),
            location={"state": "TX", "city": "Houston"},
            caller={"name": SECRET_NAME, "phone": "+1 713 555 0199"}, summary=SECRET_TEXT,
        ), actor=personas["advocate"]))  # fmt: skip
    for n in range(12):
        made.append(do_create_contact(contact_data(
            channel=["phone", "email"][n % 2], received_at=when + timedelta(days=1, hours=n),
            location={"state": "CA", "city": "Los Angeles"},
        ), actor=personas["advocate"]))  # fmt: skip
    for n in range(2):
        made.append(do_create_contact(contact_data(
            channel="phone", received_at=when + timedelta(days=2, hours=n),
            location={"state": "VT", "city": "Burlington"},
        ), actor=personas["advocate"]))  # fmt: skip
    return made


def table(release, key):
    return next(t for t in release.tables if t["key"] == key)


def row(t, state):
    return next(r for r in t["rows"] if r["value"] == state)


def test_a_release_suppresses_small_states_and_passes_the_audit(year_of_contacts, personas):
    release = actions.do_prepare_release(YEAR, actor=personas["supervisor"])
    channel = table(release, "contacts_by_channel")
    vt = row(channel, "VT")
    assert vt["total"] is None and all(v in (None, 0) for v in vt["cells"])
    tx = row(channel, "TX")
    truth = {"chat": 10, "email": 0, "phone": 10, "sms": 10}
    assert tx["total"] == 30
    for column, value in zip(channel["columns"], tx["cells"], strict=True):
        assert value is None or value == truth[column["value"]]
    assert channel["totals"]["total"] == 44  # the nation's total stands
    assert release.status == "draft" and len(release.digest) == 64
    # the audit report: every suppressed cell's interval is at least the threshold wide
    for report in release.audit.values():
        if report.get("suppressed"):
            assert report["narrowest"] == "unbounded" or report["narrowest"] >= release.threshold
    # the same suppressed VT total in every table counting contacts by state
    for key in ("contacts_by_call_type", "contacts_by_caller_type", "contacts_by_substantive"):
        assert row(table(release, key), "VT")["total"] is None


def test_no_personal_field_or_free_text_reaches_any_output(year_of_contacts, personas, tmp_path):
    release = actions.do_prepare_release(YEAR, actor=personas["supervisor"])
    files = publishing.write(release, tmp_path)
    text = "\n".join(p.read_text(encoding="utf-8") for p in files if p.suffix != ".pdf")
    pdf = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    for secret in (SECRET_NAME, "555 0199", "5550199", "blue door", "Houston", "Burlington"):
        assert secret not in text and secret not in pdf
    # every column value is a category the choices define
    from lantern.stats import labels

    for t in release.tables:
        known = labels.known_columns(t["column"])
        for column in t["columns"]:
            assert known is None or column["value"] in known, (t["key"], column["value"])


def test_a_service_type_an_import_made_up_never_becomes_a_column(personas, make_contact):
    from lantern.directory.models import TaxonomyTerm
    from tests.test_directory_console import make_service

    service = make_service(personas["directory"])
    service.taxonomy_terms.add(TaxonomyTerm.objects.create(
        code="Synthetic free text from an import", name="x", description="x"
    ))  # fmt: skip
    case_actions.do_give_referral(make_contact(), service, actor=personas["advocate"])
    release = actions.do_prepare_release(YEAR, actor=personas["supervisor"],
                                         keys=["referrals_by_service_type"])  # fmt: skip
    values = [c["value"] for c in table(release, "referrals_by_service_type")["columns"]]
    assert "synthetic free text from an import" not in values


def test_only_pre_defined_tables_and_refusals_change_nothing(personas):
    with pytest.raises(StatsError, match="not a pre-defined table"):
        actions.do_prepare_release(YEAR, actor=personas["supervisor"], keys=["victims_by_name"])
    with pytest.raises(StatsError, match="not a year"):
        actions.do_prepare_release(YEAR + 1, actor=personas["supervisor"])
    assert not Release.objects.exists()
    assert AuditEvent.objects.filter(action="refused", object_type="stats.release").count() == 2


@pytest.fixture
def small_budget(tmp_path, monkeypatch):
    path = tmp_path / "stats.yaml"
    path.write_text("threshold: 3\ndp: {budget_per_year: 0.25, epsilon_per_table: 0.1}\n")
    monkeypatch.setenv("LANTERN_STATS_FILE", str(path))
    datafiles.clear()
    yield
    datafiles.clear()


def test_the_budget_ledger_refuses_an_overspend_and_never_noises_twice(
    year_of_contacts, personas, small_budget
):
    sup = personas["supervisor"]
    first = actions.do_prepare_release(YEAR, actor=sup, mode="dp",
                                       keys=["contacts_by_channel", "cases_by_type"])  # fmt: skip
    assert first.epsilon == pytest.approx(0.2)
    assert BudgetSpend.objects.filter(year=YEAR).count() == 2
    # releasing the same tables again reuses their noise and spends nothing
    again = actions.do_prepare_release(YEAR, actor=sup, mode="dp",
                                       keys=["contacts_by_channel", "cases_by_type"])  # fmt: skip
    assert again.epsilon == 0 and again.tables == first.tables
    # one more table fits (0.3 > 0.25? no: 0.2 + 0.1 = 0.3 > 0.25): refused, nothing changed
    with pytest.raises(StatsError, match="privacy budget"):
        actions.do_prepare_release(YEAR, actor=sup, mode="dp", keys=["victims_by_age"])
    assert BudgetSpend.objects.filter(year=YEAR).count() == 2
    assert Release.objects.count() == 2
    # noisy counts are never negative, and small noisy counts are not shown
    for t in first.tables:
        for r in t["rows"]:
            assert all(v is None or v >= 3 or v == 0 for v in r["cells"])


def test_nothing_is_public_until_a_supervisor_approves(year_of_contacts, personas, login):
    release = actions.do_prepare_release(YEAR, actor=personas["analyst"])
    public = Client()
    assert b"No statistics have been published" in public.get("/statistics/").content
    assert public.get(f"/statistics/{YEAR}/contacts_by_channel.csv").status_code == 404
    assert (
        login("analyst").post(f"/console/stats/releases/{release.pk}/approve/").status_code == 403
    )
    login("supervisor").post(f"/console/stats/releases/{release.pk}/approve/")
    release.refresh_from_db()
    assert release.status == "published" and release.approved_by == personas["supervisor"]
    page = public.get("/statistics/").content.decode()
    assert f"Hotline statistics {YEAR}" in page and "<svg" in page
    csv_text = public.get(f"/statistics/{YEAR}/contacts_by_channel.csv").content.decode()
    assert csv_text.splitlines()[0] == "state,state_name,channel,channel_label,contacts,suppressed"
    assert "VT,Vermont,total,Total,,yes" in csv_text
    assert json.loads(public.get(f"/statistics/{YEAR}/release.json").content)["year"] == YEAR
    # a newer approved release replaces it
    newer = actions.do_prepare_release(YEAR, actor=personas["analyst"])
    actions.do_approve_release(newer, actor=personas["supervisor"])
    release.refresh_from_db()
    assert release.status == "withdrawn" and queries.published(YEAR) == newer


def test_publish_stats_writes_the_files_and_refuses_clearly(year_of_contacts, tmp_path):
    out = io.StringIO()
    call_command("publish_stats", "--year", str(YEAR), "--out", str(tmp_path), stdout=out)
    assert "approves it" in out.getvalue()
    assert (tmp_path / "contacts_by_channel.csv").exists() and (tmp_path / "report.pdf").exists()
    assert (tmp_path / "report.html").read_text().count("<svg") >= 10
    with pytest.raises(CommandError, match="not a pre-defined table"):
        call_command("publish_stats", "--year", str(YEAR), "--out", str(tmp_path),
                     "--table", "everything")  # fmt: skip


def test_snapshots_store_months_quarters_and_the_year(year_of_contacts, personas):
    made = actions.do_build_snapshots(YEAR, actor=personas["supervisor"])
    assert made == Snapshot.objects.count()
    year_row = Snapshot.objects.get(table="contacts_by_channel", period="year")
    march = Snapshot.objects.get(table="contacts_by_channel", period="month",
                                 period_start=f"{YEAR}-03-01")  # fmt: skip
    q1 = Snapshot.objects.get(table="contacts_by_channel", period="quarter",
                              period_start=f"{YEAR}-01-01")  # fmt: skip
    total = sum(n for _, _, n in year_row.rows)
    assert total == sum(n for _, _, n in march.rows) == sum(n for _, _, n in q1.rows) == 44


def test_the_operational_dashboard(year_of_contacts, login):
    client = login("supervisor")
    page = client.get(f"/console/stats/operations/?start={YEAR}-03-10&end={YEAR}-03-12")
    assert page.status_code == 200
    assert page.context["ops"].total == 44
    csv_text = client.get(
        f"/console/stats/operations/?start={YEAR}-03-10&end={YEAR}-03-12&format=csv"
    ).content.decode()
    assert csv_text.splitlines()[0].startswith("day,") and f"{YEAR}-03-10" in csv_text
    assert client.get("/console/stats/operations/?start=soon").status_code == 400
    assert login("advocate").get("/console/stats/operations/").status_code == 403


def test_staff_read_any_table_by_period_from_the_latest_snapshots(year_of_contacts, login,
                                                                    personas):  # fmt: skip
    from lantern.contacts.actions import do_create_contact

    actions.do_prepare_release(YEAR, actor=personas["supervisor"])
    stored = Snapshot.objects.filter(period="month").count()  # stored while preparing
    assert stored == 12 * len(tables.TABLES)
    out = io.StringIO()
    call_command("snapshot_stats", "--year", str(YEAR), stdout=out)
    assert f"Stored {17 * len(tables.TABLES)} snapshots of {YEAR}" in out.getvalue()
    with pytest.raises(CommandError, match="not a year"):
        call_command("snapshot_stats", "--year", "1999")

    client = login("supervisor")
    base = f"/console/stats/tables/?table=contacts_by_channel&year={YEAR}"
    page = client.get(base + "&period=month")
    lines = {label: total for label, _, total in page.context["table"].lines}
    assert len(lines) == 12 and lines[f"{YEAR}-03"] == 44 and lines[f"{YEAR}-01"] == 0
    assert client.get(base + "&period=quarter").context["table"].lines[0][2] == 44
    vermont = client.get(base + "&period=month&state=VT").context["table"]
    assert {label: total for label, _, total in vermont.lines}[f"{YEAR}-03"] == 2

    # a contact logged late shows once March is counted again, from the newest snapshot
    do_create_contact(contact_data(channel="sms", location={"state": "VT"},
                                   received_at=timezone.make_aware(datetime(YEAR, 3, 20, 9))),
                      actor=personas["advocate"])  # fmt: skip
    assert client.post("/console/stats/tables/snapshot/", {"year": YEAR}).status_code == 302
    vermont = client.get(base + "&period=month&state=VT").context["table"]
    march = next(line for line in vermont.lines if line[0] == f"{YEAR}-03")
    assert march[1] == {"phone": 2, "sms": 1} and march[2] == 3

    csv_lines = client.get(base + "&period=year&format=csv").content.decode().splitlines()
    assert csv_lines[0] == "period,state,column,column_label,contacts"
    assert f"{YEAR},US,total,Total,45" in csv_lines
    several = client.get(f"/console/stats/tables/?table=cases_by_control_method&year={YEAR}")
    assert "rows have no total" in several.content.decode()
    assert "<th>Total</th>" not in several.content.decode()
    national = client.get("/console/stats/tables/?table=contacts_by_language&state=VT")
    assert national.status_code == 400 and "whole country only" in national.content.decode()
    refused = client.get("/console/stats/tables/?table=everything&state=ZZ")
    assert refused.status_code == 400 and "not a pre-defined table" in refused.content.decode()
    assert login("advocate").get(base).status_code == 403
    assert login("advocate").post("/console/stats/tables/snapshot/",
                                  {"year": YEAR}).status_code == 403  # fmt: skip


def test_a_release_reads_in_the_readers_language_and_is_stored_in_the_hotlines(
    year_of_contacts, personas
):
    """The stored release (its digest, files, CSV) is in the hotline's language whoever
    prepares it; each reader sees its titles, labels and charts in their own (issue 19)."""
    from django.utils import translation
    from django.utils.translation import to_locale

    from lantern.core import languages
    from tests.i18n_text import english_left, texts

    with translation.override("es"):  # a supervisor whose console is in Spanish
        release = actions.do_prepare_release(YEAR, actor=personas["supervisor"])
    channel = table(release, "contacts_by_channel")
    assert channel["title"] == "Contacts by state and channel"
    assert row(channel, "TX")["label"] == "Texas" and channel["rows"][0]["label"] != "Tejas"
    actions.do_approve_release(release, actor=personas["supervisor"])
    spanish = Client().get("/statistics/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Contactos por estado y canal" in spanish
    left = {}
    for lang in languages.all_languages():
        if lang.code == languages.DEFAULT:
            continue
        page = Client().get(f"/statistics/?lang={lang.code}").content.decode()
        assert f'lang="{lang.code}"' in page
        untranslated = sorted(texts(page) & english_left(to_locale(lang.code)))
        if untranslated:
            left[lang.code] = untranslated
    assert not left, f"English left on the statistics page: {left}"
    # the published files stay in the hotline's language
    csv_text = Client().get(f"/statistics/{YEAR}/contacts_by_channel.csv",
                            HTTP_ACCEPT_LANGUAGE="es").content.decode()  # fmt: skip
    assert "TX,Texas,phone,Phone" in csv_text


def test_every_label_a_release_can_show_is_translated_in_every_language(db):  # T&TA topics
    """Not only the categories a test year happens to hold: every column value of every table,
    and the rows, in each of the hotline's languages (a published page shows them)."""
    from django.utils.translation import to_locale

    from lantern.core import languages
    from lantern.stats import labels, tables
    from tests.i18n_text import english_left

    left = {}
    for lang in languages.all_languages():
        if lang.code == languages.DEFAULT:
            continue
        english = english_left(to_locale(lang.code))
        shown = [labels.row(v, language=lang.code) for v in (labels.NATIONAL, "unknown", "TX")]
        for spec in tables.TABLES.values():
            for value in sorted(labels.known_columns(spec.column) or ()):
                shown.append(labels.column(spec.column, value, grouped=True, language=lang.code))
        missing = sorted(set(shown) & english)
        if missing:
            left[lang.code] = missing
    assert not left, f"untranslated labels: {left}"


def test_the_default_service_types_are_marked_for_translation():
    from lantern.directory import taxonomy
    from lantern.stats import labels

    types = next(t for t in taxonomy.definition() if t["code"] == taxonomy.SERVICE_TYPES)
    assert [t["name"] for t in types["terms"]] == list(labels.SERVICE_TYPE_NAMES)
