"""Routing's raw SQL, in one place: the dispatcher asks these twice a second in every process,
where building them through the ORM cost more than running them. Only constants (and table
names from the models) here; every value travels as a parameter."""

# An idle tick is this one statement. ``{contact}``, ``{task}`` and ``{offer}`` are the models'
# table names (routing.queries.pending_work fills them in).
PENDING_WORK = """
SELECT
  EXISTS (SELECT 1 FROM {contact} c
          WHERE c.status = 'open' AND c.received_at >= %s
            AND NOT (c.channel = 'phone' AND c.ended_at IS NULL AND c.received_at > %s)
            AND NOT EXISTS (SELECT 1 FROM {task} t WHERE t.contact_id = c.id)),
  EXISTS (SELECT 1 FROM {task} WHERE state IN ('waiting', 'offered')),
  EXISTS (SELECT 1 FROM {task} t JOIN {contact} c ON c.id = t.contact_id
          WHERE t.state = 'assigned' AND c.status = 'logged'),
  EXISTS (SELECT 1 FROM {offer} WHERE state = 'pending' AND expires_at <= %s)
"""

# the dispatcher's leadership on PostgreSQL: a session advisory lock on a connection of its own
TRY_LEAD = "SELECT pg_try_advisory_lock(%s, %s)"
STILL_CONNECTED = "SELECT 1"
