from lantern.core.errors import InvalidInput


class TrainingError(InvalidInput):
    """A training record or a review that cannot be saved as given; ``errors`` says why."""
