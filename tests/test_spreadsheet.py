"""CSV files for people: no cell can run as a spreadsheet formula (issue 16, item 12)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from lantern.contacts import actions as contacts
from lantern.core import spreadsheet
from lantern.directory.actions import do_create_organization
from lantern.directory.exporting import export_directory
from lantern.directory.importing import import_directory
from lantern.directory.models import Organization
from lantern.routing import actions as routing
from lantern.routing import queries
from lantern.routing.engine import tick
from lantern.routing.models import Queue
from lantern.stats import publishing

FORMULA = '=HYPERLINK("http://example.org/x","click")'


def _dangerous(cell: str) -> bool:
    return cell[:1] in spreadsheet.TRIGGERS and not spreadsheet._NUMBER.fullmatch(cell)


@given(st.text())
def test_no_text_leaves_as_a_formula_and_every_text_comes_back(value):
    cell = spreadsheet.safe_cell(value)
    assert not _dangerous(cell)
    assert spreadsheet.restore(cell) == value or value[:1] == "'"


@given(st.lists(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False))))
def test_written_rows_read_back_safe(row):
    out = io.StringIO()
    spreadsheet.writer(out).writerow(row)
    (read,) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert not any(_dangerous(cell) for cell in read)


def test_numbers_and_plain_text_are_left_alone():
    for value in ("-3.5", "+15555550100", "12", "Safe Haven", "", 7, None):
        assert spreadsheet.safe_cell(value) == value
    for value in ("=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet.safe_cell(value) == "'" + value


def test_directory_csv_export_is_safe_and_imports_back_unchanged(db, tmp_path, personas):
    org = do_create_organization(
        {"name": FORMULA, "description": "-1+1 synthetic"}, actor=personas["directory"]
    )
    export_directory(tmp_path, "csv", progress=False)
    with (tmp_path / "organizations.csv").open(newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["id"] == str(org.pk))
    assert row["name"] == "'" + FORMULA
    assert row["description"] == "'-1+1 synthetic"
    Organization.objects.filter(pk=org.pk).update(name="changed")
    import_directory(tmp_path, progress=False)
    org.refresh_from_db()
    assert org.name == FORMULA
    assert org.description == "-1+1 synthetic"


def test_console_routing_csv_is_safe(login, personas):
    routing.do_set_presence(personas["advocate"], "available", actor=personas["advocate"])
    contacts.do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+15555550177",
        body="he hit me",
    )  # fmt: skip
    tick()
    Queue.objects.filter(name="urgent").update(name="=1+2")
    queries.forget_config()
    text = login("supervisor").get("/console/routing/metrics/", {"format": "csv"}).content
    rows = list(csv.reader(io.StringIO(text.decode())))
    assert rows[1][:2] == ["'=1+2", "sms"]


def test_statistics_csv_is_safe():
    table = {
        "row": "state", "column": "channel", "unit": "contacts", "partition": False,
        "columns": [{"value": "@x", "label": "=cmd|' /C calc'!A0"}],
        "rows": [{"value": "all", "label": "-all", "cells": [3], "total": 3}],
    }  # fmt: skip
    text = publishing.csv_for(table)
    assert "'=cmd" in text and "'@x" in text
    assert not any(_dangerous(c) for r in csv.reader(io.StringIO(text)) for c in r)
