"""Live chat's sockets through the real ASGI application (channels' WebsocketCommunicator)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.testing.websocket import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from lantern.asgi import application
from lantern.contacts.actions import do_open_chat
from lantern.contacts.models import Conversation, Message
from lantern.core import sessions
from lantern.privacy.fields import reveal
from tests.conftest import PASSWORD

HEADERS = [(b"origin", b"http://localhost"), (b"host", b"localhost")]


def visitor_cookie(conversation) -> bytes:
    store = SessionStore()
    store[sessions.CHAT] = str(conversation.pk)
    store.create()
    return f"sessionid={store.session_key}".encode()


def socket(path, cookie=b""):
    headers = [*HEADERS, (b"cookie", cookie)] if cookie else HEADERS
    return WebsocketCommunicator(application, path, headers=headers)


@async_to_sync
async def talk(communicator, *messages, receive=1):
    connected, code = await communicator.connect()
    answers = []
    if connected:
        for message in messages:
            await communicator.send_json_to(message)
        for _ in range(receive):
            answers.append(await communicator.receive_json_from(timeout=5))
    await communicator.disconnect()
    return connected, code, answers


def test_a_visitor_message_is_stored_and_echoed(live_db):
    conversation = do_open_chat(safe=False)
    assert conversation.contact.urgent is True
    connected, _, [echo] = talk(
        socket("/ws/chat/", visitor_cookie(conversation)), {"type": "message", "body": " help "}
    )
    assert connected and echo["type"] == "message" and echo["body"] == "help"
    assert echo["author"] == "You"
    [stored] = Message.objects.filter(conversation=conversation)
    assert reveal(stored.body) == "help" and stored.direction == "inbound"


def test_bad_and_flooding_messages_are_refused(live_db):
    conversation = do_open_chat()
    cookie = visitor_cookie(conversation)
    bad = [
        {"type": "message", "body": ""},
        {"type": "dance"},
        {"type": "message", "body": "x" * 1601},
        {"type": "message", "body": "a\x00b"},
    ]
    _, _, answers = talk(socket("/ws/chat/", cookie), *bad, receive=4)
    assert [a["type"] for a in answers] == ["error"] * 4
    flood = [{"type": "message", "body": f"m{i}"} for i in range(10)]
    _, _, answers = talk(socket("/ws/chat/", cookie), *flood, receive=10)
    assert sum(a["type"] == "error" for a in answers) == 2  # 8 per 10 s get through
    assert Message.objects.filter(conversation=conversation).count() == 8


def test_sockets_without_a_chat_or_a_permission_are_closed(live_db, personas):
    connected, _, _ = talk(socket("/ws/chat/"), receive=0)  # no session
    assert not connected
    conversation = do_open_chat()
    path = f"/ws/console/chat/{conversation.contact_id}/"
    assert not talk(socket(path), receive=0)[0]  # not signed in
    client = Client()
    client.login(username="directory", password=PASSWORD)  # may not open contacts
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    assert not talk(socket(path, cookie), receive=0)[0]
    client.login(username="supervisor", password=PASSWORD)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    assert talk(socket(path, cookie), receive=0)[0]
    Conversation.objects.filter(pk=conversation.pk).update(state="closed")
    assert not talk(socket("/ws/chat/", visitor_cookie(conversation)), receive=0)[0]
