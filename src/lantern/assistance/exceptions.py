from lantern.core.errors import InvalidInput


class AssistanceError(InvalidInput):
    """A T&TA request or deliverable that cannot be saved as given; ``errors`` says why, per
    field. Nothing was changed."""


class DuplicateRequest(Exception):
    """The same public form was sent again (its once-only key is filed already): nothing new."""
