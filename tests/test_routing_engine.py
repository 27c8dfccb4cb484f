"""Routing through the database: triage into queues, offers to the best advocate, accept and
decline, timeouts, service levels, surge mode, and no double assignment under concurrency.

The engine runs on a clock the test passes (``tick(now)``), so a minute of waiting takes no time.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lantern.audit.models import AuditEvent
from lantern.contacts import actions as contacts
from lantern.contacts.exceptions import ContactValidationError
from lantern.privacy.fields import reveal
from lantern.routing import actions as routing
from lantern.routing import defaults, engine, queries
from lantern.routing.exceptions import OfferUnavailable, RoutingError
from lantern.routing.models import (
    AdvocateStatus,
    Breach,
    BusinessCalendar,
    Offer,
    Queue,
    RoutingWorkflow,
    Task,
)

NY = ZoneInfo("America/New_York")
# A Tuesday at 11:00 in New York: the non-urgent queue is open.
OPEN = datetime(2026, 11, 17, 11, 0, tzinfo=NY)
_numbers = iter(range(1000, 9999))


def text(body, *, at=OPEN, language_hint=""):
    """A person texts the hotline (a new contact each time, from a new 555 number)."""
    message, _ = contacts.do_receive_message(
        channel="sms", hotline_address="+15555550100",
        participant=f"+1555555{next(_numbers):04d}", body=body, received_at=at,
        detect_language=(lambda _: language_hint) if language_hint else None,
    )  # fmt: skip
    return message.conversation.contact


def available(user, *, skills=(), at=OPEN, **capacity):
    routing.do_set_presence(user, "available", actor=user)
    status = AdvocateStatus.objects.get(user=user)
    status.skills = list(skills)
    status.idle_since = at
    if capacity:
        status.capacity = {**status.capacity, **capacity}
    status.save()
    return status


def task_of(contact) -> Task:
    return Task.objects.select_related("queue").get(contact=contact)


def offer_to(user) -> Offer | None:
    return queries.pending_offer_for(user)


@pytest.fixture
def team(personas):
    return personas


def test_a_crisis_is_offered_before_older_non_urgent_contacts(team):
    older = text("Do you have training materials?", at=OPEN - timedelta(minutes=5))
    crisis = text("please help he is going to kill me")
    available(team["advocate"])
    engine.tick(OPEN)
    assert task_of(crisis).queue.name == "crisis" and task_of(crisis).urgency == "crisis"
    assert task_of(older).queue.name == "general"
    offer = offer_to(team["advocate"])
    assert offer.task.contact_id == crisis.pk
    assert task_of(older).state == "waiting"  # one advocate, kept for the crisis


def test_triage_reasons_are_stored_and_an_advocate_change_is_audited(team):
    contact = text("my boss took my passport")
    engine.tick(OPEN)
    task = task_of(contact)
    assert task.urgency == "urgent" and task.queue.name == "urgent"
    assert task.reasons[0]["rule"] == "documents" and "passport" in task.reasons[0]["detail"]
    with pytest.raises(RoutingError, match="Say why"):
        routing.do_retriage(task, urgency="crisis", reason=" ", actor=team["advocate"])
    routing.do_retriage(
        task, urgency="crisis", reason="caller is outside the house now", actor=team["advocate"]
    )
    task.refresh_from_db()
    assert task.urgency == "crisis" and task.queue.name == "crisis"
    # the advocate's own words may name someone: encrypted, kept out of reasons and the audit
    assert task.reasons[-1] == {"source": "advocate", "by": "advocate", "detail": "changed by hand"}
    assert reveal(task.retriage_notes) == "advocate: caller is outside the house now"
    with connection.cursor() as cursor:
        cursor.execute("SELECT retriage_notes, reasons FROM routing_task")
        assert "outside the house" not in str(cursor.fetchall())
    event = AuditEvent.objects.filter(object_type="routing.task", action="update").get()
    assert event.actor_label == "advocate"
    assert event.changes["urgency"] == ["urgent", "crisis"]
    assert "outside" not in event.reason + str(event.changes)


def test_spanish_goes_to_a_spanish_speaker_then_to_the_interpreter_line(team):
    contact = text("Hola, necesito información sobre visas", language_hint="es")
    english_only = available(team["advocate"], at=OPEN - timedelta(hours=2))  # idle longest
    engine.tick(OPEN)
    task = task_of(contact)
    assert task.language == "es" and task.route == "spanish" and task.skills == ["lang:es"]
    assert offer_to(english_only.user) is None  # no Spanish: not offered, however idle
    # 60 s later nobody speaking Spanish has come: any advocate with an interpreter line
    engine.tick(OPEN + timedelta(seconds=61))
    task.refresh_from_db()
    assert task.step == 1 and task.skills == ["interpreter"]
    interpreter = available(team["advocate2"], skills=["interpreter"])
    engine.tick(OPEN + timedelta(seconds=62))
    assert offer_to(interpreter.user).task_id == task.pk


def test_the_longest_idle_skilled_advocate_gets_the_offer(team):
    available(team["advocate"], at=OPEN - timedelta(minutes=3))
    available(team["advocate2"], at=OPEN - timedelta(minutes=20))
    engine.tick(OPEN)  # nothing waiting yet
    contact = text("he hit me and I'm scared")
    engine.tick(OPEN)
    assert offer_to(team["advocate2"]).task.contact_id == contact.pk
    assert offer_to(team["advocate"]) is None


def test_accept_assigns_the_contact_and_a_second_accept_gets_a_clear_answer(team):
    contact = text("he hit me")
    available(team["advocate"])
    engine.tick(OPEN)
    offer = offer_to(team["advocate"])
    task = routing.do_accept_offer(offer, actor=team["advocate"], now=OPEN + timedelta(seconds=5))
    assert task.state == "assigned" and task.assigned_to == team["advocate"]
    contact.refresh_from_db()
    assert contact.handled_by == team["advocate"]
    with pytest.raises(OfferUnavailable, match="already accepted"):
        routing.do_accept_offer(offer, actor=team["advocate"])
    with pytest.raises(OfferUnavailable, match="someone else"):
        routing.do_accept_offer(offer, actor=team["advocate2"])
    with pytest.raises(ContactValidationError):  # nor can it be taken from the inbox
        routing.do_take_task(contact, actor=team["advocate2"])


def test_decline_and_timeout_re_offer_to_someone_else(team):
    first = available(team["advocate"], at=OPEN - timedelta(minutes=10))
    second = available(team["advocate2"], at=OPEN - timedelta(minutes=1))
    contact = text("he hit me")
    engine.tick(OPEN)
    routing.do_decline_offer(offer_to(first.user), actor=first.user)
    engine.tick(OPEN + timedelta(seconds=1))
    offer = offer_to(second.user)
    assert offer.task.contact_id == contact.pk
    # the second advocate does not answer: after the offer timeout it goes back (to the first,
    # who passed on it but is the only one left)
    engine.tick(OPEN + timedelta(seconds=40))
    offer.refresh_from_db()
    assert offer.state == "expired"
    assert offer_to(first.user).task.contact_id == contact.pk


def test_an_advocate_who_misses_two_offers_is_set_away(team):
    available(team["advocate"])
    text("he hit me")
    engine.tick(OPEN)
    engine.tick(OPEN + timedelta(seconds=31))  # missed one; offered again
    assert offer_to(team["advocate"]) is not None
    engine.tick(OPEN + timedelta(seconds=62))  # missed two
    status = AdvocateStatus.objects.get(user=team["advocate"])
    assert status.presence == "away" and offer_to(team["advocate"]) is None
    assert AuditEvent.objects.filter(object_type="routing.advocatestatus", actor_label="routing")


def test_capacity_per_channel_and_a_call_takes_everything(team):
    available(team["advocate"], sms=2)
    for _ in range(3):
        text("he hit me")
    engine.tick(OPEN)
    for second in range(1, 3):
        routing.do_accept_offer(offer_to(team["advocate"]), actor=team["advocate"])
        engine.tick(OPEN + timedelta(seconds=second))
    assert offer_to(team["advocate"]) is None  # two texts at once is this advocate's limit
    assert Task.objects.filter(state="waiting").count() == 1


def test_reserved_advocates_are_kept_for_urgent_work_and_a_crisis_pre_empts(team):
    available(team["advocate"], at=OPEN - timedelta(minutes=5))
    available(team["advocate2"], at=OPEN - timedelta(minutes=1))
    general = [
        text("Do you have training materials?", at=OPEN - timedelta(minutes=m)) for m in (2, 1)
    ]
    engine.tick(OPEN)
    # two free advocates, one reserved for urgent work: one non-urgent offer only
    assert Offer.objects.filter(state="pending").count() == 1
    assert offer_to(team["advocate"]).task.contact_id == general[0].pk
    # a crisis arrives: the free advocate is offered it
    crisis = text("I am locked in a room, help me now")
    engine.tick(OPEN + timedelta(seconds=2))
    assert offer_to(team["advocate2"]).task.contact_id == crisis.pk
    # another crisis, nobody free: the non-urgent offer is withdrawn for it
    second = text("they will kill me")
    engine.tick(OPEN + timedelta(seconds=3))
    assert offer_to(team["advocate"]).task.contact_id == second.pk
    assert task_of(general[0]).state == "waiting"


def test_a_person_who_leaves_is_abandoned_and_a_logged_contact_completes(team):
    available(team["advocate"])
    left = text("he hit me")
    engine.tick(OPEN)
    contacts.do_close_conversation(left.conversation, reason="the visitor left")
    engine.tick(OPEN + timedelta(seconds=5))
    assert task_of(left).state == "abandoned"
    assert offer_to(team["advocate"]) is None  # the offer went with them
    stays = text("my boss took my passport")
    engine.tick(OPEN + timedelta(seconds=6))
    routing.do_accept_offer(offer_to(team["advocate"]), actor=team["advocate"])
    stays.refresh_from_db()
    # the advocate logs the contact (call types given): their work on it is done
    contacts.do_update_contact(stays, {"call_types": ["tip"]}, actor=team["advocate"])
    stays.refresh_from_db()
    assert stays.status == "logged"
    engine.tick(OPEN + timedelta(minutes=9))
    task = task_of(stays)
    assert task.state == "completed" and task.ended_at == OPEN + timedelta(minutes=9)


def test_a_chat_that_says_more_while_waiting_is_triaged_again(team):
    conversation = contacts.do_open_chat(language="en", safe=True)
    engine.tick(OPEN)
    task = task_of(conversation.contact)
    assert task.urgency == "non_urgent"
    for body in ("hello", "is anyone there?", "I work at a farm", "he is outside with a gun"):
        contacts.do_receive_message(
            channel="chat", hotline_address="web", participant="", body=body,
            contact=conversation.contact,
        )  # fmt: skip
        if body == "hello":  # triaged in between: only what was written since is read again
            engine.tick(timezone_now())
    engine.tick(timezone_now())
    task.refresh_from_db()
    assert task.urgency == "crisis" and task.queue.name == "crisis"
    assert any("gun" in r["detail"] for r in task.reasons)


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def test_near_breaches_are_escalated_and_breaches_recorded(team):
    contact = text("he hit me")  # urgent: 95% within 60 s
    engine.tick(OPEN)
    task = task_of(contact)
    assert task.due_at == OPEN + timedelta(seconds=60)
    engine.tick(OPEN + timedelta(seconds=47))
    task.refresh_from_db()
    assert task.escalated_at is None
    engine.tick(OPEN + timedelta(seconds=48))  # 80% of the target: supervisors are warned
    task.refresh_from_db()
    assert task.escalated_at == OPEN + timedelta(seconds=48)
    engine.tick(OPEN + timedelta(seconds=61))
    engine.tick(OPEN + timedelta(seconds=62))  # recorded once
    breach = Breach.objects.get()
    assert breach.kind == "answer" and breach.queue.name == "urgent"
    board = queries.board(OPEN + timedelta(seconds=62), NY)
    urgent = next(row for row in board["queues"] if row.queue.name == "urgent")
    assert urgent.breaches == 1 and urgent.longest_wait == 62


def test_after_hours_non_urgent_contacts_are_due_three_business_days_later(team):
    friday_night = datetime(2026, 11, 20, 22, 0, tzinfo=NY)
    contact = text("Do you have training materials?", at=friday_night)
    engine.tick(friday_night)
    task = task_of(contact)
    # Monday's opening, plus three business days (Thanksgiving skipped): Friday 27th 09:00
    assert task.due_at == datetime(2026, 11, 27, 9, 0, tzinfo=NY)
    assert not queries.answering_now(task, friday_night)


def email(body, *, at):
    message, _ = contacts.do_receive_message(
        channel="email", hotline_address="help@example.org",
        participant=f"person{next(_numbers)}@example.org", body=body, received_at=at,
    )  # fmt: skip
    return message.conversation.contact


def test_emails_and_tips_are_reviewed_daily_so_a_friday_night_one_is_due_saturday(team):
    friday_night = datetime(2026, 11, 20, 22, 0, tzinfo=NY)
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=NY)
    mail = email("Do you have training materials for our clinic?", at=friday_night)
    sms = text("Do you have training materials?", at=friday_night)
    engine.tick(friday_night)
    mail_task, sms_task = task_of(mail), task_of(sms)
    assert mail_task.queue.name == sms_task.queue.name == "general"
    # the daily review (9:00-19:00 every day, holidays included): due when Saturday's ends
    assert mail_task.due_at == datetime(2026, 11, 21, 19, 0, tzinfo=NY)
    assert sms_task.due_at == datetime(2026, 11, 27, 9, 0, tzinfo=NY)  # business days
    assert not queries.answering_now(mail_task, friday_night)
    assert queries.answering_now(mail_task, saturday)
    assert not queries.answering_now(sms_task, saturday)
    # on Saturday the email is offered (one advocate stays free for urgent work), the text
    # waits for Monday
    available(team["advocate"], at=saturday)
    available(team["advocate2"], at=saturday)
    engine.tick(saturday)
    assert [o.task.contact_id for o in Offer.objects.filter(state="pending")] == [mail.pk]
    # one that arrives during Saturday's review is due when Sunday's ends; Thanksgiving too
    assert engine.placing.due_at(mail_task.queue, saturday, "email") == datetime(
        2026, 11, 22, 19, 0, tzinfo=NY
    )
    thanksgiving_eve = datetime(2026, 11, 25, 20, 0, tzinfo=NY)
    assert engine.placing.due_at(mail_task.queue, thanksgiving_eve, "webform") == datetime(
        2026, 11, 26, 19, 0, tzinfo=NY
    )


def test_a_queue_reviewed_daily_names_real_channels(db):
    queue = Queue.objects.get(name="general")
    assert queue.review_calendar.name == "daily-review"
    queue.review_channels = ["email", "fax"]
    with pytest.raises(ValidationError, match="channels from"):
        queue.full_clean()


def test_non_urgent_work_waits_for_the_opening_while_urgent_work_is_offered_at_night(team):
    night = datetime(2026, 11, 17, 23, 30, tzinfo=NY)
    available(team["advocate"], at=night)
    available(team["advocate2"], at=night)
    general = text("Do you have training materials?", at=night)
    engine.tick(night)
    assert offer_to(team["advocate"]) is None and offer_to(team["advocate2"]) is None
    urgent = text("my boss took my passport", at=night)
    engine.tick(night + timedelta(seconds=1))
    offer = Offer.objects.get(state="pending")
    assert offer.task.contact_id == urgent.pk
    routing.do_accept_offer(offer, actor=offer.advocate, now=night + timedelta(seconds=5))
    # at the opening the non-urgent text goes to the advocate already texting: the free one
    # is kept for urgent work
    morning = datetime(2026, 11, 18, 9, 0, tzinfo=NY)
    engine.tick(morning)
    assert Offer.objects.get(state="pending", task__contact=general).advocate is not None


def test_surge_mode_diverts_a_queue_and_only_a_supervisor_may(team):
    general = Queue.objects.get(name="general")
    urgent = Queue.objects.get(name="urgent")
    waiting = text("Do you have training materials?")
    engine.tick(OPEN)
    with pytest.raises(RoutingError, match="supervisor"):
        routing.do_divert_queue(general, urgent, actor=team["advocate"])
    routing.do_divert_queue(general, urgent, actor=team["supervisor"])
    assert task_of(waiting).queue == urgent
    later = text("Do you have training materials?")
    engine.tick(OPEN + timedelta(seconds=1))
    assert task_of(later).queue == urgent
    with pytest.raises(RoutingError, match="itself"):
        routing.do_divert_queue(urgent, urgent, actor=team["supervisor"])
    routing.do_divert_queue(general, None, actor=team["supervisor"])
    assert AuditEvent.objects.filter(object_type="routing.queue").count() == 2


def test_presence_is_the_advocates_own_unless_a_supervisor_sets_it(team):
    with pytest.raises(RoutingError, match="your own"):
        routing.do_set_presence(team["advocate"], "available", actor=team["advocate2"])
    routing.do_set_presence(team["advocate"], "away", actor=team["supervisor"])
    with pytest.raises(RoutingError, match="does not answer"):
        routing.do_set_presence(team["directory"], "available", actor=team["directory"])
    with pytest.raises(RoutingError, match="not a presence"):
        routing.do_set_presence(team["advocate"], "napping", actor=team["advocate"])


def test_invalid_configuration_is_refused_at_save_time(db):
    calendar = BusinessCalendar(name="bad", label="Bad", time_zone="Europe/Atlantis", hours={})
    with pytest.raises(ValidationError, match="time zone"):
        calendar.full_clean()
    calendar = BusinessCalendar(
        name="bad", label="Bad", hours={"mon": ["09:00-12:00", "11:00-13:00"]}
    )
    with pytest.raises(ValidationError, match="overlap"):
        calendar.full_clean()
    flow = RoutingWorkflow(definition={"filters": [], "default": {"queue": "general"}})
    with pytest.raises(ValidationError, match="closes outside its hours"):
        flow.full_clean()
    flow = RoutingWorkflow(definition={"default": {"queue": "crisis", "timeout": 10}})
    with pytest.raises(ValidationError, match="nowhere to go"):
        flow.full_clean()


def test_daily_metrics_per_queue_and_channel(team):
    available(team["advocate"])
    text("he hit me")
    text("he hit me again")
    engine.tick(OPEN)
    answered = routing.do_accept_offer(
        offer_to(team["advocate"]), actor=team["advocate"], now=OPEN + timedelta(seconds=12)
    )
    other = Task.objects.exclude(pk=answered.pk).get()
    contacts.do_close_conversation(other.contact.conversation)
    engine.tick(OPEN + timedelta(seconds=20))
    [row] = queries.daily_metrics(OPEN - timedelta(hours=11), OPEN + timedelta(hours=13))
    assert (row["queue__name"], row["channel"]) == ("urgent", "sms")
    assert (row["offered"], row["answered"], row["abandoned"]) == (2, 1, 1)
    assert row["asa_seconds"] == 12 and row["service_level"] == 0.5


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_and_takes_never_assign_twice(live_db, personas):
    """Two advocates race for one contact many times, from threads with their own connections
    (on PostgreSQL, real concurrent transactions): exactly one wins each time."""
    a, b = personas["advocate"], personas["advocate2"]
    available(a)
    for _ in range(5):
        contact = text("he hit me")
        engine.tick(OPEN)
        offer = offer_to(a)
        barrier = threading.Barrier(2)
        results = []

        def accept(offer=offer, barrier=barrier, results=results):
            barrier.wait()
            try:
                routing.do_accept_offer(offer, actor=a)
                results.append("accepted")
            except OfferUnavailable:
                results.append("refused")
            finally:
                connection.close()

        def take(contact=contact, barrier=barrier, results=results):
            barrier.wait()
            try:
                routing.do_take_task(contact, actor=b)
                results.append("taken")
            except ContactValidationError:
                results.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=accept), threading.Thread(target=take)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) in (["accepted", "refused"], ["refused", "taken"]), results
        task = task_of(contact)
        assert task.state == "assigned"
        assert Offer.objects.filter(task=task, state="accepted").count() <= 1
        contact.refresh_from_db()
        assert contact.handled_by_id == task.assigned_to_id
        # the winner finishes; the advocate is free for the next round
        Task.objects.filter(pk=task.pk).update(state="completed")


@pytest.mark.django_db(transaction=True)
def test_a_chat_after_hours_hears_when_it_will_be_answered_and_can_say_urgent(live_db):
    from lantern.contacts.models import Message
    from lantern.privacy.fields import reveal

    night = datetime(2026, 11, 17, 23, 30, tzinfo=NY)
    conversation = contacts.do_open_chat(language="es", received_at=night)
    engine.tick(night)
    for thread in threading.enumerate():
        if thread.name == "notice-after_hours":
            thread.join(10)
    [notice] = Message.objects.filter(conversation=conversation, direction="outbound")
    assert "tres días hábiles" in reveal(notice.body) and "URGENTE" in reveal(notice.body)
    assert notice.sent_by is None  # automatic
    contacts.do_receive_message(
        channel="chat", hotline_address="web", participant="", body="es urgente por favor",
        contact=conversation.contact,
    )  # fmt: skip
    engine.tick(timezone_now())
    task = task_of(conversation.contact)
    assert task.urgency == "urgent" and task.queue.name == "urgent"  # open all night
    # one notice only, however many ticks
    engine.tick(timezone_now())
    assert Message.objects.filter(conversation=conversation, direction="outbound").count() == 1


def test_a_web_tip_is_triaged_on_what_happened_not_on_the_forms_labels(team):
    contacts.do_receive_tip(
        {"what_happened": "Synthetic: a neighbour asks about the farm workers.",
         "urgency": "not_urgent", "minors": "no", "language": "en"},
        receipt_hash="synthetic-receipt-hash",
    )  # fmt: skip
    engine.tick(OPEN)
    task = Task.objects.get()
    assert task.urgency == "non_urgent" and "minor" not in task.flags  # "Not urgent", "Minors: No"


def test_upgrade_moves_typed_triage_reasons_out_of_the_clear(live_db, personas):
    """Migration 0003: reasons typed before it (kept in clear) move to the encrypted notes."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    contact = contacts.do_create_contact(
        {"channel": "phone", "call_types": ["tip"]}, actor=personas["advocate"]
    )
    before = [("routing", "0002_default_routing")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    names = ("BusinessCalendar", "Queue", "RoutingWorkflow")
    models = [apps.get_model("routing", name) for name in names]
    defaults.load(*models)  # an earlier transactional test may have flushed them
    queue = models[1].objects.get(name="general")
    apps.get_model("routing", "Task").objects.create(
        contact_id=contact.pk, channel="phone", urgency="urgent", queue=queue, route="default",
        due_at=contact.received_at + timedelta(hours=1),
        reasons=[{"source": "rule", "rule": "documents", "detail": "took documents"},
                 {"source": "advocate", "by": "advocate", "detail": "Synthetic Maria is hiding"}],
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("routing", "0003_encrypted_retriage_notes")])
    call_command("migrate", verbosity=0)  # the rest, so the next test finds a whole schema
    task = Task.objects.get()
    assert task.reasons[1]["detail"] == "changed by hand" and "Maria" not in str(task.reasons)
    assert task.reasons[0]["detail"] == "took documents"
    assert reveal(task.retriage_notes) == "advocate: Synthetic Maria is hiding"
