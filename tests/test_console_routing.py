"""The routing screens through Django's test client, and the planner's commands."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lantern.contacts import actions as contacts
from lantern.routing import actions as routing
from lantern.routing import engine, queries
from lantern.routing.models import AdvocateStatus, Queue, Task


def text(body, number="+15555550177"):
    message, _ = contacts.do_receive_message(
        channel="sms", hotline_address="+15555550100", participant=number, body=body
    )
    return message.conversation.contact


def test_the_board_is_for_supervisors(login):
    assert login("advocate").get("/console/routing/board/").status_code == 403
    assert login("directory").get("/console/routing/board/live/").status_code == 403
    text("he hit me")
    engine.tick()
    page = login("supervisor").get("/console/routing/board/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-queue="urgent"' in html and "waiting-task urgent" in html
    assert "+1555" not in html  # no personal data on the board
    assert 'data-routing-socket="/ws/console/routing/?board=1"' in html


def test_presence_offer_and_accept_through_the_bar(login, personas):
    advocate = login("advocate")
    assert advocate.post("/console/routing/presence/", {"presence": "available"}).status_code == 302
    contact = text("he hit me")
    engine.tick()
    bar = advocate.get("/console/routing/bar/").content.decode()
    assert "Urgent sms" in bar.replace("SMS", "sms") and "violence" in bar
    offer = queries.pending_offer_for(personas["advocate"])
    # another advocate cannot answer it: it looks missing
    assert login("advocate2").post(f"/console/routing/offers/{offer.pk}/accept/").status_code == 404
    response = advocate.post(f"/console/routing/offers/{offer.pk}/accept/")
    assert response.url == f"/console/contacts/{contact.pk}/conversation/"
    again = advocate.post(f"/console/routing/offers/{offer.pk}/accept/", follow=True)
    assert "already accepted" in again.content.decode()
    assert Task.objects.get().assigned_to == personas["advocate"]


def test_bad_presence_and_decline(login, personas):
    advocate = login("advocate")
    page = advocate.post("/console/routing/presence/", {"presence": "napping"}, follow=True)
    assert "not a presence" in page.content.decode()
    advocate.post("/console/routing/presence/", {"presence": "available"})
    text("he hit me")
    engine.tick()
    offer = queries.pending_offer_for(personas["advocate"])
    advocate.post(f"/console/routing/offers/{offer.pk}/decline/")
    offer.refresh_from_db()
    assert offer.state == "declined" and Task.objects.get().state == "waiting"


def test_surge_mode_from_the_board(login):
    general, urgent = Queue.objects.get(name="general"), Queue.objects.get(name="urgent")
    assert login("advocate").post(
        f"/console/routing/queues/{general.pk}/divert/", {"to": urgent.pk}
    ).status_code == 403  # fmt: skip
    login("supervisor").post(f"/console/routing/queues/{general.pk}/divert/", {"to": urgent.pk})
    general.refresh_from_db()
    assert general.diverted_to == urgent
    page = login("supervisor").post(
        f"/console/routing/queues/{urgent.pk}/divert/", {"to": general.pk}, follow=True
    )
    assert "end that diversion first" in page.content.decode()


def test_retriage_from_the_contact_page(login, personas):
    contact = text("Do you have training materials?")
    engine.tick()
    supervisor = login("supervisor")
    page = supervisor.post(
        f"/console/contacts/{contact.pk}/triage/", {"urgency": "crisis", "reason": ""}, follow=True
    )
    assert "Say why" in page.content.decode()
    supervisor.post(
        f"/console/contacts/{contact.pk}/triage/",
        {"urgency": "crisis", "reason": "called back, in danger now"},
    )
    task = Task.objects.get()
    assert task.urgency == "crisis" and task.reasons[-1]["by"] == "supervisor"
    detail = supervisor.get(f"/console/contacts/{contact.pk}/").content.decode()
    assert "called back, in danger now" in detail and "Crisis" in detail
    # the admin may open the contact but not its personal details: not the typed reason either
    assert (
        "called back" not in login("admin").get(f"/console/contacts/{contact.pk}/").content.decode()
    )


def test_the_staffing_heat_map(login, make_contact):
    for _ in range(3):
        make_contact(channel="phone")
    supervisor = login("supervisor")
    assert supervisor.get("/console/routing/staffing/").status_code == 200
    today = timezone.localdate()
    page = supervisor.get(
        "/console/routing/staffing/",
        {"start": today - timedelta(days=6), "end": today, "target": "80/20",
         "max_occupancy": 85},
    )  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200 and 'class="heatmap"' in html and "advocate-hours" in html
    bad = supervisor.get(
        "/console/routing/staffing/",
        {"start": today, "end": today, "target": "eighty", "max_occupancy": 85},
    )
    assert bad.status_code == 400 and "PERCENT/SECONDS" in bad.content.decode()
    assert login("advocate").get("/console/routing/staffing/").status_code == 403


def test_erlang_c_command_prints_the_reference_case():
    out = StringIO()
    call_command(
        "erlang_c", "--contacts", "100", "--period-minutes", "30", "--handle-seconds", "180",
        "--agents", "14", "--answer-within", "20", "--json", stdout=out,
    )  # fmt: skip
    figures = json.loads(out.getvalue())
    assert figures["p_wait"] == 0.1741 and figures["asa_seconds"] == 7.84
    assert round(figures["service_level"], 3) == 0.888
    out = StringIO()
    call_command(
        "erlang_c", "--contacts", "100", "--handle-seconds", "180", "--target", "80/20",
        stdout=out,
    )  # fmt: skip
    assert "Agents:                    14  (fewest for 80/20)" in out.getvalue()
    with pytest.raises(CommandError, match="PERCENT/SECONDS"):
        call_command("erlang_c", "--contacts", "1", "--handle-seconds", "1", "--target", "x")
    with pytest.raises(CommandError, match="above 0"):
        call_command("erlang_c", "--contacts", "1", "--handle-seconds", "0")


def test_staffing_command_plans_and_simulates(db, make_contact):
    for _ in range(5):
        make_contact(channel="phone")
    today = timezone.localdate()
    out = StringIO()
    call_command(
        "staffing", "--from", str(today - timedelta(days=6)), "--to", str(today),
        "--target", "80/20", "--simulate", "--json", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    assert len(result["agents"]["Mon"]) == 24
    assert sum(sum(day) for day in result["agents"].values()) >= 1
    assert set(result["simulation"]["Mon"]) >= {"crisis", "urgent", "non_urgent", "occupancy"}
    with pytest.raises(CommandError, match="before"):
        call_command("staffing", "--from", "2026-02-01", "--to", "2026-01-01")


def test_a_supervisor_may_set_an_advocates_presence_not_an_advocate(personas):
    status = routing.do_set_presence(
        personas["advocate"], "available", actor=personas["supervisor"]
    )
    assert status.presence == "available"
    assert AdvocateStatus.objects.get(user=personas["advocate"]).presence == "available"


INLINE = {"closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
          "closures-MIN_NUM_FORMS": "0", "closures-MAX_NUM_FORMS": "1000"}  # fmt: skip


def test_admins_edit_routing_and_bad_configuration_is_refused_with_a_reason(login):
    from lantern.audit.models import AuditEvent
    from lantern.routing.models import BusinessCalendar, RoutingWorkflow

    admin = login("admin")
    assert admin.get("/admin/routing/queue/").status_code == 200
    assert login("supervisor").get("/admin/routing/queue/").status_code in (302, 403)
    bad = admin.post(
        "/admin/routing/businesscalendar/add/",
        {"name": "mars", "label": "Mars", "time_zone": "Mars/Base",
         "hours": '{"mon": ["09:00-17:00"]}', "holidays": "US", **INLINE},
    )  # fmt: skip
    assert bad.status_code == 200 and "not a known time zone" in bad.content.decode()
    overlap = admin.post(
        "/admin/routing/businesscalendar/add/",
        {"name": "split", "label": "Split", "time_zone": "America/Chicago",
         "hours": '{"mon": ["09:00-13:00", "12:00-17:00"]}', "holidays": "US", **INLINE},
    )  # fmt: skip
    assert "overlap" in overlap.content.decode()
    no_way_out = admin.post(
        "/admin/routing/routingworkflow/add/",
        {"definition": '{"default": {"queue": "general"}}', "note": "", "active": "on"},
    )
    assert "closes outside its hours" in no_way_out.content.decode()
    assert not BusinessCalendar.objects.filter(name__in=["mars", "split"]).exists()
    assert RoutingWorkflow.objects.count() == 1
    good = admin.post(
        "/admin/routing/businesscalendar/add/",
        {"name": "chicago", "label": "Chicago office", "time_zone": "America/Chicago",
         "hours": '{"mon": ["09:00-13:00", "14:00-17:00"]}', "holidays": "US-IL", **INLINE},
    )  # fmt: skip
    assert good.status_code == 302
    assert AuditEvent.objects.filter(object_type="routing.businesscalendar", action="create")


def test_daily_figures_page_and_csv(login, personas):
    routing.do_set_presence(personas["advocate"], "available", actor=personas["advocate"])
    text("he hit me")
    engine.tick()
    advocate = personas["advocate"]
    routing.do_accept_offer(queries.pending_offer_for(advocate), actor=advocate)
    supervisor = login("supervisor")
    page = supervisor.get("/console/routing/metrics/").content.decode()
    assert "Urgent" in page and "SMS" in page
    csv_text = supervisor.get("/console/routing/metrics/", {"format": "csv"}).content.decode()
    header, row = csv_text.splitlines()[:2]
    assert header.split(",") == [
        "queue", "channel", "offered", "answered", "abandoned", "asa_seconds", "service_level",
        "aht_seconds",
    ]  # fmt: skip
    assert row.startswith("urgent,sms,1,1,0,")
    assert supervisor.get("/console/routing/metrics/", {"day": "yesterday"}).status_code == 400
    assert login("advocate").get("/console/routing/metrics/").status_code == 403


def test_the_board_and_the_dashboard_show_the_daily_review(login):
    message, _ = contacts.do_receive_message(
        channel="email", hotline_address="help@example.org", participant="a@example.org",
        body="Do you have training materials for our clinic?",
    )  # fmt: skip
    engine.tick()
    supervisor = login("supervisor")
    html = supervisor.get("/console/routing/board/").content.decode()
    general = html.split('data-queue="general"')[1].split("</tr>")[0]
    assert "Reviewed daily (email, webform): due when the next review session ends." in general
    assert "Daily review of emails and web tips" in general
    today = timezone.localdate()
    page = supervisor.get(f"/console/stats/operations/?start={today}&end={today}")
    rows = page.context["ops"].daily_review
    assert [(r["queue"].name, r["received"], r["overdue"]) for r in rows] == [("general", 1, 0)]
    assert "Daily review of emails and web tips" in page.content.decode()


def test_only_the_softphone_page_may_reach_twilio(login):
    """The Voice SDK's signalling socket, events and sounds are allowed on the softphone page
    alone; every other console page keeps the strict policy."""
    client = login("advocate")
    softphone = client.get("/console/softphone/")["Content-Security-Policy"]
    assert "wss://*.twilio.com" in softphone and "https://sdk.twilio.com" in softphone
    assert "script-src 'self'" in softphone  # the SDK itself is served from our static files
    home = client.get("/console/")["Content-Security-Policy"]
    assert "twilio" not in home
