class InvalidInput(Exception):
    """Input that cannot be accepted. ``errors`` maps a field path (``caller.phone``) to a reason.

    Entry points turn it into HTTP 422 (API), form errors (console) or a CLI error.
    """

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
