"""Permission rules as data, compiled into queryset filters.

The rules file (``accounts/rules.yaml`` by default, ``LANTERN_RULES_FILE`` to override) maps each
action to a list of condition sets: the action is allowed on a record when all conditions of any
one set hold. Role conditions are decided once per user; record conditions become ``Q`` objects,
so ``Contact.objects.restrict(user, "view_contact")`` returns exactly the rows the user may open,
and a list, a search or an export can never show more.

Every condition also knows how to test one loaded object (``Condition.test``); a property test
checks that both paths always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q
from django.utils import timezone

from lantern.accounts.choices import UserRoleChoices

# Every action the rules may name, and the model its record conditions apply to (None: the action
# is not about one record, so only role conditions make sense). Add new actions here.
ACTIONS: dict[str, str | None] = {
    "create_contact": None,
    "view_contact": "contacts.Contact",
    "edit_contact": "contacts.Contact",
    "take_contact": "contacts.Contact",
    "view_contact_pii": "contacts.Contact",
    "export_contacts": "contacts.Contact",
    "export_conversations": None,
    "apply_retention": None,
    "view_self_assessment": None,
    "answer_self_assessment": None,
    "view_audit": None,
    "manage_users": None,
    "reset_second_factor": None,
    "view_directory": None,
    "view_confidential_location": None,
    "manage_directory": None,
    "give_referral": None,
    "view_routing_board": None,
    "manage_routing": None,
    "dismiss_spam": None,
    "retriage_contact": "contacts.Contact",
    "record_police_call": None,
    "control_call": "contacts.Contact",
    "monitor_call": None,
    "create_case": None,
    "view_case": "cases.Case",
    "view_case_pii": "cases.Case",
    "edit_case": "cases.Case",
    "merge_cases": None,
    "place_legal_hold": None,
    "find_person_records": None,
    "shred_on_request": None,
    "approve_person_export": None,
    "draft_report": None,
    "review_report": None,
    "approve_report": None,
    "fast_track_report": None,
    "deliver_report": None,
    "view_stats": None,
    "prepare_stats": None,
    "approve_stats": None,
    "view_protocols": None,
    "manage_protocols": None,
    "create_assistance_request": None,
    "manage_assistance": "assistance.AssistanceRequest",
    "view_training": None,
    "manage_training": None,
    "review_quality": None,
    "view_quality_summary": None,
    "manage_library": None,
}

# The record conditions each model supports (the model names the fields they look at:
# ``rules_owner_field``, ``rules_creator_field``, ``rules_created_field``, and for ``on_team``
# the methods ``rules_team_q(user)`` and ``rules_on_team(user)``).
MODEL_CONDITIONS: dict[str, frozenset[str]] = {
    "contacts.Contact": frozenset({"is_owner", "created_within_hours"}),
    "cases.Case": frozenset({"is_owner", "is_creator", "on_team", "created_within_hours"}),
    "assistance.AssistanceRequest": frozenset({"is_owner"}),
}
RECORD_CONDITIONS = frozenset().union(*MODEL_CONDITIONS.values())

_ROLE_CONDITIONS = {f"is_{role.value}": role.value for role in UserRoleChoices}
_CONDITION_RE = re.compile(r"^(?P<name>[a-z_]+)(?::(?P<arg>\d+))?$")


class RulesError(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class Condition:
    """One condition of a set. ``name`` is a role check, ``everyone`` or a record condition."""

    name: str
    arg: int | None = None

    @property
    def about_record(self) -> bool:
        return self.name in RECORD_CONDITIONS

    def holds_for_user(self, user) -> bool:
        """Role conditions; record conditions are decided per record, so they pass here."""
        if self.name == "everyone":
            return True
        if self.name in _ROLE_CONDITIONS:
            return user.role == _ROLE_CONDITIONS[self.name]
        return True

    def q(self, model, user) -> Q:
        if self.name == "is_owner":
            return Q(**{model.rules_owner_field: user.pk})
        if self.name == "is_creator":
            return Q(**{model.rules_creator_field: user.pk})
        if self.name == "on_team":
            return model.rules_team_q(user)
        if self.name == "created_within_hours":
            since = timezone.now() - timedelta(hours=self.arg)
            return Q(**{f"{model.rules_created_field}__gte": since})
        return Q()

    def test(self, obj, user) -> bool:
        if self.name == "is_owner":
            return getattr(obj, f"{obj.rules_owner_field}_id") == user.pk
        if self.name == "is_creator":
            return getattr(obj, f"{obj.rules_creator_field}_id") == user.pk
        if self.name == "on_team":
            return obj.rules_on_team(user)
        if self.name == "created_within_hours":
            since = timezone.now() - timedelta(hours=self.arg)
            return getattr(obj, obj.rules_created_field) >= since
        return self.holds_for_user(user)


def parse_condition(text: str, action: str, model_label: str | None) -> Condition:
    match = _CONDITION_RE.match(str(text).strip())
    if not match:
        raise RulesError(f"{action}: {text!r} is not a condition")
    name, arg = match["name"], match["arg"]
    if name == "created_within_hours":
        if arg is None or int(arg) <= 0:
            raise RulesError(f"{action}: created_within_hours needs a positive number of hours")
        condition = Condition(name, int(arg))
    elif name in _ROLE_CONDITIONS or name == "everyone" or name in RECORD_CONDITIONS:
        if arg is not None:
            raise RulesError(f"{action}: {name} takes no argument")
        condition = Condition(name)
    else:
        raise RulesError(f"{action}: unknown condition {name!r}")
    if condition.about_record and model_label is None:
        raise RulesError(f"{action}: {name} is about a record, but {action} is not")
    if condition.about_record and name not in MODEL_CONDITIONS[model_label]:
        raise RulesError(f"{action}: {name} does not apply to {model_label} records")
    return condition


@dataclass(frozen=True)
class RuleSet:
    source: str
    rules: dict[str, tuple[tuple[Condition, ...], ...]]

    def sets_for(self, user, action: str):
        """The condition sets whose role conditions this user meets."""
        if action not in ACTIONS:
            raise KeyError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return ()
        return tuple(
            cset for cset in self.rules.get(action, ()) if all(c.holds_for_user(user) for c in cset)
        )


def parse(document, source: str = "<rules>") -> RuleSet:
    if not isinstance(document, dict) or not isinstance(document.get("rules"), dict):
        raise RulesError(f"{source}: expected a mapping with a 'rules' mapping")
    compiled = {}
    for action, sets in document["rules"].items():
        if action not in ACTIONS:
            raise RulesError(f"{source}: unknown action {action!r}")
        if sets is None:
            sets = []
        if not isinstance(sets, list) or not all(isinstance(s, list) and s for s in sets):
            raise RulesError(f"{source}: {action} must be a list of non-empty lists of conditions")
        compiled[action] = tuple(
            tuple(parse_condition(c, action, ACTIONS[action]) for c in cset) for cset in sets
        )
    return RuleSet(source=source, rules=compiled)


_active: RuleSet | None = None


def load(path: str | None = None) -> RuleSet:
    """Load and validate the rules file; raises ``RulesError`` naming the problem."""
    global _active
    path = Path(path or settings.LANTERN_RULES_FILE)
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise RulesError(f"cannot read permission rules {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}") from exc
    _active = parse(document, str(path))
    return _active


def active() -> RuleSet:
    return _active or load()


def use(ruleset: RuleSet) -> None:
    """Install a rule set (tests and deployments that load rules from elsewhere)."""
    global _active
    _active = ruleset


def allows(user, action: str) -> bool:
    """May the user perform the action at all (on at least some records)?"""
    return bool(active().sets_for(user, action))


def q_for(user, action: str, model) -> Q | None:
    """The filter selecting the records the user may act on, or None for none at all."""
    sets = active().sets_for(user, action)
    if not sets:
        return None
    combined = None
    for cset in sets:
        part = Q()
        for condition in cset:
            if condition.about_record:
                part &= condition.q(model, user)
        if not part:  # a set with only role conditions: every record
            return Q()
        combined = part if combined is None else combined | part
    return combined


def allows_object(user, action: str, obj) -> bool:
    return any(all(c.test(obj, user) for c in cset) for cset in active().sets_for(user, action))


def require(actor, action: str, obj=None, *, system: bool = False) -> None:
    """Raise ``PermissionDenied`` unless the rules allow ``action`` (on ``obj``, when given).

    The one check every action, view and API handler uses. With ``system=True`` an actor of
    ``None`` or a label (``"publish_stats"``) is Lantern itself (intake adapters, imports,
    commands run by someone with the server's shell) and may do anything.
    """
    if system and (actor is None or isinstance(actor, str)):
        return
    allowed = allows_object(actor, action, obj) if obj is not None else allows(actor, action)
    if not allowed:
        raise PermissionDenied(f"the permission rules do not allow {action}")
