"""Calls that reach a person: conferences named for the contact, the advocate dialled on their
own phone (press 1) or in the browser, status callbacks on the contact's timeline, and what
goes wrong (Twilio failing, a phone not answering, the caller hanging up, callbacks repeated or
out of order). Twilio's REST API is the local fake; its callbacks come back signed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from lantern.audit.models import AuditEvent
from lantern.contacts.models import Contact
from lantern.routing import actions as routing
from lantern.routing import engine, interpreters, queries
from lantern.routing import queries as routing_queries
from lantern.routing.models import (
    AdvocateStatus,
    BusinessCalendar,
    Call,
    CallLeg,
    Offer,
    RoutingWorkflow,
    Task,
)
from tests.fakes.twilio_api import FakeTwilio

ACCOUNT = "AC" + "5" * 32
TOKEN = "synthetic-calls-test-token"
PUBLIC = "https://hotline.example.org"
HOTLINE = "+15555550100"
CALLER_SID = "CA" + "e" * 32
ADVOCATE_PHONE = "+15555550142"
CALL = {"AccountSid": ACCOUNT, "CallSid": CALLER_SID, "From": "+15555550123", "To": HOTLINE,
        "CallStatus": "ringing", "Direction": "inbound"}  # fmt: skip


@pytest.fixture
def twilio(settings, db):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_URL = PUBLIC
    calendar = BusinessCalendar.objects.get(name="business-hours")
    calendar.hours = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    calendar.holidays = ""
    calendar.save()
    flow = RoutingWorkflow.objects.filter(active=True).first()
    flow.definition = {**flow.definition, "reserved_for_urgent": 0}  # one advocate on shift
    flow.save()
    queries.forget_config()
    with FakeTwilio() as fake:
        settings.TWILIO_API_URL = fake.url
        yield fake


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post to Lantern as Twilio does: signed; what the request commits runs (REST calls)."""

    def _post(url, params, signature=None):
        path = urlsplit(url).path if url.startswith("http") else url
        if signature is None:
            signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, params)
        with django_capture_on_commit_callbacks(execute=True):
            return Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)

    return _post


def voice(post, step="", **params):
    return post("/intake/twilio/voice" + (f"/{step}" if step else ""), {**CALL, **params})


def twiml(response):
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)  # noqa: S314 (our own TwiML, in a test)


def available(user, *, device="phone", phone=ADVOCATE_PHONE, skills=("lang:es", "lang:en")):
    AdvocateStatus.objects.update_or_create(
        user=user, defaults={"device": device, "phone": phone, "skills": list(skills)}
    )
    routing.do_set_presence(user, "available", actor=user)


def queued_spanish_call(post) -> Contact:
    twiml(voice(post))
    twiml(voice(post, "language", Digits="2"))
    root = twiml(voice(post, "urgency", Digits="2"))
    assert root.find("Enqueue") is not None
    return Contact.objects.get(provider_id=CALLER_SID)


def accept(user, django_capture_on_commit_callbacks):
    engine.tick()
    offer = Offer.objects.get(advocate=user, state="pending")
    with django_capture_on_commit_callbacks(execute=True):
        routing.do_accept_offer(offer, actor=user)
    return offer


def dialled(fake, to):
    return [sid for sid, c in fake.calls.items() if c["to"] == to]


def test_an_accepted_call_dials_the_advocate_then_moves_the_caller_into_a_conference(
    twilio, post, personas, django_capture_on_commit_callbacks
):
    advocate = personas["advocate"]
    available(advocate)
    contact = queued_spanish_call(post)
    accept(advocate, django_capture_on_commit_callbacks)
    # the advocate's own phone rings; the caller still waits in the queue
    [sid] = dialled(twilio, ADVOCATE_PHONE)
    assert twilio.calls[sid]["from"] == HOTLINE
    assert not twilio.requests_to(f"/Calls/{CALLER_SID}.json")
    leg = CallLeg.objects.get(role="advocate")
    assert leg.provider_id == sid and leg.state == "dialling"
    # they answer: "press 1 to take a hotline call" (a voicemail presses nothing)
    answer = twiml(post(twilio.calls[sid]["url"], {"AccountSid": ACCOUNT, "CallSid": sid}))
    gather = answer.find("Gather")
    assert "Press 1" in gather.find("Say").text
    root = twiml(post(gather.get("action"), {"AccountSid": ACCOUNT, "CallSid": sid, "Digits": "1"}))
    conference = root.find("Dial/Conference")
    assert conference.text == f"lantern-{contact.pk}"
    assert conference.get("record") == "do-not-record"
    # ... and only then is the caller moved out of the queue into the same conference
    [move] = twilio.requests_to(f"/Calls/{CALLER_SID}.json")
    caller_twiml = ET.fromstring(move["form"]["Twiml"])  # noqa: S314
    caller_conference = caller_twiml.find("Dial/Conference")
    assert caller_conference.text == conference.text
    assert caller_conference.get("endConferenceOnExit") == "true"
    twilio.answer(sid)
    twilio.join(sid, ET.tostring(root, encoding="unicode"))
    twilio.deliver(post)
    task = Task.objects.get(contact=contact)
    assert task.state == "assigned" and task.assigned_to == advocate
    assert task.answered_at is not None
    call = Call.objects.get(contact=contact)
    assert call.conference_sid.startswith("CF") and call.started_at is not None
    kinds = list(call.events.values_list("kind", flat=True))
    assert kinds.count("joined") == 2 and "started" in kinds and "dialled" in kinds
    # the caller hangs up: the conference ends, everyone leaves, the contact's call has ended
    twilio.hang_up(CALLER_SID)
    twilio.deliver(post)
    call.refresh_from_db()
    assert call.ended_at is not None
    assert set(call.legs.values_list("state", flat=True)) == {"left"}
    assert Contact.objects.get(pk=contact.pk).ended_at is not None


def test_the_browser_softphone_joins_without_pressing_1(
    twilio, post, personas, django_capture_on_commit_callbacks
):
    advocate = personas["advocate"]
    available(advocate, device="browser", phone="")
    queued_spanish_call(post)
    accept(advocate, django_capture_on_commit_callbacks)
    [sid] = dialled(twilio, f"client:advocate-{advocate.pk}")
    root = twiml(post(twilio.calls[sid]["url"], {"AccountSid": ACCOUNT, "CallSid": sid}))
    assert root.find("Dial/Conference") is not None
    assert twilio.requests_to(f"/Calls/{CALLER_SID}.json")


def test_twilio_failing_while_connecting_leaves_the_caller_queued_and_reoffers(
    twilio, post, personas, django_capture_on_commit_callbacks
):
    advocate, other = personas["advocate"], personas["advocate2"]
    available(advocate)
    contact = queued_spanish_call(post)
    twilio.fail_next = (500, 20500)
    offer = accept(advocate, django_capture_on_commit_callbacks)
    offer.refresh_from_db()
    assert offer.state == "failed" and offer.failure == "provider"
    task = Task.objects.get(contact=contact)
    assert task.state == "waiting" and task.assigned_to is None
    assert Contact.objects.get(pk=contact.pk).handled_by is None
    leg = CallLeg.objects.get(role="advocate")
    assert leg.state == "failed" and "HTTP 500" in leg.failure  # what the advocate sees
    assert not twilio.requests_to(f"/Calls/{CALLER_SID}.json")  # still in the queue
    available(other)
    accept(other, django_capture_on_commit_callbacks)
    assert Task.objects.get(contact=contact).assigned_to == other


@pytest.mark.parametrize("status", ["no-answer", "busy"])
def test_an_advocate_phone_that_does_not_answer_or_declines_reoffers(
    twilio, post, personas, django_capture_on_commit_callbacks, status
):
    advocate = personas["advocate"]
    available(advocate)
    contact = queued_spanish_call(post)
    offer = accept(advocate, django_capture_on_commit_callbacks)
    [sid] = dialled(twilio, ADVOCATE_PHONE)
    twilio.ring_out(sid, status)
    twilio.deliver(post)
    offer.refresh_from_db()
    assert offer.state == "failed"
    assert offer.failure == ("no_answer" if status == "no-answer" else "refused")
    assert Task.objects.get(contact=contact).state == "waiting"
    assert AdvocateStatus.objects.get(user=advocate).missed_offers == 1


def test_pressing_another_key_or_a_voicemail_does_not_take_the_call(
    twilio, post, personas, django_capture_on_commit_callbacks
):
    advocate = personas["advocate"]
    available(advocate)
    contact = queued_spanish_call(post)
    accept(advocate, django_capture_on_commit_callbacks)
    [sid] = dialled(twilio, ADVOCATE_PHONE)
    confirm = f"/intake/twilio/voice/leg/{CallLeg.objects.get(role='advocate').pk}/confirm"
    root = twiml(post(confirm, {"AccountSid": ACCOUNT, "CallSid": sid, "Digits": "9"}))
    assert root.find("Hangup") is not None and root.find("Dial") is None
    twilio.answer(sid)
    twilio.hang_up(sid)  # the phone hangs up without joining
    twilio.deliver(post)
    assert Task.objects.get(contact=contact).state == "waiting"
    assert not twilio.requests_to(f"/Calls/{CALLER_SID}.json")


def test_a_caller_hanging_up_while_being_connected(
    twilio, post, personas, django_capture_on_commit_callbacks
):
    advocate = personas["advocate"]
    available(advocate)
    contact = queued_spanish_call(post)
    offer = accept(advocate, django_capture_on_commit_callbacks)
    [sid] = dialled(twilio, ADVOCATE_PHONE)
    assert voice(post, "status", CallStatus="completed").status_code == 204
    offer.refresh_from_db()
    assert offer.state == "failed" and offer.failure == "caller_left"
    task = Task.objects.get(contact=contact)
    assert task.state == "abandoned" and task.answered_at is None  # counted as abandoned
    assert twilio.calls[sid]["status"] == "completed"  # the advocate's phone is hung up
    leg = CallLeg.objects.get(role="advocate")
    root = twiml(post(f"/intake/twilio/voice/leg/{leg.pk}/confirm",
                      {"AccountSid": ACCOUNT, "CallSid": sid, "Digits": "1"}))  # fmt: skip
    assert "hung up" in root.find("Say").text and root.find("Dial") is None


def test_repeated_and_out_of_order_callbacks_are_recorded_once(
    twilio, post, personas, django_capture_on_commit_callbacks
):
    advocate = personas["advocate"]
    available(advocate, device="browser", phone="")
    contact = queued_spanish_call(post)
    accept(advocate, django_capture_on_commit_callbacks)
    [sid] = dialled(twilio, f"client:advocate-{advocate.pk}")
    root = twiml(post(twilio.calls[sid]["url"], {"AccountSid": ACCOUNT, "CallSid": sid}))
    twilio.join(sid, ET.tostring(root, encoding="unicode"))
    sent = []
    twilio.deliver(lambda *cb: sent.append(cb))
    for url, params, signature in sent + sent:  # every callback twice
        assert post(url, params, signature).status_code == 204
    call = Call.objects.get(contact=contact)
    assert call.events.filter(kind="joined").count() == 2  # the advocate and the caller
    assert call.events.filter(kind="started").count() == 1
    answered = Task.objects.get(contact=contact).answered_at
    # a late "ringing" after the advocate joined changes nothing
    status_url = twilio.calls[sid]["status_callback"]
    params = {"AccountSid": ACCOUNT, "CallSid": sid, "CallStatus": "ringing"}
    assert post(status_url, params).status_code == 204
    assert CallLeg.objects.get(role="advocate").state == "joined"
    assert Task.objects.get(contact=contact).answered_at == answered


def test_forged_call_callbacks_are_refused(twilio, post, personas):
    path = f"/intake/twilio/voice/conference/{'0' * 8}-0000-0000-0000-{'0' * 12}"
    params = {"AccountSid": ACCOUNT, "StatusCallbackEvent": "conference-end"}
    assert post(path, params, "Zm9yZ2Vk").status_code == 403
    assert post(path, params).status_code == 204  # unknown contact: nothing to record
    path = f"/intake/twilio/voice/leg/{'0' * 8}-0000-0000-0000-{'0' * 12}/answer"
    assert post(path, params).status_code == 404


def test_a_deployment_without_twilio_takes_calls_as_before(personas, db, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    from lantern.contacts import actions as contacts

    contact, _ = contacts.do_receive_call(provider_id="CA" + "9" * 32)
    routing.do_route_contact(contact)
    advocate = personas["advocate"]
    available(advocate)
    AdvocateStatus.objects.filter(user=personas["advocate"]).update(skills=["lang:en"])
    engine.tick(timezone.now() + timedelta(seconds=1))
    offer = Offer.objects.filter(advocate=advocate, state="pending").first()
    if offer is None:  # kept for an urgent call: offer it by hand
        task = Task.objects.get(contact=contact)
        routing.do_take_task(task.contact, actor=advocate)
    else:
        routing.do_accept_offer(offer, actor=advocate)
    assert Task.objects.get(contact=contact).state == "assigned"
    assert not CallLeg.objects.filter(role="advocate").exists()
    assert AuditEvent.objects.exists()


# --- the routing API, end to end (issue 17's test) -------------------------------------------

LINES = """
es: {phone: "+1 555 555 0170", digits: "ww1234#"}
"*": {phone: "+15555550199", digits: "ww9999#"}
"""


@pytest.fixture
def lines(settings, tmp_path):
    path = tmp_path / "interpreters.yaml"
    path.write_text(LINES)
    settings.INTERPRETER_LINES = str(path)
    interpreters._cache.clear()
    yield path
    interpreters._cache.clear()


def test_a_call_worked_through_the_api_end_to_end(
    twilio, post, api, personas, lines, django_capture_on_commit_callbacks
):
    advocate, supervisor = personas["advocate"], personas["supervisor"]
    me, boss = api("advocate"), api("supervisor")
    run = django_capture_on_commit_callbacks
    # an advocate goes available, taking calls on their own phone
    answer = me._call("put", "/me/presence", {"status": "available", "device": "phone",
                                               "phone": "(555) 555-0142"})  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert answer.json() == {**answer.json(), "status": "available", "device": "phone",
                             "phone": "…42"}  # fmt: skip
    AdvocateStatus.objects.filter(user=advocate).update(skills=["lang:es"])
    boss._call("put", "/me/presence", {"status": "available", "device": "browser"})
    # a signed call walks the menu: Spanish, not in danger; it waits in the queue
    contact = queued_spanish_call(post)
    engine.tick()
    [offer] = me.get("/me/offers").json()
    assert offer["contact"] == str(contact.pk) and offer["channel"] == "phone"
    with run(execute=True):
        accepted = me.post(f"/offers/{offer['id']}/accept", {})
    assert accepted.status_code == 200, accepted.content
    # the fake sees the advocate's phone dialled; they press 1; the caller is moved in
    [sid] = [s for s, c in twilio.calls.items() if c["to"] == ADVOCATE_PHONE]
    leg = CallLeg.objects.get(provider_id=sid)
    root = twiml(post(f"/intake/twilio/voice/leg/{leg.pk}/confirm",
                      {"AccountSid": ACCOUNT, "CallSid": sid, "Digits": "1"}))  # fmt: skip
    assert twilio.requests_to(f"/Calls/{CALLER_SID}.json")
    twilio.answer(sid)
    twilio.join(sid, ET.tostring(root, encoding="unicode"))
    twilio.deliver(post)
    assert Task.objects.get(contact=contact).answered_at is not None
    # an interpreter for the contact's language, with the line's digits
    with run(execute=True):
        added = me.post(f"/contacts/{contact.pk}/call/interpreter", {})
    assert added.status_code == 200, added.content
    [request] = [r for r in twilio.requests_to("/Calls.json") if r["form"].get("SendDigits")]
    assert request["form"]["To"] == "+15555550170" and request["form"]["SendDigits"] == "ww1234#"
    interpreter = CallLeg.objects.get(role="interpreter")
    twilio.answer(interpreter.provider_id)
    twilio.deliver(post)
    assert Contact.objects.get(pk=contact.pk).interpreter_used is True
    # a warm transfer to the supervisor (their browser): they join, the advocate leaves
    with run(execute=True):
        moved = me.post(f"/contacts/{contact.pk}/call/transfer",
                        {"user": "supervisor", "warm": True})  # fmt: skip
    assert moved.status_code == 200, moved.content
    [sup_sid] = [
        s for s, c in twilio.calls.items() if c["to"] == f"client:advocate-{supervisor.pk}"
    ]
    sup_twiml = twiml(
        post(twilio.calls[sup_sid]["url"], {"AccountSid": ACCOUNT, "CallSid": sup_sid})
    )
    twilio.answer(sup_sid)
    twilio.join(sup_sid, ET.tostring(sup_twiml, encoding="unicode"))
    twilio.deliver(post)
    with run(execute=True):
        assert me.post(f"/contacts/{contact.pk}/call/leave", {}).status_code == 200
    twilio.deliver(post)
    assert CallLeg.objects.get(provider_id=sid).state == "left"
    # the supervisor holds, then ends the call
    with run(execute=True):
        assert boss.post(f"/contacts/{contact.pk}/call/hold", {}).status_code == 200
        assert boss.post(f"/contacts/{contact.pk}/call/unhold", {}).status_code == 200
        assert boss.post(f"/contacts/{contact.pk}/call/hangup", {}).status_code == 200
    twilio.deliver(post)
    # the timeline: every step, once, in order
    call = Call.objects.get(contact=contact)
    kinds = list(call.events.values_list("kind", flat=True))
    for kind in ("dialled", "started", "joined", "transfer", "held", "unheld", "left", "ended"):
        assert kind in kinds, kinds
    assert call.ended_at is not None and Contact.objects.get(pk=contact.pk).ended_at is not None
    joined = {leg.role for leg in call.legs.filter(joined_at__isnull=False)}
    assert joined == {"caller", "advocate", "interpreter"}
    assert CallLeg.objects.get(role="interpreter").seconds >= 0
    # the dashboard's figures come from the call's events
    day = routing_queries.start_of_day(timezone.now(), timezone.get_current_timezone())
    [row] = [r for r in routing_queries.daily_metrics(day, day + timezone.timedelta(days=1))
             if r["channel"] == "phone"]  # fmt: skip
    assert row["answered"] == 1 and row["asa_seconds"] is not None
    from lantern.stats import queries as stats_queries

    today = timezone.localdate()
    [used] = stats_queries.operations(today, today).interpreters
    assert used["language"] == "es" and used["contacts"] == 1 and used["minutes"] >= 0
    # what people did is audited
    changes = [e.changes.get("call") for e in AuditEvent.objects.filter(object_id=str(contact.pk))]
    for what in ("interpreter", "transfer", "leave", "hold", "unhold", "hangup"):
        assert what in changes, changes


def test_call_actions_refuse_clearly(twilio, post, api, personas, lines, make_contact):
    me = api("advocate")
    contact = make_contact("advocate")  # a phone contact with no live call
    answer = me.post(f"/contacts/{contact.pk}/call/hold", {})
    assert answer.status_code == 409 and "not live" in answer.json()["detail"]
    assert me.post(f"/contacts/{contact.pk}/call/dance", {}).status_code == 422
    other = make_contact("advocate2")
    assert api("advocate2").post(f"/contacts/{other.pk}/call/listen", {}).status_code in (403, 404)
    assert me.post(f"/offers/{contact.pk}/accept", {}).status_code == 404
    bad = me._call("put", "/me/presence", {"status": "available", "device": "phone",
                                            "phone": "not a number"})  # fmt: skip
    assert bad.status_code == 422 and "phone" in bad.json()["errors"]
    assert me._call("put", "/me/presence", {"status": "asleep"}).status_code == 422
    assert api(None).get("/me/presence").status_code == 401
    assert api("directory").get("/me/offers").status_code == 403
    assert "/api/v1/me/presence" in api("advocate").get("/openapi.json").json()["paths"]


def connected(twilio, post, personas, run, *, urgent=False):
    """A Spanish call answered by the advocate on their phone, everyone in the conference."""
    advocate = personas["advocate"]
    available(advocate)
    twiml(voice(post))
    twiml(voice(post, "language", Digits="2"))
    twiml(voice(post, "urgency", Digits="1" if urgent else "2"))
    contact = Contact.objects.get(provider_id=CALLER_SID)
    accept(advocate, run)
    [sid] = dialled(twilio, ADVOCATE_PHONE)
    leg = CallLeg.objects.get(provider_id=sid)
    root = twiml(post(f"/intake/twilio/voice/leg/{leg.pk}/confirm",
                      {"AccountSid": ACCOUNT, "CallSid": sid, "Digits": "1"}))  # fmt: skip
    twilio.answer(sid)
    twilio.join(sid, ET.tostring(root, encoding="unicode"))
    twilio.deliver(post)
    return contact, root


def test_an_interpreter_line_that_does_not_answer_falls_back_to_the_any_language_line(
    twilio, post, api, personas, lines, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    contact, _ = connected(twilio, post, personas, run)
    me = api("advocate")
    with run(execute=True):
        assert me.post(f"/contacts/{contact.pk}/call/interpreter", {}).status_code == 200
    first = CallLeg.objects.get(role="interpreter", line="es")
    with run(execute=True):
        twilio.ring_out(first.provider_id, "no-answer")
        twilio.deliver(post)
    first.refresh_from_db()
    assert first.state == "failed" and first.failure  # the advocate is told why
    fallback = CallLeg.objects.get(role="interpreter", line="*")
    assert twilio.calls[fallback.provider_id]["send_digits"] == "ww9999#"
    with run(execute=True):
        twilio.ring_out(fallback.provider_id, "busy")
        twilio.deliver(post)
    call = Call.objects.get(contact=contact)
    assert call.events.filter(detail="no interpreter line answered").exists()
    again = me.post(f"/contacts/{contact.pk}/call/interpreter", {})
    assert again.status_code == 409 and "already failed" in again.json()["detail"]


@pytest.mark.parametrize("urgent", [False, True])
def test_recording_is_off_unless_asked_and_never_for_a_crisis(
    twilio, post, personas, settings, django_capture_on_commit_callbacks, urgent
):
    settings.RECORD_CALLS = True
    _, root = connected(twilio, post, personas, django_capture_on_commit_callbacks,
                        urgent=urgent)  # fmt: skip
    expected = "do-not-record" if urgent else "record-from-start"
    assert root.find("Dial/Conference").get("record") == expected


def test_a_supervisor_listens_or_coaches_audited_and_nobody_else_may(
    twilio, post, api, personas, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    contact, _ = connected(twilio, post, personas, run)
    supervisor = personas["supervisor"]
    assert api("advocate").post(f"/contacts/{contact.pk}/call/listen", {}).status_code == 403
    with run(execute=True):
        answer = api("supervisor").post(f"/contacts/{contact.pk}/call/coach", {})
    assert answer.status_code == 200, answer.content
    leg = CallLeg.objects.get(role="supervisor")
    assert leg.user == supervisor and leg.coaching
    assert twilio.calls[leg.provider_id]["to"] == f"client:advocate-{supervisor.pk}"
    root = twiml(post(twilio.calls[leg.provider_id]["url"],
                      {"AccountSid": ACCOUNT, "CallSid": leg.provider_id}))  # fmt: skip
    advocate_leg = CallLeg.objects.get(role="advocate")
    assert root.find("Dial/Conference").get("coach") == advocate_leg.provider_id
    event = AuditEvent.objects.filter(actor_label=supervisor.username, action="read_pii").last()
    assert event is not None and event.changes["call"] == "coach"


def test_the_contact_page_shows_the_call_and_its_controls(
    twilio, post, login, personas, django_capture_on_commit_callbacks
):
    contact, _ = connected(twilio, post, personas, django_capture_on_commit_callbacks)
    page = login("advocate").get(f"/console/contacts/{contact.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="call"' in html and "Timeline" in html and "Add interpreter" in html
    assert ADVOCATE_PHONE not in html  # the advocate's own number is never shown
    with django_capture_on_commit_callbacks(execute=True):
        held = login("advocate").post(f"/console/contacts/{contact.pk}/call/hold/")
    assert held.status_code == 302
    assert any(r["form"].get("Hold") == "true" for r in twilio.requests_to(".json"))


def test_the_softphone_token_is_a_voice_grant_for_a_number_not_a_name(
    twilio, login, personas, settings
):
    import jwt as pyjwt

    assert login("advocate").get("/console/softphone/token/").status_code == 503  # no key yet
    settings.TWILIO_API_KEY = "SK" + "1" * 32
    settings.TWILIO_API_SECRET = "synthetic-api-secret"
    settings.TWILIO_TWIML_APP_SID = "AP" + "2" * 32
    answer = login("advocate").get("/console/softphone/token/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    claims = pyjwt.decode(answer.json()["token"], "synthetic-api-secret", algorithms=["HS256"])
    grants = claims["grants"]
    assert grants["identity"] == f"advocate-{personas['advocate'].pk}"
    assert grants["voice"]["incoming"]["allow"] is True
    assert grants["voice"]["outgoing"]["application_sid"] == "AP" + "2" * 32
    assert login("directory").get("/console/softphone/token/").status_code in (403, 404)


def test_the_softphone_places_no_calls(twilio, post):
    root = twiml(post("/intake/twilio/voice/client", {"AccountSid": ACCOUNT, "CallSid": "CA1"}))
    assert root.find("Hangup") is not None and root.find("Dial") is None


def test_other_language_in_the_menu_dials_the_interpreter_as_the_advocate_joins(
    twilio, post, personas, lines, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    advocate = personas["advocate"]
    available(advocate)
    twiml(voice(post))
    twiml(voice(post, "language"))  # no key: another language
    twiml(voice(post, "urgency", Digits="2"))
    accept(advocate, run)
    [sid] = dialled(twilio, ADVOCATE_PHONE)
    leg = CallLeg.objects.get(provider_id=sid)
    root = twiml(post(f"/intake/twilio/voice/leg/{leg.pk}/confirm",
                      {"AccountSid": ACCOUNT, "CallSid": sid, "Digits": "1"}))  # fmt: skip
    assert not CallLeg.objects.filter(role="interpreter").exists()  # not before they join
    twilio.answer(sid)
    twilio.join(sid, ET.tostring(root, encoding="unicode"))
    twilio.deliver(post)
    interpreter = CallLeg.objects.get(role="interpreter")
    assert interpreter.line == "*"
    assert twilio.calls[interpreter.provider_id]["send_digits"] == "ww9999#"


def test_a_cold_transfer_to_a_number_leaves_the_caller_with_the_third_party(
    twilio, post, api, personas, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    contact, _ = connected(twilio, post, personas, run)
    with run(execute=True):
        answer = api("advocate").post(f"/contacts/{contact.pk}/call/transfer",
                                      {"to": "(555) 555-0188", "warm": False})  # fmt: skip
    assert answer.status_code == 200, answer.content
    outside = CallLeg.objects.get(role="transfer")
    assert twilio.calls[outside.provider_id]["to"] == "+15555550188"
    with run(execute=True):
        twilio.answer(outside.provider_id)
        twilio.deliver(post)
    twilio.deliver(post)
    states = dict(Call.objects.get(contact=contact).legs.values_list("role", "state"))
    assert states == {"caller": "joined", "advocate": "left", "transfer": "joined"}
    bad = api("advocate").post(f"/contacts/{contact.pk}/call/transfer", {"to": "12"})
    assert bad.status_code in (409, 422)


# --- call-backs (issue 17 part 6) --------------------------------------------------------------

CALLER = CALL["From"]


def wait(post, seconds):
    return twiml(voice(post, "wait", QueueTime=str(seconds)))


def test_a_long_wait_asks_once_and_a_missed_caller_who_said_it_is_safe_is_called_back(
    twilio, post, api, personas, login, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    advocate = personas["advocate"]
    contact = queued_spanish_call(post)
    enqueue = twiml(voice(post, "urgency", Digits="2")).find("Enqueue")
    assert enqueue.get("waitUrl").endswith("/intake/twilio/voice/wait")
    assert wait(post, 5).find("Gather") is None  # not yet: hold
    asked = wait(post, 120).find("Gather")
    assert asked.get("action").endswith("/intake/twilio/voice/callback")
    assert "press 1" not in asked.find("Say").text  # in Spanish, the caller's language
    assert asked.find("Say").get("language", "").startswith("es")
    assert wait(post, 150).find("Gather") is None  # asked once only
    said = twiml(voice(post, "callback", Digits="1"))
    assert said.find("Say") is not None and said.find("Hangup") is None  # still waiting
    call = Call.objects.get(contact=contact)
    assert call.callback_safe is True
    # the caller hangs up in the queue: a missed call, safe to call back
    assert voice(post, "status", CallStatus="completed").status_code == 204
    available(advocate)
    inbox = login("advocate").get("/console/inbox/").content.decode()
    assert "Missed" in inbox and "safe to call back" in inbox and "Call back" in inbox
    assert CALLER not in inbox and "0123" not in inbox
    with run(execute=True):
        answer = login("advocate").post(f"/console/contacts/{contact.pk}/call/callback/")
    assert answer.status_code == 302
    contact.refresh_from_db()
    assert contact.handled_by == advocate
    # the advocate's phone rings first ("press 1"); only then is the caller dialled
    [mine] = dialled(twilio, ADVOCATE_PHONE)
    assert not dialled(twilio, CALLER)
    leg = CallLeg.objects.get(provider_id=mine)
    root = twiml(post(f"/intake/twilio/voice/leg/{leg.pk}/confirm",
                      {"AccountSid": ACCOUNT, "CallSid": mine, "Digits": "1"}))  # fmt: skip
    assert root.find("Dial/Conference").text == f"lantern-{contact.pk}"
    [theirs] = dialled(twilio, CALLER)
    assert twilio.calls[theirs]["from"] == HOTLINE  # from the hotline's number
    assert f"lantern-{contact.pk}" in twilio.calls[theirs]["twiml"]
    twilio.answer(mine)
    twilio.join(mine, ET.tostring(root, encoding="unicode"))
    twilio.answer(theirs)
    twilio.deliver(post)
    call.refresh_from_db()
    assert not call.calling_back and call.ended_at is None
    assert call.events.filter(kind="callback").count() == 2  # started, and answered
    assert sorted(call.legs.filter(role="caller").values_list("state", flat=True)) == [
        "joined", "left"]  # fmt: skip
    assert AuditEvent.objects.filter(changes__call="callback").exists()
    # on hold or hung up, it is the caller's new line that is worked
    with run(execute=True):
        assert api("advocate").post(f"/contacts/{contact.pk}/call/hangup", {}).status_code == 200
    assert twilio.calls[theirs]["status"] == "completed"


def test_a_caller_who_did_not_say_it_is_safe_is_never_called_back(
    twilio, post, api, personas, login, django_capture_on_commit_callbacks
):
    available(personas["advocate"])
    contact = queued_spanish_call(post)
    twiml(voice(post, "callback", Digits="2"))  # not safe
    assert voice(post, "status", CallStatus="completed").status_code == 204
    inbox = login("advocate").get("/console/inbox/").content.decode()
    assert "not safe to call back" in inbox and "Call back" not in inbox
    refused = api("advocate").post(f"/contacts/{contact.pk}/call/callback", {})
    assert refused.status_code == 409 and "safe" in refused.json()["detail"]
    assert not dialled(twilio, ADVOCATE_PHONE) and not dialled(twilio, CALLER)
    # a caller who hung up in the menu was never asked: not called back either
    other = {**CALL, "CallSid": "CA" + "d" * 32, "From": "+15555550177"}
    post("/intake/twilio/voice", other)
    post("/intake/twilio/voice/status", {**other, "CallStatus": "completed"})
    menu = Contact.objects.get(provider_id=other["CallSid"])
    assert api("advocate").post(f"/contacts/{menu.pk}/call/callback", {}).status_code == 409
    assert "not asked" in login("advocate").get("/console/inbox/").content.decode()
    assert api("directory").post(f"/contacts/{menu.pk}/call/callback", {}).status_code in (
        403, 404)  # fmt: skip


@pytest.mark.parametrize("who", ["caller", "advocate"])
def test_a_call_back_nobody_answers_stops_and_says_why(
    twilio, post, api, personas, django_capture_on_commit_callbacks, who
):
    run = django_capture_on_commit_callbacks
    available(personas["advocate"])
    contact = queued_spanish_call(post)
    twiml(voice(post, "callback", Digits="1"))
    voice(post, "status", CallStatus="completed")
    with run(execute=True):
        assert api("advocate").post(f"/contacts/{contact.pk}/call/callback", {}).status_code == 200
    [mine] = dialled(twilio, ADVOCATE_PHONE)
    if who == "caller":
        leg = CallLeg.objects.get(provider_id=mine)
        post(f"/intake/twilio/voice/leg/{leg.pk}/confirm",
             {"AccountSid": ACCOUNT, "CallSid": mine, "Digits": "1"})  # fmt: skip
        [theirs] = dialled(twilio, CALLER)
        with run(execute=True):
            twilio.ring_out(theirs, "no-answer")
            twilio.deliver(post)
        assert twilio.calls[mine]["status"] == "completed"  # the advocate's line is hung up
    else:
        with run(execute=True):
            twilio.ring_out(mine, "no-answer")
            twilio.deliver(post)
        assert not dialled(twilio, CALLER)
    call = Call.objects.get(contact=contact)
    assert not call.calling_back and call.ended_at is not None
    expected = "the caller" if who == "caller" else "your line"
    assert call.events.filter(detail=f"call-back: {expected} did not answer").exists()
    # ... and may be tried again
    with run(execute=True):
        assert api("advocate").post(f"/contacts/{contact.pk}/call/callback", {}).status_code == 200


def test_supervisors_listen_or_coach_from_the_live_board(
    twilio, post, login, personas, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    contact, _ = connected(twilio, post, personas, run)
    board = login("supervisor").get("/console/routing/board/").content.decode()
    assert "Live calls" in board and f'data-call="{contact.pk}"' in board
    assert f"/console/contacts/{contact.pk}/call/listen/" in board
    assert "+1555555" not in board  # no caller's or advocate's number on the board
    admin_board = login("admin").get("/console/routing/board/").content.decode()
    assert f'data-call="{contact.pk}"' in admin_board and "/call/listen/" not in admin_board
    with run(execute=True):
        answer = login("supervisor").post(f"/console/contacts/{contact.pk}/call/listen/",
                                          {"next": "board"})  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == "/console/routing/board/"
    leg = CallLeg.objects.get(role="supervisor")
    assert leg.user == personas["supervisor"] and not leg.coaching
    assert AuditEvent.objects.filter(action="read_pii", changes__call="listen").exists()
    live = login("supervisor").get("/console/routing/board/live/").content.decode()
    assert "supervisor listening" in live
    # an advocate cannot listen, from the board or otherwise
    refused = login("advocate2").post(f"/console/contacts/{contact.pk}/call/coach/",
                                      {"next": "board"})  # fmt: skip
    assert refused.status_code in (403, 404)


def test_a_call_transferred_to_a_queue_waits_on_hold_for_its_next_advocate(
    twilio, post, api, personas, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    contact, _ = connected(twilio, post, personas, run)
    first, second = personas["advocate"], personas["advocate2"]
    answered = Task.objects.get(contact=contact).answered_at
    [mine] = dialled(twilio, ADVOCATE_PHONE)
    me = api("advocate")
    bad = me.post(f"/contacts/{contact.pk}/call/transfer", {"queue": "nowhere"})
    assert bad.status_code == 422 and "queue" in bad.json()["errors"]
    both = me.post(f"/contacts/{contact.pk}/call/transfer",
                   {"queue": "urgent", "to": "+15555550188"})  # fmt: skip
    assert both.status_code == 422
    with run(execute=True):
        moved = me.post(f"/contacts/{contact.pk}/call/transfer", {"queue": "urgent"})
    assert moved.status_code == 200, moved.content
    # the caller is held in the conference, the advocate's line hung up, the task waits again
    holds = [r["form"].get("Hold") for r in twilio.requests_to(f"/Participants/{CALLER_SID}.json")]
    assert holds == ["true"]
    assert twilio.calls[mine]["status"] == "completed"
    task = Task.objects.get(contact=contact)
    assert (task.state, task.queue.name, task.assigned_to) == ("waiting", "urgent", None)
    assert Contact.objects.get(pk=contact.pk).handled_by is None
    twilio.deliver(post)
    call = Call.objects.get(contact=contact)
    assert call.ended_at is None and call.events.filter(detail="to the urgent queue").exists()
    # the next advocate answers: they join the same conference and the caller is taken off hold
    routing.do_set_presence(first, "offline", actor=first)
    available(second, phone="+15555550143")
    accept(second, run)
    [theirs] = dialled(twilio, "+15555550143")
    leg = CallLeg.objects.get(provider_id=theirs)
    root = twiml(post(f"/intake/twilio/voice/leg/{leg.pk}/confirm",
                      {"AccountSid": ACCOUNT, "CallSid": theirs, "Digits": "1"}))  # fmt: skip
    assert root.find("Dial/Conference").text == f"lantern-{contact.pk}"
    assert len(twilio.requests_to(f"/Calls/{CALLER_SID}.json")) == 1  # not moved a second time
    twilio.answer(theirs)
    twilio.join(theirs, ET.tostring(root, encoding="unicode"))
    twilio.deliver(post)
    holds = [r["form"].get("Hold") for r in twilio.requests_to(f"/Participants/{CALLER_SID}.json")]
    assert holds == ["true", "false"]
    task.refresh_from_db()
    assert task.state == "assigned" and task.assigned_to == second
    assert task.answered_at == answered  # the speed of answer was the first answer's
    assert AuditEvent.objects.filter(changes__to="queue urgent").exists()


def test_the_call_card_offers_the_protocol_and_referral_numbers_to_transfer_to(
    twilio, post, login, personas, django_capture_on_commit_callbacks
):
    from lantern.protocols.models import Protocol, ProtocolStep

    protocol = Protocol.objects.create(name="Synthetic national protocol", level="national")
    ProtocolStep.objects.create(protocol=protocol, position=1, agency="Synthetic task force",
                                phone="+15555550181", instructions="Call first.")  # fmt: skip
    contact, _ = connected(twilio, post, personas, django_capture_on_commit_callbacks)
    html = login("advocate").get(f"/console/contacts/{contact.pk}/").content.decode()
    assert '<option value="+15555550181">1. Synthetic task force' in html
    assert '<option value="urgent">' in html
    with django_capture_on_commit_callbacks(execute=True):
        login("advocate").post(f"/console/contacts/{contact.pk}/call/transfer/",
                               {"pick": "+15555550181", "warm": "1"})  # fmt: skip
    assert dialled(twilio, "+15555550181")
    assert CallLeg.objects.get(role="transfer").warm
