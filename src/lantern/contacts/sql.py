"""The contacts app's raw SQL, in one place: the statements on the hot path of every incoming
text and reply, where the ORM's query building cost more than the query (bench/intake.py).
Only constants here; every value travels as a parameter."""

# a retry of a webhook finds its message (HAS_PROVIDER_ID, for the partial index)
MESSAGE_BY_PROVIDER_ID = (
    "SELECT id FROM contacts_message WHERE provider_id = %s AND NOT (provider_id = '')"
)

# the open conversation of a person on a channel and hotline address, with its contact's
# language fields; on PostgreSQL ``OPEN_THREAD_LOCK`` is appended
OPEN_THREAD = (
    "SELECT cv.id, cv.contact_id, cv.opened_at, c.language, c.language_hint"
    " FROM contacts_conversation cv"
    " JOIN contacts_contact c ON c.id = cv.contact_id"
    " WHERE cv.channel = %s AND cv.hotline_address = %s AND cv.participant_index = %s"
    " AND cv.state = 'open'"
)
OPEN_THREAD_LOCK = " FOR UPDATE OF cv"

# how many messages a person sent in a conversation, counted up to a limit
INBOUND_COUNT = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM contacts_message"
    " WHERE conversation_id = %s AND direction = 'inbound' LIMIT %s) AS first"
)

SET_LANGUAGE_HINT = (
    "UPDATE contacts_contact SET language_hint = %s WHERE id = %s AND language_hint = ''"
)

SET_LAST_MESSAGE_AT = "UPDATE contacts_conversation SET last_message_at = %s WHERE id = %s"
