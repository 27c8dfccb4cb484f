"""The port through which routing asks for call control, without knowing the provider.

Routing's call actions record each step, then hand a command to the adapter registered here
after their transaction commits. ``intake`` registers the Twilio adapter when Django starts
(``IntakeConfig.ready``), as it registers its senders for ``contacts.outbound``; nothing in
routing imports ``intake`` (DESIGN.md, "Calls (voice)").

An adapter has these methods, each taking ids (it reads what it needs):

- ``access_token(user) -> str``: a short-lived token for the browser softphone ("" when the
  provider's keys are not set);
- ``ready() -> bool``: the provider is configured (a deployment without it connects nobody:
  an accepted call is taken as before, and the advocate calls back by hand);
- ``dial(leg_id)``: ring a leg (an advocate's browser or phone, an interpreter line, a transfer,
  a supervisor, a caller called back from the hotline's number) into the call's conference;
- ``join_caller(contact_id)``: move the waiting caller into the conference;
- ``hold(leg_id, held)``, ``hang_up(leg_id)``: control one leg.

A command that fails calls back into routing (``routing.calls``), which records why and, for an
advocate being connected, offers the call to the next advocate.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)
_adapter = None


def register(adapter) -> None:
    global _adapter
    _adapter = adapter


def ready() -> bool:
    return _adapter is not None and _adapter.ready()


def access_token(user) -> str:
    return _adapter.access_token(user) if ready() else ""


def after_commit(command: str, *args) -> None:
    """Run ``adapter.<command>(*args)`` once the caller's transaction commits."""
    if _adapter is None:
        raise LookupError("no telephony adapter is registered")
    method = getattr(_adapter, command)
    transaction.on_commit(lambda: method(*args))
