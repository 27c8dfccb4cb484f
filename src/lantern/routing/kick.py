"""Wake routing's dispatcher now rather than at its next interval: something arrived, an
advocate became free, an offer was declined. Anything may call ``kick``; it only sets an event
that the dispatcher's thread (``routing.dispatcher``) waits on, so it imports nothing of routing.
"""

import threading

wake = threading.Event()


def kick() -> None:
    wake.set()
