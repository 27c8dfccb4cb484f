"""Retention (issue 22, parts 1, 3 and 4 so far): the schedule as data, checked at start;
``lantern apply_retention`` shreds what is past its period in resumable batches, audited as counts;
what a legal hold keeps survives; shredded ciphertext and blind indexes are gone from the
database file and its write-ahead log."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.cases import retention as runner
from lantern.contacts.actions import do_receive_message, do_repeat_lookup
from lantern.contacts.models import Contact, Conversation, Message
from lantern.privacy import retention

LANTERN = str(Path(sys.executable).with_name("lantern"))
OLD = timezone.now() - timedelta(days=3000)


# --- the schedule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("contacts_personal: {keep: 10d, after: closed, then: shred}", "unknown kind"),
        ("messages: {keep: -1d, after: closed, then: shred}", "negative"),
        ("messages: {keep: 2 years, after: closed, then: shred}", "number of days"),
        ("messages: {keep: 10d, after: opened, then: shred}", "unknown event"),
        ("messages: {keep: 10d, after: closed, then: burn}", "unknown action"),
        ("contact_personal: {keep: 10d, after: closed, then: delete}", "only be shredded"),
        ("messages: [1, 2]", "write it as"),
        ("- just a list", "mapping"),
    ],
)
def test_a_schedule_that_cannot_work_is_refused_with_the_entry_named(text, says):
    with pytest.raises(retention.ScheduleError, match=says):
        retention.parse(text, "test.yaml")


def test_keep_0d_and_the_shipped_defaults():
    rules = retention.parse("contact_personal: {keep: 0d, after: received, then: shred}", "t")
    assert rules["contact_personal"].keep_days == 0
    shipped = retention.load()
    assert shipped["contact_personal"].describe() == {"keep": "730d", "after": "closed",
                                                       "then": "shred"}  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.one_of(
    st.text(max_size=20), st.integers(),
    st.dictionaries(st.sampled_from(["keep", "after", "then", "x"]),
                    st.one_of(st.text(max_size=12), st.integers()), max_size=4),
), max_size=4))  # fmt: skip
def test_any_schedule_file_gives_rules_or_a_clear_refusal(doc):
    import yaml

    try:
        rules = retention.parse(yaml.safe_dump(doc), "fuzz.yaml")
    except retention.ScheduleError as exc:
        assert str(exc).startswith("fuzz.yaml")
    else:
        assert all(r.keep_days >= 0 and r.then in ("shred", "delete") for r in rules.values())


def test_the_server_refuses_to_start_with_a_bad_retention_file(tmp_path):
    bad = tmp_path / "retention.yaml"
    bad.write_text("contact_personal: {keep: 30d, after: closed, then: delete}\n")
    env = {"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_RETENTION_FILE": str(bad),
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    result = subprocess.run([LANTERN, "check"], env=env, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode != 0 and "can only be shredded" in result.stderr


# --- applying it -----------------------------------------------------------------------------


def _age(contact):
    Contact.objects.filter(pk=contact.pk).update(updated_at=OLD, received_at=OLD)


def _raw(pk) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT caller_name, caller_phone, summary, caller_phone_index FROM contacts_contact"
            " WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk],
        )  # fmt: skip
        return cursor.fetchone()


def _database_bytes() -> bytes:
    name = Path(connection.settings_dict["NAME"])
    out = name.read_bytes()
    wal = Path(str(name) + "-wal")
    return out + (wal.read_bytes() if wal.exists() else b"")


def test_apply_retention_shreds_what_is_due_keeps_what_is_held_and_leaves_no_trace(
    live_db, make_contact, personas
):
    due = [make_contact(caller={"name": f"Synthetic Shred {n}", "phone": f"+1 713 555 02{n}0",
                                "email": f"shred{n}@example.org"}) for n in range(3)]  # fmt: skip
    held = make_contact(caller={"name": "Synthetic Held", "phone": "+1 713 555 0299"})
    fresh = make_contact(caller={"name": "Synthetic Fresh", "phone": "+1 713 555 0298"})
    for contact in [*due, held]:
        _age(contact)
    case_actions.do_place_hold(
        actor=personas["supervisor"], contact=held, reason="Synthetic subpoena",
        review_on=timezone.localdate(),
    )  # fmt: skip
    ciphertexts = [value for c in due for value in _raw(c.pk)[:3]]
    assert all(ciphertexts)

    assert runner.plan()["contact_personal"] == 3  # a dry run changes nothing
    assert all(_raw(c.pk)[0] for c in due)

    from lantern.stats import actions as stats_actions

    before = stats_actions.do_prepare_release(OLD.year, actor=personas["supervisor"])
    done = runner.run()
    assert done["contact_personal"] == 3
    after = stats_actions.do_prepare_release(OLD.year, actor=personas["supervisor"])
    assert after.tables == before.tables  # the year's statistics are unchanged
    for contact in due:
        assert _raw(contact.pk) == (None, None, None, "")
        assert Contact.objects.get(pk=contact.pk).shredded_at is not None
    assert _raw(held.pk)[0] and _raw(fresh.pk)[0]  # held and not yet due: kept
    # the repeat-caller check no longer recognises a shredded caller
    assert do_repeat_lookup(personas["advocate"], phone="+1 713 555 0200").count == 0
    assert do_repeat_lookup(personas["advocate"], phone="+1 713 555 0299").count == 1
    if connection.vendor == "sqlite":
        data = _database_bytes()
        assert not [c for c in ciphertexts if c.encode() in data]
    event = AuditEvent.objects.filter(object_type="privacy.retention").get()
    assert event.changes["count"] == 3 and "Synthetic" not in str(event.changes)
    assert runner.run()["contact_personal"] == 0  # a second run does nothing twice


def test_a_released_hold_lets_retention_shred_and_closed_conversations_lose_their_words(
    live_db, make_contact, personas
):
    held = make_contact(caller={"name": "Synthetic Was Held"})
    _age(held)
    hold = case_actions.do_place_hold(
        actor=personas["supervisor"], received_from=OLD.date(), received_until=OLD.date(),
        reason="Synthetic investigation", review_on=timezone.localdate(),
    )  # fmt: skip
    assert runner.plan()["contact_personal"] == 0
    with pytest.raises(Exception, match="supervisor"):
        case_actions.do_release_hold(hold, actor=personas["advocate"])
    case_actions.do_release_hold(hold, actor=personas["supervisor"], reason="case closed")
    assert runner.plan()["contact_personal"] == 1

    message, _ = do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+15555550177",
        body="Synthetic secret words",
    )  # fmt: skip
    Conversation.objects.filter(pk=message.conversation_id).update(
        state="closed", closed_at=OLD, last_message_at=OLD
    )
    done = runner.run()
    assert done["contact_personal"] == 1 and done["messages"] == 1
    assert Message.objects.get(pk=message.pk).body is None
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.participant is None and conversation.participant_index == ""


def test_a_hold_needs_a_reason_one_target_and_a_review_date(db, personas, make_contact):
    from lantern.core.errors import InvalidInput

    contact = make_contact()
    with pytest.raises(InvalidInput) as refused:
        case_actions.do_place_hold(actor=personas["supervisor"], reason="", review_on=None)
    assert {"reason", "target", "review_on"} <= set(refused.value.errors)
    with pytest.raises(Exception, match="supervisor"):
        case_actions.do_place_hold(actor=personas["advocate"], contact=contact, reason="x",
                                   review_on=timezone.localdate())  # fmt: skip


def test_old_attachments_are_deleted_and_a_closed_cases_narrative_shredded_unless_held(
    live_db, make_contact, personas
):
    from lantern.cases.models import Case, CaseNote
    from lantern.contacts.models import Attachment

    message, _ = do_receive_message(
        channel="email", hotline_address="hotline@example.org",
        participant="synthetic.sender@example.org", body="Synthetic mail with a scan",
        attachments=(("synthetic-passport.png", "image/png", b"\x89PNG synthetic"),),
    )  # fmt: skip
    Message.objects.filter(pk=message.pk).update(created_at=OLD)
    assert Attachment.objects.filter(message=message).count() == 1

    advocate, supervisor = personas["advocate"], personas["supervisor"]
    closed = case_actions.do_open_case(make_contact(), actor=advocate)
    case_actions.do_add_case_note(closed, "Synthetic note naming a person", actor=advocate)
    held = case_actions.do_open_case(make_contact(), actor=advocate)
    for case in (closed, held):
        case_actions.do_change_case_status(case, "closed", actor=supervisor)
        Case.objects.filter(pk=case.pk).update(updated_at=OLD, created_at=OLD)
    case_actions.do_place_hold(actor=supervisor, case=held, reason="Synthetic prosecution",
                               review_on=timezone.localdate())  # fmt: skip

    due = runner.plan()
    assert due["attachments"] == 1 and due["case_narrative"] == 1
    done = runner.run()
    assert done["attachments"] == 1 and done["case_narrative"] == 1
    assert not Attachment.objects.filter(message=message).exists()
    shredded = Case.objects.get(pk=closed.pk)
    assert shredded.summary is None and shredded.shredded_at is not None
    assert all(n.body is None for n in CaseNote.objects.filter(case=closed))
    assert Case.objects.get(pk=held.pk).shredded_at is None  # the hold keeps it


def test_a_supervisor_holds_a_range_of_dates_from_the_home_screen(db, login, personas):
    from lantern.cases.models import LegalHold

    home = login("supervisor").get("/console/").content.decode()
    assert 'id="range-holds"' in home
    assert 'id="range-holds"' not in login("advocate").get("/console/").content.decode()
    data = {
        "received_from": "2024-01-01", "received_until": "2024-03-31",
        "reason": "Synthetic task force period", "review_on": str(timezone.localdate()),
    }  # fmt: skip
    assert login("advocate").post("/console/holds/range/", data).status_code in (403, 404)
    assert login("supervisor").post("/console/holds/range/", data).status_code == 302
    hold = LegalHold.objects.get()
    assert (str(hold.received_from), str(hold.received_until)) == ("2024-01-01", "2024-03-31")
    backwards = {**data, "received_from": "2024-04-01"}
    login("supervisor").post("/console/holds/range/", backwards)
    assert LegalHold.objects.count() == 1  # the range ends before it starts: refused
    assert "Synthetic task force period" in login("supervisor").get("/console/").content.decode()


def test_a_text_nobody_logged_is_shredded_once_its_conversation_is_over(db):
    over, _ = do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+15555550166",
        body="Synthetic text nobody logged",
    )  # fmt: skip
    still_open, _ = do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+15555550165",
        body="Synthetic text still going on",
    )  # fmt: skip
    Conversation.objects.filter(pk=over.conversation_id).update(
        state="closed", closed_at=OLD, last_message_at=OLD
    )
    for message in (over, still_open):
        Contact.objects.filter(conversation=message.conversation_id).update(
            updated_at=OLD, received_at=OLD
        )
    assert runner.plan()["contact_personal"] == 1
    runner.run()
    gone = Contact.objects.get(conversation=over.conversation_id)
    kept = Contact.objects.get(conversation=still_open.conversation_id)
    assert gone.status == "open" and gone.caller_phone is None and gone.shredded_at is not None
    assert kept.caller_phone is not None and kept.shredded_at is None
