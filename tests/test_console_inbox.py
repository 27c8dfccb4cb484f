"""The console's inbox and conversation pages (issue 4)."""

from __future__ import annotations

from lantern.audit.models import AuditEvent
from lantern.contacts.actions import do_receive_message
from lantern.contacts.models import Contact, Message


def text(body="hello", sid="SM1", sender="+15555550123"):
    message, _ = do_receive_message(
        channel="sms", hotline_address="+15555550100", participant=sender, body=body,
        provider_id=sid,
    )  # fmt: skip
    return message.conversation.contact


def test_inbox_lists_waiting_contacts_urgent_first(login, db):
    calm = text("hello", "SM1", "+15555550121")
    urgent = text("help now", "SM2", "+15555550122")
    Contact.objects.filter(pk=urgent.pk).update(urgent=True)
    page = login("advocate").get("/console/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(str(urgent.pk)) < html.index(str(calm.pk))
    assert "help now" not in html  # the inbox shows no message text
    assert login("directory").get("/console/inbox/").status_code == 403


def test_take_reply_and_the_conversation_is_private_to_its_handler(login, personas, db):
    contact = text("my passport was taken", "SM1")
    advocate, colleague = login("advocate"), login("advocate2")
    response = advocate.post(f"/console/contacts/{contact.pk}/take/")
    assert response.status_code == 302 and response["Location"].endswith("/conversation/")
    # a colleague cannot take it again, and sees the messages masked
    assert colleague.post(f"/console/contacts/{contact.pk}/take/").status_code == 302
    assert Contact.objects.get(pk=contact.pk).handled_by == personas["advocate"]
    theirs = colleague.get(f"/console/contacts/{contact.pk}/conversation/").content.decode()
    assert "passport" not in theirs and "Send" not in theirs
    mine = advocate.get(f"/console/contacts/{contact.pk}/conversation/").content.decode()
    assert "my passport was taken" in mine
    assert AuditEvent.objects.filter(action="read_pii", object_id=str(contact.pk)).exists()
    # an empty reply is refused with the reason; nothing is stored
    empty = advocate.post(f"/console/contacts/{contact.pk}/conversation/", {"body": "  "})
    assert empty.status_code == 200 and "write a message first" in empty.content.decode()
    intruder = colleague.post(f"/console/contacts/{contact.pk}/conversation/", {"body": "hi"})
    assert intruder.status_code == 403
    assert not Message.objects.filter(direction="outbound", sent_by__isnull=False).exists()
