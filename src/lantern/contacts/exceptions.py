from lantern.core.errors import InvalidInput


class ContactValidationError(InvalidInput):
    """Bad contact input; ``errors`` names each bad field."""


class DuplicateSubmission(Exception):
    """A form sent a second time (its once-only key is taken): nothing new was filed."""
