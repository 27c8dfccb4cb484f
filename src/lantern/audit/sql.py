"""The audit app's raw SQL, in one place: appending to a hash chain happens in every audited
write. Only constants here; every value travels as a parameter."""

# serialise appends to one chain (decision 0011): PostgreSQL, to the end of the transaction
LOCK_CHAIN = "SELECT pg_advisory_xact_lock(%s, %s)"

# the newest entry's hash of one chain (index audit_chain_idx)
LAST_HASH = "SELECT hash FROM audit_auditevent WHERE chain = %s ORDER BY id DESC LIMIT 1"
