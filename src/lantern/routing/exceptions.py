class RoutingError(Exception):
    """A routing request that cannot be done; ``str()`` says why, for the person who asked."""


class OfferUnavailable(RoutingError):
    """The offer was taken, withdrawn or expired before this answer reached it."""
