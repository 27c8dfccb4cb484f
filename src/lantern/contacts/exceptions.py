from lantern.core.errors import InvalidInput


class ContactValidationError(InvalidInput):
    """Bad contact input; ``errors`` names each bad field."""
