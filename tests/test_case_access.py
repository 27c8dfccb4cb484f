"""Need to know for cases (issue 16 item 3) and one 404 for what you may not see (item 13).

The role × case action matrix is generated: every (who, action) pair below is one test, run
through the console as that person would. ``who`` is a role, or for advocates their relation to
the case: assigned to it, opened it, handled one of its contacts (team), or none (stranger).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit.models import AuditEvent
from lantern.cases import actions, queries
from lantern.cases.models import Case, CaseContact, CaseNote
from lantern.cases.reports import queries as report_queries
from lantern.contacts.models import Contact

NOTE = "Synthetic note: met the caller at the bus station."

# What each kind of person may do to a case, under the default rules file.
#   ok: the action happens; 403: they may see the case but not do that; 404: as if missing.
FULL = {"view": "ok", "edit": "ok", "status": "ok", "note": "ok", "link": "ok", "unlink": "ok"}
EXPECTED = {
    "supervisor": {**FULL, "merge": "ok"},
    "analyst": {**FULL, "merge": "ok"},
    "assigned": {**FULL, "merge": "403"},
    "creator": {**FULL, "merge": "403"},
    "team": {"view": "masked", "edit": "403", "status": "403", "note": "403", "link": "403",
             "unlink": "403", "merge": "403"},  # fmt: skip
    "stranger": {**{a: "404" for a in FULL}, "merge": "403"},
    "directory": {**{a: "404" for a in FULL}, "merge": "403"},
    "admin": {**{a: "404" for a in FULL}, "merge": "403"},
}
ACTIONS = ["view", "edit", "status", "note", "link", "unlink", "merge"]


@pytest.fixture
def world(personas, make_contact):
    """A case opened by a supervisor from a contact the advocate handled, plus one more contact
    linked, and a note. The persona playing ``who`` is returned with it."""

    def _world(who: str):
        supervisor = personas["supervisor"]
        handled = make_contact("advocate")  # the advocate's contact: the advocate is on the team
        other = make_contact("supervisor")
        extra = make_contact("supervisor")
        opener = personas["advocate2"] if who == "creator" else supervisor
        case = actions.do_open_case(other, actor=opener)
        actions.do_link_contact(case, handled, actor=supervisor)
        actions.do_add_case_note(case, NOTE, actor=supervisor)
        duplicate = actions.do_open_case(extra, actor=supervisor)
        name = {
            "assigned": "advocate2", "creator": "advocate2", "team": "advocate",
            "stranger": "advocate2",
        }.get(who, who)  # fmt: skip
        if who == "assigned":
            actions.do_update_case(case, {"assigned_to": personas["advocate2"]}, actor=supervisor)
        return case, duplicate, handled, other, extra, name

    return _world


def _do(client, action, case, duplicate, handled, other, extra):
    base = f"/console/cases/{case.pk}"
    return {
        "view": lambda: client.get(f"{base}/"),
        "edit": lambda: client.get(f"{base}/edit/"),
        "status": lambda: client.post(f"{base}/status/", {"status": "in_review", "reason": "x"}),
        "note": lambda: client.post(f"{base}/notes/", {"body": "Synthetic: second note."}),
        "link": lambda: client.post(f"{base}/contacts/", {"contact": str(extra.pk)}),
        "unlink": lambda: client.post(f"{base}/contacts/{other.pk}/unlink/"),
        "merge": lambda: client.post(f"{base}/merge/", {"duplicate": duplicate.short_id}),
    }[action]()


def _happened(action, case, duplicate, extra, other) -> bool:
    case.refresh_from_db()
    return {
        "status": lambda: case.status == "in_review",
        "note": lambda: CaseNote.objects.filter(case=case).count() == 2,
        "link": lambda: CaseContact.objects.filter(case=case, contact=extra).exists(),
        "unlink": lambda: not CaseContact.objects.filter(case=case, contact=other).exists(),
        "merge": lambda: Case.objects.get(pk=duplicate.pk).merged_into_id == case.pk,
    }[action]()


@pytest.mark.parametrize(
    "who,action", [(who, action) for who in EXPECTED for action in ACTIONS]
)  # fmt: skip
def test_case_action_matrix(world, login, who, action):
    case, duplicate, handled, other, extra, name = world(who)
    expected = EXPECTED[who][action]
    response = _do(login(name), action, case, duplicate, handled, other, extra)
    if expected in ("403", "404"):
        assert response.status_code == int(expected), (who, action, response.status_code)
        if action not in ("view", "edit"):
            assert not _happened(action, case, duplicate, extra, other)
        return
    assert response.status_code in (200, 302), (who, action, response.status_code)
    if action == "view":
        page = response.content.decode()
        assert (NOTE in page) is (expected == "ok")
        if expected == "masked":
            assert "hidden" in page and "Add a note" not in page
    elif action != "edit":
        assert _happened(action, case, duplicate, extra, other), (who, action)


def test_a_masked_timeline_reads_nothing_personal(world, login):
    case, *_ = world("team")
    before = AuditEvent.objects.filter(action="read_pii").count()
    page = login("advocate").get(f"/console/cases/{case.pk}/").content.decode()
    assert NOTE not in page
    assert AuditEvent.objects.filter(action="read_pii").count() == before


def test_the_summary_is_empty_for_those_who_may_not_read_it(world, personas):
    case, *_ = world("team")
    case = actions.do_update_case(
        case, {"summary": "Synthetic summary."}, actor=personas["supervisor"]
    )
    assert queries.case_summary(personas["advocate"], case) == ""
    assert queries.case_summary(personas["supervisor"], case) == "Synthetic summary."


def test_lists_reports_and_follow_ups_apply_the_same_rules(world, personas):
    case, *_ = world("team")
    for name, sees in (("advocate", True), ("advocate2", False), ("analyst", True),
                       ("directory", False)):  # fmt: skip
        user = personas[name]
        assert queries.cases_for_user(user).filter(pk=case.pk).exists() is sees, name
        assert Case.objects.restrict(user, "view_case").filter(pk=case.pk).exists() is sees
        assert (
            CaseNote.objects.restrict(user, "view_case").filter(case=case).exists() is sees
        ), name
    # reports follow their case
    assert list(report_queries.reports_for_user(personas["advocate2"])) == []


def test_actions_refuse_without_edit_case_on_the_case(world, personas, make_contact):
    from django.core.exceptions import PermissionDenied

    case, duplicate, handled, other, extra, _ = world("stranger")
    stranger = personas["advocate2"]
    for call in (
        lambda: actions.do_change_case_status(case, "in_review", actor=stranger),
        lambda: actions.do_add_case_note(case, "x", actor=stranger),
        lambda: actions.do_link_contact(case, extra, actor=stranger),
        lambda: actions.do_unlink_contact(case, other, actor=stranger),
        lambda: actions.do_update_case(case, {"venue": "farm"}, actor=stranger),
        lambda: actions.do_merge_cases(case, duplicate, actor=stranger),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_case_rules_compile_to_the_same_rows_as_per_object_checks(world, personas):
    """restrict() and allows_object() agree for every case condition and persona."""
    world("team")
    world("assigned")
    world("creator")
    for action in ("view_case", "view_case_pii", "edit_case"):
        for user in personas.values():
            by_query = set(Case.objects.restrict(user, action).values_list("pk", flat=True))
            by_object = {c.pk for c in Case.objects.all() if rules.allows_object(user, action, c)}
            assert by_query == by_object, (user.username, action)


def test_record_conditions_only_apply_to_models_that_have_them():
    with pytest.raises(rules.RulesError, match="does not apply"):
        rules.parse({"rules": {"view_contact": [["on_team"]]}})
    with pytest.raises(rules.RulesError, match="is about a record"):
        rules.parse({"rules": {"merge_cases": [["is_creator"]]}})


# --- one 404 for what you may not see (item 13) ---------------------------------------------


def _age(contact, hours):
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def test_taking_a_contact_you_may_not_see_answers_like_a_missing_one(make_contact, login):
    hidden = make_contact("advocate")
    _age(hidden, 100)  # older than the shift window: advocate2 may not open it
    client = login("advocate2")
    assert client.get(f"/console/contacts/{hidden.pk}/").status_code == 404
    for path in (f"/console/contacts/{hidden.pk}/take/", f"/console/contacts/{uuid.uuid4()}/take/"):
        response = client.post(path)
        assert response.status_code == 404, path
    hidden.refresh_from_db()
    assert hidden.handled_by.username == "advocate"


@pytest.mark.parametrize(
    "path",
    ["/console/cases/{id}/", "/console/cases/{id}/edit/", "/console/cases/{id}/reports/new/"],
)
def test_a_case_you_may_not_see_answers_like_a_missing_one(world, login, path):
    case, *_ = world("stranger")
    client = login("advocate2")
    seen = client.get(path.format(id=case.pk))
    missing = client.get(path.format(id=uuid.uuid4()))
    assert seen.status_code == missing.status_code == 404
    assert _without_tokens(seen) == _without_tokens(missing)


def _without_tokens(response) -> str:
    """The page without its per-request CSRF token (the only part that may differ)."""
    page = response.content.decode()
    return re.sub(r'("X-CSRFToken": |name="csrfmiddlewaretoken" value=)"[^"]+"', "", page)
