"""PostgreSQL advisory lock keys, one per purpose, in one place.

Two purposes must never share a key: when the audit chain and routing's dispatcher shared one,
every audited write waited for the whole of a dispatcher pass (issue 20: at 40 requests/s the
median went from 15 ms to 173 ms with the dispatcher on). Keys are pairs: Lantern's namespace
and the purpose, for ``pg_advisory_lock(int, int)``.
"""

NAMESPACE = 0x4C414E54  # "LANT"
ROUTING_DISPATCH = 2  # the dispatcher's leader, held for the life of a process (session-level)
# appends to the audit log's hash chains, AUDIT_CHAIN_BASE + chain (1..audit.actions.CHAINS),
# transaction-level. (Key 1 was the single chain's before decision 0011.)
AUDIT_CHAIN_BASE = 100
