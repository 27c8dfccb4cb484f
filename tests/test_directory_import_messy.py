"""Importing feeds as real directories publish them: HSDS 2.0 datapackages with reused ids, 2.0
column names, several organizations in one cell, times in date columns, weekday ranges as text.

Each defect below is one that refused a real city's ORServices-style feed whole before imports
became lenient. A lenient import (the default) takes the feed and reports what it did; --strict
still refuses it and writes nothing.
"""

from __future__ import annotations

import csv
import json
import shutil
import string
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.directory import schedules, taxonomy
from lantern.directory.importing import MODELS, ImportFailed, import_directory
from lantern.directory.models import (
    Address,
    Organization,
    Schedule,
    SearchEntry,
    Service,
    TaxonomyTerm,
)

FIXTURE20 = Path(__file__).parent / "fixtures" / "hsds20"

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {k: m.objects.count() for k, m in MODELS.items()}


def write_csv(path: Path, header: list[str], rows: list[list[str]]):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def messy(tmp_path) -> Path:
    """The 2.0 fixture with every defect the issue names, as a feed would carry them."""
    folder = tmp_path / "messy"
    shutil.copytree(FIXTURE20, folder)
    # several organizations in one cell, and an organization the feed does not contain
    services = (folder / "services.csv").read_text()
    services = services.replace("svc-3,org-2,", 'svc-3,"org-2, org-1",')
    services += "svc-4,org-404,,Synthetic Orphan Pantry,,Food.,,,active,,,,,,\n"
    services += "svc-5,org-2,,Synthetic Food Pantry,,Groceries for test families.,,,active,,,,,,\n"
    (folder / "services.csv").write_text(services)
    # 2.0's term column instead of 3.0's name
    write_csv(
        folder / "taxonomy.csv",
        ["id", "term", "parent_id", "parent_name", "vocabulary"],
        [["tx-1", "Emergency", "", "", "synthetic-211"],
         ["tx-2", "Shelter", "tx-1", "Emergency", "synthetic-211"]],
    )  # fmt: skip
    # a schedule id reused for several services, a weekday range as text, a time in a date column
    write_csv(
        folder / "schedules.csv",
        ["id", "service_id", "location_id", "service_at_location_id", "weekday", "opens_at",
         "closes_at", "valid_from", "description"],
        [["sc-1", "svc-2", "", "", "Monday - Thursday", "8:30AM", "5PM", "", ""],
         ["sc-1", "svc-5", "", "", "Friday", "09:00", "12:00", "8:30AM", ""],
         ["sc-1", "svc-2", "", "", "Monday - Thursday", "8:30AM", "5PM", "", ""]],
    )  # fmt: skip
    # an address id reused for two locations
    write_csv(
        folder / "physical_addresses.csv",
        ["id", "location_id", "attention", "address_1", "address_2", "city", "state_province",
         "postal_code", "country"],
        [["pa-1", "loc-1", "", "100 Example St", "Suite 5", "Houston", "TX", "77002", "US"],
         ["pa-1", "loc-2", "", "200 Sample Ave", "", "Houston", "TX", "77004", ""]],
    )  # fmt: skip
    # 2.0 holiday schedules: a closed day and special hours
    write_csv(
        folder / "holiday_schedules.csv",
        ["id", "service_id", "closed", "opens_at", "closes_at", "start_date", "end_date"],
        [["h-1", "svc-2", "true", "", "", "2026-12-25", "2026-12-25"],
         ["h-2", "svc-5", "false", "10:00", "14:00", "2026-12-24", "2026-12-24"]],
    )  # fmt: skip
    return folder


def actions_by_where(result) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for problem in result.problems:
        out.setdefault(problem.where, set()).add(problem.action)
    return out


def test_messy_feed_imports_and_reports_what_was_done(messy):
    result = import_directory(messy, progress=False)
    done = actions_by_where(result)
    # several organizations: the first the directory knows is taken
    assert done["services.csv row 4"] == {"first valid organization taken"}
    svc3 = Service.objects.get(pk=taxonomy.stable_id("service", "svc-3"))
    assert svc3.organization_id == taxonomy.stable_id("organization", "org-2")
    # an organization the feed does not contain: that service is skipped, nothing else
    assert done["services.csv row 5"] == {"row skipped"}
    assert not Service.objects.filter(name="Synthetic Orphan Pantry").exists()
    assert Service.objects.filter(name="Synthetic Food Pantry").exists()
    # 2.0 "term" read as "name"
    assert "column mapped" in done["taxonomy.csv"]
    assert TaxonomyTerm.objects.filter(name="Shelter").exists()
    # a reused schedule id: the second row (another service) is kept under a new id; the third
    # repeats the first exactly and is merged
    assert done["schedules.csv row 3"] >= {"kept with a new id"}
    assert done["schedules.csv row 4"] == {"merged with the identical row"}
    shelter = Service.objects.get(pk=taxonomy.stable_id("service", "svc-2"))
    pantry = Service.objects.get(name="Synthetic Food Pantry")
    weekly = Schedule.objects.filter(service=shelter, valid_from__isnull=True).get()
    assert weekly.byday == "MO,TU,WE,TH"
    assert (weekly.opens_at.hour, weekly.opens_at.minute) == (8, 30)
    friday = Schedule.objects.filter(service=pantry, byday="FR").get()
    assert friday.valid_from is None  # "8:30AM" was a time in a date column: left out
    assert any("is a time of day, not a date" in p.problem for p in result.problems)
    # a reused address id on two locations: both addresses kept
    assert done["physical_addresses.csv row 3"] == {"kept with a new id"}
    assert Address.objects.filter(address_1="200 Sample Ave").exists()
    assert Address.objects.filter(address_1="100 Example St").exists()
    # holidays: Christmas closed, Christmas Eve special hours, on those dates only
    closed = Schedule.objects.get(service=shelter, valid_from="2026-12-25")
    assert closed.description.startswith("Closed")
    assert schedules.compile_hours([closed]) == ""  # opens nothing, and is not "unknown"
    special = Schedule.objects.get(service=pantry, valid_from="2026-12-24")
    assert (special.opens_at.hour, special.closes_at.hour) == (10, 14)
    # every problem names its file (and row where there is one) and what was done
    for problem in result.problems:
        assert problem.action and problem.where
    assert SearchEntry.objects.filter(service=pantry).exists()


def test_messy_feed_reimport_changes_nothing_and_corrections_update_in_place(messy):
    import_directory(messy, progress=False)
    before = counts()
    again = import_directory(messy, progress=False)
    assert counts() == before
    assert sum(again.created.values()) == 0
    path = messy / "schedules.csv"
    path.write_text(path.read_text().replace("Friday,09:00,12:00", "Friday,09:00,13:00"))
    import_directory(messy, progress=False)
    assert counts() == before
    friday = Schedule.objects.get(service__name="Synthetic Food Pantry", byday="FR")
    assert friday.closes_at.hour == 13


def test_strict_refuses_the_messy_feed_and_writes_nothing(messy):
    before = counts()
    with pytest.raises(ImportFailed) as exc:
        import_directory(messy, strict=True, progress=False)
    text = str(exc.value)
    assert "schedules.csv row 3: duplicate schedule id 'sc-1'" in text
    assert "services.csv row 5: organization_id 'org-404' refers to no organization" in text
    assert counts() == before
    assert not Organization.objects.exists()


def test_command_writes_a_json_report(messy, tmp_path, capsys):
    report = tmp_path / "report.json"
    call_command("import_directory", str(messy), "--no-progress", "--report", str(report))
    out = capsys.readouterr().out
    assert "(row skipped)" in out and f"report: {report}" in out
    data = json.loads(report.read_text())
    assert data["mode"] == "lenient" and data["outcome"] == "imported"
    rows = {(p["file"], p["row"]): p for p in data["problems"]}
    assert rows[("services.csv", 5)]["action"] == "row skipped"
    assert "org-404" in rows[("services.csv", 5)]["problem"]
    assert data["actions"]["kept with a new id"] >= 2
    assert data["created"]["service"] == 4


# --- random rows never crash the importer -------------------------------------------------------

_cell = st.one_of(
    st.text(alphabet=string.printable + "éñ漢字\u200b", max_size=12),
    st.sampled_from(["", "org-1", "svc-1", "loc-1", "8:30AM", "Monday - Friday", "2026-02-30",
                     "true", "-1", "1e309", "org-1, org-2", "NaN", '"', "\r\n"]),
)  # fmt: skip
_COLUMNS = {
    "organizations.csv": ["id", "name", "description", "email", "url", "year_incorporated"],
    "services.csv": ["id", "organization_id", "name", "description", "status", "email"],
    "locations.csv": ["id", "organization_id", "name", "latitude", "longitude"],
    "schedules.csv": ["id", "service_id", "weekday", "opens_at", "closes_at", "valid_from"],
    "taxonomy.csv": ["id", "term", "parent_id", "vocabulary"],
    "physical_addresses.csv": ["id", "location_id", "address_1", "city", "state_province",
                               "postal_code", "country"],
}  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tables=st.fixed_dictionaries(
        {name: st.lists(st.lists(_cell, min_size=len(cols), max_size=len(cols)), max_size=4)
         for name, cols in _COLUMNS.items()}  # fmt: skip
    ),
    strict=st.booleans(),
)
def test_property_random_csv_rows_import_or_fail_cleanly(tmp_path_factory, tables, strict):
    folder = tmp_path_factory.mktemp("random")
    for name, rows in tables.items():
        write_csv(folder / name, _COLUMNS[name], rows)
    before = counts()
    try:
        result = import_directory(folder, strict=strict, progress=False)
    except ImportFailed as exc:
        assert exc.errors and all(": " in e for e in exc.errors)
        assert counts() == before  # a refused import writes nothing
        return
    for problem in result.problems:
        assert problem.where and problem.action
    # nothing half-written: every stored service has its organization
    assert not Service.objects.filter(organization__isnull=True).exists()


def test_a_record_whose_parent_was_skipped_keeps_no_reference_to_it(tmp_path):
    """Found by the property test: a term whose parent row was skipped (no name) pointed at a
    term that was never written, which the database refused at commit."""
    folder = tmp_path / "terms"
    folder.mkdir()
    write_csv(folder / "taxonomy.csv", ["id", "term", "parent_id", "vocabulary"],
              [["tx-1", "", "", "v"], ["tx-2", "Shelter", "tx-1", "v"]])  # fmt: skip
    result = import_directory(folder, progress=False)
    child = TaxonomyTerm.objects.get(name="Shelter")
    assert child.parent_id is None
    assert any("was not imported" in p.problem for p in result.problems)
    from django.db import connection

    connection.check_constraints()
