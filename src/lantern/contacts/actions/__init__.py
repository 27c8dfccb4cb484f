"""Every change to contacts. Each action validates, writes, audits and re-checks visibility in one
transaction; callers (console, API, intake) stay thin.

By topic, as Zulip's ``zerver/actions``: ``records`` (log, edit, look up, handle), ``channels``
(what arrives), ``messages`` (what leaves); everything is re-exported here, so callers import
``lantern.contacts.actions`` as before.
"""

from lantern.contacts.actions.channels import (
    do_close_conversation,
    do_note_call_progress,
    do_open_chat,
    do_receive_call,
    do_receive_message,
    do_receive_tip,
)
from lantern.contacts.actions.messages import (
    do_delete_attachments,
    do_send_message,
    do_shred_conversations,
    do_update_message_status,
    message_not_sent,
)
from lantern.contacts.actions.records import (
    GUESS_LANGUAGE_FROM,
    HANDLER_ROLES,
    INTAKE,
    MAX_MESSAGE,
    PERSONAL_FIELDS,
    do_create_contact,
    do_release_contact,
    do_repeat_lookup,
    do_shred_contacts,
    do_take_contact,
    do_update_contact,
)

__all__ = [
    "GUESS_LANGUAGE_FROM",
    "HANDLER_ROLES",
    "INTAKE",
    "MAX_MESSAGE",
    "PERSONAL_FIELDS",
    "do_close_conversation",
    "do_create_contact",
    "do_note_call_progress",
    "do_open_chat",
    "do_receive_call",
    "do_receive_message",
    "do_receive_tip",
    "do_release_contact",
    "do_repeat_lookup",
    "do_shred_contacts",
    "do_shred_conversations",
    "do_delete_attachments",
    "do_send_message",
    "do_take_contact",
    "do_update_contact",
    "do_update_message_status",
    "message_not_sent",
]
