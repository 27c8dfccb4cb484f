"""Issue 16, item 14: the admin screens' bulk deletes and inline edits are audited, refused
agency-link opens are rate-limited in the audit, and agency recipients' names are encrypted."""

from __future__ import annotations

import importlib

import pytest
from django.core.cache import cache
from django.db import connection

from lantern.audit.models import AuditEvent
from lantern.cases.models import AgencyLink, AgencyLinkAccess
from lantern.cases.reports import actions
from lantern.cases.reports.actions import AgencyLinkRefused
from lantern.privacy.fields import reveal
from lantern.routing.models import BusinessCalendar, CalendarClosure
from tests.test_reports import approved, case, people  # noqa: F401 (fixtures)

RECIPIENT = "Detective Synthetic Quillon Marsh"


@pytest.fixture(autouse=True)
def _no_refusal_memory(db):
    cache.clear()


def _calendar(name: str) -> BusinessCalendar:
    return BusinessCalendar.objects.create(
        name=name, label=f"Synthetic {name}", time_zone="America/Chicago",
        hours={"mon": ["09:00-17:00"]}, holidays="US",
    )  # fmt: skip


def test_bulk_delete_in_the_admin_is_audited(login):
    calendars = [_calendar("bulk-one"), _calendar("bulk-two")]
    admin = login("admin")
    response = admin.post("/admin/routing/businesscalendar/", {
        "action": "delete_selected", "_selected_action": [c.pk for c in calendars], "post": "yes",
    })  # fmt: skip
    assert response.status_code == 302
    assert not BusinessCalendar.objects.filter(name__startswith="bulk-").exists()
    deleted = AuditEvent.objects.filter(action="delete", object_type="routing.businesscalendar")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(
        str(c.pk) for c in calendars
    )
    assert {e.actor_label for e in deleted} == {"admin"}


def test_inline_rows_added_changed_and_deleted_in_the_admin_are_audited(login):
    calendar = _calendar("inline")
    kept = CalendarClosure.objects.create(calendar=calendar, date="2031-12-24", name="Eve")
    gone = CalendarClosure.objects.create(calendar=calendar, date="2031-12-31", name="Year end")
    prefix = "closures"
    data = {
        "name": "inline", "label": "Synthetic inline", "time_zone": "America/Chicago",
        "hours": '{"mon": ["09:00-17:00"]}', "holidays": "US",
        f"{prefix}-TOTAL_FORMS": "3", f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": kept.pk, f"{prefix}-0-calendar": calendar.pk,
        f"{prefix}-0-date": "2031-12-24", f"{prefix}-0-name": "Christmas Eve",
        f"{prefix}-1-id": gone.pk, f"{prefix}-1-calendar": calendar.pk,
        f"{prefix}-1-date": "2031-12-31", f"{prefix}-1-name": "Year end",
        f"{prefix}-1-DELETE": "on",
        f"{prefix}-2-calendar": calendar.pk, f"{prefix}-2-date": "2031-07-04",
        f"{prefix}-2-name": "Fourth",
    }  # fmt: skip
    response = login("admin").post(f"/admin/routing/businesscalendar/{calendar.pk}/change/", data)
    assert response.status_code == 302, response.content[:3000]
    rows = AuditEvent.objects.filter(object_type="routing.calendarclosure")
    assert set(rows.values_list("action", "object_id")) >= {
        ("update", str(kept.pk)), ("delete", str(gone.pk)),
        ("create", str(CalendarClosure.objects.get(date="2031-07-04").pk)),
    }  # fmt: skip
    assert rows.get(action="update").changes == {"name": "Christmas Eve"}


@pytest.fixture
def link(people, case):  # noqa: F811
    report = approved(people, case)
    return actions.do_issue_agency_link(
        report, actor=people["supervisor"], recipient_name=RECIPIENT,
        recipient_contact="q.marsh@example.org",
    )  # fmt: skip


def test_refused_opens_are_rate_limited_in_the_audit(link):
    agency_link, token = link
    actions.open_agency_link(token, None)  # claimed by the recipient's browser
    for _ in range(50):  # someone the link was forwarded to, again and again
        with pytest.raises(AgencyLinkRefused):
            actions.open_agency_link(token, None)
    refusals = AuditEvent.objects.filter(action="refused", object_id=str(agency_link.pk))
    assert refusals.count() == 1
    assert AgencyLinkAccess.objects.filter(link=agency_link, outcome="reused").count() == 1
    # once the window has passed, the next row says how many it stands for
    cache.delete(f"agency-refused:{agency_link.pk}:reused")
    with pytest.raises(AgencyLinkRefused):
        actions.open_agency_link(token, None)
    assert refusals.count() == 2
    assert refusals.order_by("id").last().changes["also_refused_since_last_row"] == 49


def test_the_recipients_name_is_encrypted_and_out_of_the_audit(link, login):
    agency_link, token = link
    actions.open_agency_link(token, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_name FROM cases_agencylink")
        (stored,) = cursor.fetchone()
    assert "Quillon" not in stored and stored.startswith("v1:")
    assert AgencyLink.objects.get().recipient == RECIPIENT
    labels = " ".join(AuditEvent.objects.values_list("actor_label", flat=True))
    assert "Quillon" not in labels and "agency link" in labels
    page = login("supervisor").get(f"/console/reports/{agency_link.report_id}/")
    assert RECIPIENT.encode() in page.content


def test_the_migration_moves_existing_names_out_of_the_clear(link):
    agency_link, _ = link
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_agencylink SET recipient_name = %s", [RECIPIENT])
    migration = importlib.import_module("lantern.cases.migrations.0008_encrypted_recipient_name")
    from django.apps import apps

    migration.encrypt_names(apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_name FROM cases_agencylink")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and "Quillon" not in stored
    assert reveal(AgencyLink.objects.get(pk=agency_link.pk).recipient_name) == RECIPIENT
    migration.encrypt_names(apps, None)  # twice changes nothing
    assert AgencyLink.objects.get(pk=agency_link.pk).recipient == RECIPIENT
