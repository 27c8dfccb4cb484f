"""T&TA requests in the operations dashboard and the statistics tables (issue 23 part 1):
counts only, by topic and by kind of organization, never a requester's details."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from lantern.assistance import actions
from lantern.stats import labels, tables
from tests.test_assistance import make


def _period():
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    return (datetime.combine(today - timedelta(days=1), time(), zone),
            datetime.combine(today + timedelta(days=1), time(), zone))  # fmt: skip


def test_tables_count_requests_by_topic_and_kind_of_organization(db):
    make()
    make(topic="data", state="", organization_type="researcher_student")
    make(topic="data", organization_type="educator")
    start, end = _period()
    by_topic = tables.spec("tta_by_topic").query(start, end, {})
    assert by_topic == [["all", "data", 2], ["all", "labor_trafficking", 1]]
    by_kind = tables.spec("tta_by_organization_type").query(start, end, {})
    assert by_kind == [["TX", "educator", 1], ["TX", "service_provider", 1],
                       ["unknown", "researcher_student", 1]]  # fmt: skip
    assert labels.column("tta_topic", "data") == "Data and statistics"
    assert labels.column("tta_topic", "data", language="es") == "Datos y estadísticas"
    assert labels.column("tta_organization_type", "educator") == "Educator or school"
    assert "data" in labels.known_columns("tta_topic")


def test_the_dashboard_shows_open_overdue_and_delivered(personas, login):
    supervisor = personas["supervisor"]
    late = make()
    type(late).objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    done = make(requester_name="Quinn Hidden Name")
    actions.do_add_assistance_deliverable(done, {"kind": "materials", "hours": "2"},
                                          actor=supervisor)  # fmt: skip
    actions.do_move_assistance_request(done, "delivered", actor=supervisor)
    page = login("supervisor").get("/console/stats/operations/")
    assert page.status_code == 200
    ops = page.context["ops"].assistance
    assert (ops["open"], ops["overdue"], ops["delivered_this_month"]) == (1, 1, 1)
    html = page.content.decode()
    assert 'id="ops-tta-overdue">1<' in html and "Quinn" not in html
