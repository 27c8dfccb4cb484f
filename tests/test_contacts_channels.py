"""Contacts arriving through a channel: open contacts, conversations, messages (decision 0003)."""

from __future__ import annotations

import pytest
from django.db import connection

from lantern.contacts import outbound
from lantern.contacts.actions import (
    do_note_call_progress,
    do_receive_call,
    do_receive_message,
    do_send_message,
    do_take_contact,
    do_update_contact,
    do_update_message_status,
)
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import Contact, Conversation, Message
from lantern.outbox import actions as outbox
from lantern.outbox.models import OutboxItem
from lantern.privacy.fields import reveal

HOTLINE = "+15555550100"
OTHER_LINE = "+15555550199"
CALLER = "+15555550123"


def receive(body="hello", sid="SM" + "0" * 32, sender=CALLER, to=HOTLINE):
    return do_receive_message(
        channel="sms", hotline_address=to, participant=sender, body=body, provider_id=sid
    )


def test_first_message_opens_a_contact_and_a_conversation(db):
    message, created = receive("I need help", "SM1")
    assert created
    conversation = message.conversation
    contact = conversation.contact
    assert contact.status == "open" and contact.channel == "sms"
    assert contact.call_type_values == [] and contact.handled_by is None
    assert conversation.state == "open" and conversation.hotline_address == HOTLINE
    assert message.direction == "inbound" and message.status == "received"
    # the sender's number is the contact's phone, found again through the blind index
    assert reveal(contact.caller_phone) == CALLER and contact.caller_phone_index


def test_next_messages_thread_into_the_open_conversation(db):
    first, _ = receive("one", "SM1")
    second, _ = receive("two", "SM2")
    elsewhere, _ = receive("three", "SM3", to=OTHER_LINE)
    someone_else, _ = receive("four", "SM4", sender="+15555550124")
    assert second.conversation_id == first.conversation_id
    assert elsewhere.conversation_id != first.conversation_id
    assert someone_else.conversation_id != first.conversation_id
    assert Contact.objects.count() == 3
    assert [reveal(m.body) for m in first.conversation.messages.all()] == ["one", "two"]


def test_a_retried_message_is_stored_once(db):
    first, created = receive("hello", "SM1")
    again, created_again = receive("hello", "SM1")
    assert created and not created_again and again.pk == first.pk
    assert Message.objects.count() == 1 and Contact.objects.count() == 1


def test_message_bodies_are_encrypted_at_rest(db):
    receive("my boss took my passport", "SM1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM contacts_message")
        (raw,) = cursor.fetchone()
        cursor.execute("SELECT participant FROM contacts_conversation")
        (participant,) = cursor.fetchone()
    assert "passport" not in raw and CALLER not in participant


def test_a_call_is_stored_once_and_urgency_only_rises(db):
    contact, created = do_receive_call(provider_id="CA1", caller=CALLER)
    again, created_again = do_receive_call(provider_id="CA1", caller=CALLER)
    assert created and not created_again and again.pk == contact.pk
    assert contact.status == "open" and contact.channel == "phone"
    do_note_call_progress(contact, language="es", urgent=True)
    do_note_call_progress(contact, urgent=False)
    contact.refresh_from_db()
    assert contact.language == "es" and contact.urgent is True
    with pytest.raises(ContactValidationError):
        do_receive_call(provider_id="")


def test_an_advocate_logs_an_open_contact(personas):
    message, _ = receive("hello", "SM1")
    contact = message.conversation.contact
    do_take_contact(contact, actor=personas["advocate"])
    with pytest.raises(ContactValidationError):
        do_take_contact(contact, actor=personas["advocate2"])  # already taken
    do_update_contact(contact, {"summary": "asked about hours"}, actor=personas["advocate"])
    contact.refresh_from_db()
    assert contact.status == "open"  # no call types yet: still waiting to be logged
    do_update_contact(contact, {"call_types": ["general_info"]}, actor=personas["advocate"])
    contact.refresh_from_db()
    assert contact.status == "logged" and contact.handled_by == personas["advocate"]


def test_replies_are_queued_then_sent_after_commit(
    personas, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    observed = outbox.Sender(send=lambda ref, *, attempt: sent.append(ref))  # the channel's sender
    monkeypatch.setitem(outbox._senders, outbound.kind("sms"), observed)
    message, _ = receive("hello", "SM1")
    conversation = message.conversation
    do_take_contact(conversation.contact, actor=personas["advocate"])
    with django_capture_on_commit_callbacks(execute=True):
        reply = do_send_message(conversation, "  We are here.  ", actor=personas["advocate"])
    assert sent == [str(reply.pk)]  # through the outbound queue, once committed
    assert OutboxItem.objects.get(ref=str(reply.pk)).state == "sent"
    assert reply.status == "queued" and reveal(reply.body) == "We are here."
    assert reply.sent_by == personas["advocate"]
    for bad in ("", "   ", "x" * 1601):
        with pytest.raises(ContactValidationError):
            do_send_message(conversation, bad, actor=personas["advocate"])


def test_message_status_only_moves_forward(db):
    message, _ = receive("hello", "SM1")
    reply = Message.objects.create(
        conversation=message.conversation, direction="outbound", body="hi", status="queued"
    )
    assert do_update_message_status(reply, "delivered", provider_id="SM9")
    assert not do_update_message_status(reply, "sent")  # a late callback
    reply.refresh_from_db()
    assert reply.status == "delivered" and reply.provider_id == "SM9"


def test_one_open_conversation_per_person_and_line(db):
    message, _ = receive("hello", "SM1")
    conversation = message.conversation
    Conversation.objects.filter(pk=conversation.pk).update(state="closed")
    later, _ = receive("back again", "SM2")
    assert later.conversation_id != conversation.pk  # a closed thread is not reopened
