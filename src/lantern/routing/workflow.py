"""The routing workflow: which queue a contact waits in, and where it goes when nobody answers.

A workflow is one JSON document (``routing.models.RoutingWorkflow``), evaluated like a Twilio
TaskRouter workflow: ordered filters, the first whose conditions all hold wins; each filter lists
targets, and a target with a ``timeout`` hands the contact to the next target when nobody has
taken it in that many seconds. ``default`` catches every contact no filter matches::

    {
      "offer_timeout": 30,          # seconds an advocate has to accept an offer
      "reserved_for_urgent": 1,     # free advocates kept back from non-urgent work
      "escalate_at": 0.8,           # share of a queue's answer target: supervisors are warned
      "filters": [
        {"name": "spanish", "when": {"language": ["es"]},
         "targets": [{"queue": "general", "skills": ["lang:es"], "timeout": 60},
                     {"queue": "general", "skills": ["interpreter"]}]}
      ],
      "default": {"queue": "general"}
    }

Conditions: ``urgency``, ``language``, ``channel``, ``category`` and ``flags`` (any listed value
matches; ``flags`` matches when the contact has one of them). Skills on a target add to the
queue's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from lantern.contacts.choices import ContactCallTypeChoices, ContactChannelChoices
from lantern.routing.choices import TaskUrgencyChoices

CONDITIONS = {
    "urgency": set(TaskUrgencyChoices.values),
    "channel": set(ContactChannelChoices.values),
    "category": set(ContactCallTypeChoices.values),
    "language": None,  # any BCP 47 primary tag
    "flags": None,
}
SETTINGS = {"offer_timeout": 30, "reserved_for_urgent": 1, "escalate_at": 0.8}


class WorkflowError(ValueError):
    """What is wrong with a workflow, in words for the admin who wrote it."""


@dataclass(frozen=True)
class Target:
    queue: str
    skills: tuple[str, ...] = ()
    timeout: int | None = None


@dataclass(frozen=True)
class Route:
    """Where a contact goes: the filter that matched and its targets."""

    name: str
    targets: tuple[Target, ...]


def _target(raw, where: str, queues: set[str]) -> Target:
    if not isinstance(raw, dict) or not raw.get("queue"):
        raise WorkflowError(f"{where}: a target needs a queue")
    unknown = set(raw) - {"queue", "skills", "timeout"}
    if unknown:
        raise WorkflowError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    if not isinstance(raw["queue"], str) or raw["queue"] not in queues:
        raise WorkflowError(f"{where}: there is no queue {raw['queue']!r}")
    skills = raw.get("skills") or []
    if not isinstance(skills, list) or not all(isinstance(s, str) and s for s in skills):
        raise WorkflowError(f"{where}: skills must be a list of names")
    timeout = raw.get("timeout")
    if timeout is not None and (not isinstance(timeout, int) or timeout <= 0):
        raise WorkflowError(f"{where}: the timeout must be a whole number of seconds above 0")
    return Target(queue=raw["queue"], skills=tuple(skills), timeout=timeout)


def _targets(raw, where: str, queues: set[str]) -> tuple[Target, ...]:
    if not isinstance(raw, list) or not raw:
        raise WorkflowError(f"{where}: give at least one target")
    targets = tuple(_target(t, f"{where}, target {i}", queues) for i, t in enumerate(raw, 1))
    for number, target in enumerate(targets[:-1], 1):
        if target.timeout is None:
            raise WorkflowError(
                f"{where}, target {number} has no timeout, so the targets after it are never "
                "reached: give it a timeout or remove them"
            )
    return targets


@dataclass(frozen=True)
class Workflow:
    filters: tuple[tuple[dict, Route], ...]
    default: Route
    offer_timeout: int
    reserved_for_urgent: int
    escalate_at: float

    def route(self, facts: dict) -> Route:
        """The first filter whose conditions all hold for ``facts``, else the default."""
        for conditions, route in self.filters:
            if all(_holds(facts, key, values) for key, values in conditions.items()):
                return route
        return self.default

    def next_target(self, route_name: str, step: int) -> tuple[str, int, Target] | None:
        """Where a contact goes when step ``step`` of ``route_name`` times out."""
        route = self.by_name(route_name)
        if step + 1 < len(route.targets):
            return route.name, step + 1, route.targets[step + 1]
        if route is not self.default:  # the last target timed out: the default takes it
            return self.default.name, 0, self.default.targets[0]
        return None

    def by_name(self, name: str) -> Route:
        for _, route in self.filters:
            if route.name == name:
                return route
        return self.default  # a filter renamed since: the default is the safe place


def _holds(facts: dict, key: str, values: list) -> bool:
    fact = facts.get(key)
    if key == "flags":
        return bool(set(fact or ()) & set(values))
    return fact in values


URGENT_WORK = {TaskUrgencyChoices.CRISIS, TaskUrgencyChoices.URGENT}


def parse(document, queues: set[str], *, always_open: set[str] | None = None) -> Workflow:
    """A ``Workflow`` from its JSON document, or ``WorkflowError`` saying what is wrong.

    ``queues`` are the names of the existing queues; ``always_open`` those without business
    hours (all of them when not given). Two ways a contact could be left with no way out are
    refused: a default whose last target has a timeout, and crisis or urgent contacts whose
    filter ends in a queue that closes (urgent work is served 24/7).
    """
    always_open = queues if always_open is None else always_open
    if not isinstance(document, dict):
        raise WorkflowError("a workflow is a JSON object with filters and a default")
    unknown = set(document) - {"filters", "default", *SETTINGS}
    if unknown:
        raise WorkflowError(f"unknown key {sorted(unknown)[0]!r}")
    settings = {**SETTINGS, **{k: document[k] for k in SETTINGS if k in document}}
    if not isinstance(settings["offer_timeout"], int) or settings["offer_timeout"] < 5:
        raise WorkflowError("offer_timeout must be a whole number of seconds, at least 5")
    if not isinstance(settings["reserved_for_urgent"], int) or settings["reserved_for_urgent"] < 0:
        raise WorkflowError("reserved_for_urgent must be a whole number, 0 or more")
    escalate = settings["escalate_at"]
    if not isinstance(escalate, int | float) or not 0 < escalate <= 1:
        raise WorkflowError("escalate_at must be a share between 0 and 1")
    raw_filters = document.get("filters", [])
    if not isinstance(raw_filters, list):
        raise WorkflowError("filters must be a list")
    filters, names = [], set()
    caught: set[str] = set()  # urgencies that an earlier filter takes whatever else holds
    for number, raw in enumerate(raw_filters, 1):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise WorkflowError(f"filter {number}: every filter needs a name")
        where = f"filter {raw['name']!r}"
        if raw["name"] in names or raw["name"] == "default":
            raise WorkflowError(f"{where}: the name is used twice")
        names.add(raw["name"])
        conditions = raw.get("when") or {}
        if not isinstance(conditions, dict) or not conditions:
            raise WorkflowError(f"{where}: give conditions under 'when' (the default catches all)")
        for key, values in conditions.items():
            if key not in CONDITIONS:
                raise WorkflowError(
                    f"{where}: unknown condition {key!r}; use {', '.join(CONDITIONS)}"
                )
            if not isinstance(values, list) or not values:
                raise WorkflowError(f"{where}: {key} must be a list of values")
            allowed = CONDITIONS[key]
            bad = [v for v in values if allowed is not None and v not in allowed]
            if bad:
                raise WorkflowError(f"{where}: {bad[0]!r} is not a {key}")
        route = Route(raw["name"], _targets(raw.get("targets"), where, queues))
        _check_urgent_work(where, conditions, route, caught, always_open)
        filters.append((conditions, route))
        if set(conditions) == {"urgency"}:
            caught |= set(conditions["urgency"])
    if "default" not in document:
        raise WorkflowError("a workflow needs a default target, so that every contact has a queue")
    raw_default = document["default"]
    raw_default = raw_default if isinstance(raw_default, list) else [raw_default]
    default = Route("default", _targets(raw_default, "default", queues))
    if default.targets[-1].timeout is not None:
        raise WorkflowError(
            "default: the last target has a timeout but nowhere to go after it; remove the timeout"
        )
    _check_urgent_work("default", {}, default, caught, always_open)
    return Workflow(filters=tuple(filters), default=default, **settings)


def _check_urgent_work(where, conditions, route: Route, caught: set, always_open: set) -> None:
    """Crisis and urgent contacts that can reach ``route`` must end in a 24/7 queue."""
    admitted = set(conditions.get("urgency", TaskUrgencyChoices.values)) - caught
    last = route.targets[-1].queue
    if admitted & URGENT_WORK and last not in always_open:
        urgency = sorted(admitted & URGENT_WORK)[0]
        raise WorkflowError(
            f"{where}: {urgency} contacts can end in queue {last!r}, which closes outside its "
            "hours; send urgent work to a queue open 24/7 first"
        )
