"""Staff sockets end with their session (issue 16, item 2): sign-out, deactivation, password
change and role change close them at once, and every event in or out asks again, so a socket
whose close was missed still stops at its next event."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.contrib.sessions.models import Session
from django.test import Client

from lantern.accounts import actions as accounts
from lantern.accounts import sockets
from lantern.accounts.models import User
from lantern.contacts.actions import do_open_chat, do_receive_message
from lantern.contacts.models import Message
from lantern.intake import chat
from tests.conftest import PASSWORD
from tests.test_intake_chat import socket


def _signed_in(username: str) -> tuple[Client, bytes]:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client, f"sessionid={client.cookies['sessionid'].value}".encode()


def _change_password(username):
    user = User.objects.get(username=username)
    user.set_password("a brand new passphrase 7")
    user.save()


ENDINGS = {
    "sign-out": lambda client, username: client.logout(),
    "deactivation": lambda client, username: accounts.do_set_user_active(
        User.objects.get(username=username), False, actor=None
    ),
    "password change": lambda client, username: _change_password(username),
    "sign out everywhere": lambda client, username: accounts.do_end_sessions(
        User.objects.get(username=username), actor=None
    ),
    "role change": lambda client, username: accounts.do_set_user_role(
        User.objects.get(username=username), "directory_manager", actor=None
    ),
}


@async_to_sync
async def _closed_by(path: str, cookie: bytes, ending) -> dict:
    communicator = socket(path, cookie)
    connected, _ = await communicator.connect()
    assert connected
    await sync_to_async(ending)()
    return await communicator.receive_output(timeout=20)


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_chat_socket_closes_when_its_session_or_user_changes(live_db, personas, ending):
    conversation = do_open_chat()
    client, cookie = _signed_in("supervisor")
    path = f"/ws/console/chat/{conversation.contact_id}/"
    out = _closed_by(path, cookie, lambda: ENDINGS[ending](client, "supervisor"))
    assert out == {"type": "websocket.close", "code": sockets.SESSION_ENDED}


@pytest.mark.parametrize("ending", ["sign-out", "deactivation"])
def test_the_board_socket_closes_too(live_db, personas, ending):
    client, cookie = _signed_in("supervisor")
    out = _closed_by("/ws/console/routing/?board=1", cookie,
                     lambda: ENDINGS[ending](client, "supervisor"))  # fmt: skip
    assert out == {"type": "websocket.close", "code": sockets.SESSION_ENDED}


def test_signing_out_of_one_browser_leaves_the_other_open(live_db, personas):
    conversation = do_open_chat()
    path = f"/ws/console/chat/{conversation.contact_id}/"
    first, first_cookie = _signed_in("supervisor")
    _, second_cookie = _signed_in("supervisor")

    @async_to_sync
    async def scenario():
        one, two = socket(path, first_cookie), socket(path, second_cookie)
        assert (await one.connect())[0] and (await two.connect())[0]
        await sync_to_async(first.logout)()
        closed = await one.receive_output(timeout=20)
        assert await two.receive_nothing(timeout=0.3)
        await two.disconnect()
        return closed

    assert scenario() == {"type": "websocket.close", "code": sockets.SESSION_ENDED}


def test_every_event_asks_again_even_when_the_close_was_missed(live_db, personas):
    """The session row disappears without a close (another server, say): the next message the
    visitor writes is not shown, and the next one the advocate sends is not stored."""
    conversation = do_open_chat()
    _, cookie = _signed_in("supervisor")
    path = f"/ws/console/chat/{conversation.contact_id}/"

    @async_to_sync
    async def scenario():
        advocate = socket(path, cookie)
        assert (await advocate.connect())[0]
        message, _ = await sync_to_async(do_receive_message)(
            channel="chat", hotline_address="web", participant="", body="Synthetic: still here",
            contact=conversation.contact,
        )  # fmt: skip
        await get_channel_layer().group_send(
            chat.group(conversation.pk), chat._event(message, author="visitor")
        )
        shown = await advocate.receive_json_from(timeout=20)
        await sync_to_async(Session.objects.all().delete)()
        await get_channel_layer().group_send(
            chat.group(conversation.pk), chat._event(message, author="visitor")
        )
        after = await advocate.receive_output(timeout=20)
        return shown, after

    shown, after = scenario()
    assert shown["body"] == "Synthetic: still here"
    assert after == {"type": "websocket.close", "code": sockets.SESSION_ENDED}

    _, cookie = _signed_in("supervisor")

    @async_to_sync
    async def send_after_deactivation():
        advocate = socket(path, cookie)
        assert (await advocate.connect())[0]
        await sync_to_async(User.objects.filter(username="supervisor").update)(is_active=False)
        await advocate.send_json_to({"type": "message", "body": "Synthetic: sent by nobody"})
        return await advocate.receive_output(timeout=20)

    assert send_after_deactivation()["type"] == "websocket.close"
    assert not Message.objects.filter(direction="outbound").exists()


def test_a_visitor_socket_stops_when_the_chat_session_ends(live_db):
    from tests.test_intake_chat import visitor_cookie

    conversation = do_open_chat()
    cookie = visitor_cookie(conversation)

    @async_to_sync
    async def scenario():
        visitor = socket("/ws/chat/", cookie)
        assert (await visitor.connect())[0]
        await sync_to_async(Session.objects.all().delete)()  # Quick exit's beacon flushed it
        await visitor.send_json_to({"type": "message", "body": "Synthetic: after the exit"})
        return await visitor.receive_output(timeout=20)

    assert scenario() == {"type": "websocket.close", "code": 4404}
    assert not Message.objects.filter(conversation=conversation).exists()
