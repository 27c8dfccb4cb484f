"""Live web chat over WebSockets (Django Channels): the visitor's side and the advocate's side
of one conversation, joined in a channel-layer group ``chat-<conversation id>``.

Every message is stored (``contacts.actions``) before it is passed on, so what the advocate
sees is what the database holds. The visitor is anonymous: their socket is tied to the chat
by their session, no address is kept. An advocate may watch a chat they may open
(``view_contact``), write in one they may edit (``edit_contact``), and sees the visitor's words
in clear only with ``view_contact_pii``.
"""

from __future__ import annotations

import time
from collections import deque

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from lantern.accounts import rules, sockets
from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.exceptions import ContactValidationError
from lantern.core import coerce, sessions
from lantern.privacy import masking
from lantern.privacy.fields import reveal
from lantern.routing.kick import kick

SESSION_KEY = sessions.CHAT
MAX_BODY = 1600
# a flood from one visitor: more than this many messages in this many seconds is refused
FLOOD_MESSAGES, FLOOD_SECONDS = 8, 10


def group(conversation_id) -> str:
    return f"chat-{conversation_id}"


def _event(message, *, author: str) -> dict:
    return {
        "type": "chat.message",
        "id": str(message.pk),
        "inbound": message.direction == "inbound",
        "body": reveal(message.body) or "",
        "at": message.created_at.isoformat(),
        "author": author,
    }


def deliver(message_id, *, attempt: int = 1) -> None:
    """The chat channel's sender (``contacts.outbound``): an advocate's message reaches the
    visitor's open page through the group; it is stored already, so a visitor who reconnects
    finds it in the history."""
    message = contact_queries.message_for_sending(message_id)
    if message is None or message.status != "queued":
        return
    author = message.sent_by.username if message.sent_by else "automatic"
    async_to_sync(get_channel_layer().group_send)(
        group(message.conversation_id), _event(message, author=author)
    )
    contacts.do_update_message_status(message, "sent")


class _Flood:
    def __init__(self):
        self.times: deque = deque()

    def allow(self) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] > FLOOD_SECONDS:
            self.times.popleft()
        if len(self.times) >= FLOOD_MESSAGES:
            return False
        self.times.append(now)
        return True


class _Json(JsonWebsocketConsumer):
    """A frame that is not JSON answers with an error frame; the socket stays open."""

    @classmethod
    def decode_json(cls, text_data):
        try:
            return super().decode_json(text_data)
        except ValueError:
            return None


class VisitorConsumer(_Json):
    def connect(self):
        session = self.scope.get("session")
        conversation_id = session.get(SESSION_KEY) if session else None
        self.conversation = (
            contact_queries.chat_conversation(conversation_id) if conversation_id else None
        )
        if self.conversation is None or self.conversation.state != "open":
            self.close(code=4404)
            return
        self.flood = _Flood()
        self.group = group(self.conversation.pk)
        async_to_sync(self.channel_layer.group_add)(self.group, self.channel_name)
        self.accept()
        self._presence("connected")

    def disconnect(self, code):
        if getattr(self, "group", None):
            # leaving by "End the chat" or the quick exit closes the conversation first
            current = contact_queries.chat_conversation(self.conversation.pk)
            self._presence("left" if current and current.state == "closed" else "disconnected")
            async_to_sync(self.channel_layer.group_discard)(self.group, self.channel_name)

    def _presence(self, state: str):
        async_to_sync(self.channel_layer.group_send)(
            self.group, {"type": "chat.presence", "visitor": state}
        )

    def _session_stands(self) -> bool:
        """The visitor's session still holds this chat (Quick exit and leaving flush it);
        asked on every event in and out, so a socket outliving its session closes."""
        store = sessions.reread(self.scope)
        if store is not None and store.get(SESSION_KEY) == str(self.conversation.pk):
            return True
        self.close(code=4404)
        return False

    def receive_json(self, content, **kwargs):
        if not self._session_stands():
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "leave":
            contacts.do_close_conversation(self.conversation, reason="the visitor left the chat")
            self._presence("left")
            self.close()
            return
        if kind != "message":
            self._error(gettext_lazy("Unknown message type."))
            return
        body = content.get("body")
        if not isinstance(body, str) or not body.strip() or "\x00" in body:
            self._error(gettext_lazy("Write a message first."))
            return
        try:
            coerce.check_text(body)
        except coerce.Invalid:
            self.send_json({"type": "error", "error": "the message has a character that cannot "
                            "be sent; please type it again"})  # fmt: skip
            return
        if len(body) > MAX_BODY:
            self._error(gettext_lazy("At most %(count)d characters, please.") % {"count": MAX_BODY})
            return
        if not self.flood.allow():
            self._error(gettext_lazy("Please slow down a little."))
            return
        message, _ = contacts.do_receive_message(
            channel="chat", hotline_address="web", participant="", body=body.strip(),
            contact=self.conversation.contact,
        )  # fmt: skip
        async_to_sync(self.channel_layer.group_send)(self.group, _event(message, author="visitor"))
        kick()  # what the visitor writes can raise the chat's urgency while it waits

    def _error(self, text):
        """An error in the language of the chat's page (the contact's language)."""
        with translation.override(self.conversation.contact.language or "en"):
            self.send_json({"type": "error", "error": str(text)})

    def chat_message(self, event):
        if not self._session_stands():
            return
        with translation.override(self.conversation.contact.language or "en"):
            author = gettext("You") if event["inbound"] else gettext("The hotline")
        self.send_json({**event, "type": "message", "author": author})

    def chat_presence(self, event):
        pass  # the visitor needs no news of their own connection


class AdvocateConsumer(_Json):
    """An advocate's side. The socket belongs to the session that opened it: it closes when that
    session ends, the user is deactivated or changes password or role (``accounts.sockets``),
    and every event in or out asks again whether the session stands and the rules still let
    this user see the contact (and its words in clear) or write in it."""

    def connect(self):
        self.user = self.scope.get("user")
        self.contact_id = self.scope["url_route"]["kwargs"]["contact_id"]
        contact = self._contact() if self.user is not None and self.user.is_authenticated else None
        conversation = getattr(contact, "conversation", None) if contact else None
        if conversation is None or conversation.channel != "chat":
            self.close(code=4403)
            return
        self.contact, self.conversation = contact, conversation
        self.pii = rules.allows_object(self.user, "view_contact_pii", contact)
        self.groups_joined = [group(conversation.pk), *sockets.groups_for(self.scope)]
        for name in self.groups_joined:
            async_to_sync(self.channel_layer.group_add)(name, self.channel_name)
        self.accept()

    def _contact(self):
        try:
            return contact_queries.access_contact_for_user(self.user, self.contact_id,
                                                           "view_contact")  # fmt: skip
        except ObjectDoesNotExist:  # missing and forbidden look the same
            return None

    def _still_allowed(self) -> bool:
        """Session, user and rules, read afresh; closes the socket and says no if any changed."""
        user = sockets.session_user(self.scope)
        if user is None:
            self.close(code=sockets.SESSION_ENDED)
            return False
        self.user = user
        contact = self._contact()
        if contact is None:
            self.close(code=4403)
            return False
        self.contact = contact
        self.pii = rules.allows_object(user, "view_contact_pii", contact)
        return True

    def disconnect(self, code):
        for name in getattr(self, "groups_joined", []):
            async_to_sync(self.channel_layer.group_discard)(name, self.channel_name)

    def receive_json(self, content, **kwargs):
        if not self._still_allowed():
            return
        if not isinstance(content, dict) or content.get("type") != "message":
            self.send_json({"type": "error", "error": "unknown message type"})
            return
        if not rules.allows_object(self.user, "edit_contact", self.contact):
            self.send_json({"type": "error", "error": "take this contact to answer it"})
            return
        try:
            contacts.do_send_message(self.conversation, str(content.get("body") or ""),
                                     actor=self.user)  # fmt: skip
        except ContactValidationError as exc:
            self.send_json({"type": "error", "error": " ".join(exc.errors.values())})

    def chat_message(self, event):
        if not self._still_allowed():
            return
        body = event["body"] if self.pii else masking.mask_text(event["body"])
        self.send_json({**event, "type": "message", "body": body})

    def chat_presence(self, event):
        if self._still_allowed():
            self.send_json({"type": "presence", "visitor": event["visitor"]})

    def session_ended(self, event):
        self.close(code=sockets.SESSION_ENDED)
