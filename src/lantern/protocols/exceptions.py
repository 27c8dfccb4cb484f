from lantern.core.errors import InvalidInput


class ProtocolError(InvalidInput):
    """A protocol that cannot be saved as given; ``errors`` says why, per field."""
