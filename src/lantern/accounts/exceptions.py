class AccountError(Exception):
    """A user or token request that cannot be carried out; the message says why."""
