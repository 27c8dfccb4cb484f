"""Routing's notices to a person, in the hotline's words (``data/messages.yaml``)."""

from __future__ import annotations

from lantern.contacts import actions as contacts
from lantern.intake import messages
from lantern.routing import queries as routing_queries


def after_hours(task_id) -> None:
    """A non-urgent message arrived while its queue is closed: say when it will be answered,
    and how to reach someone now. Once per conversation, and never to a closed one."""
    task = routing_queries.task_by_id(task_id)
    conversation = getattr(task.contact, "conversation", None) if task else None
    if conversation is None or conversation.state != "open":
        return
    body = messages.text(task.channel, "after_hours", task.language)
    contacts.do_send_message(conversation, body, actor=None)
