class RoutingError(Exception):
    """A routing request that cannot be done; ``str()`` says why, for the person who asked."""


class OfferUnavailable(RoutingError):
    """The offer was taken, withdrawn or expired before this answer reached it."""


class CallUnavailable(RoutingError):
    """The call cannot take this now (it is not live, no interpreter line is left...)."""


class CallForbidden(RoutingError):
    """The permission rules do not allow this person to do this on this call."""


class CallInputError(RoutingError):
    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
