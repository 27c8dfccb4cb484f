"""Permission rules: the default set per role, validation, and rules compiled to querysets."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.accounts import rules
from lantern.contacts import queries
from lantern.contacts.models import Contact


@pytest.fixture
def restore_rules():
    original = rules.active()
    yield
    rules.use(original)


def _age(contact, hours):
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(hours=hours))
    contact.refresh_from_db()
    return contact


def test_advocate_list_never_contains_what_the_rules_hide(personas, make_contact):
    own_old = _age(make_contact("advocate"), 500)
    other_recent = make_contact("advocate2")
    other_old = _age(make_contact("advocate2"), 100)
    visible = set(queries.contacts_for_user(personas["advocate"]).values_list("pk", flat=True))
    assert visible == {own_old.pk, other_recent.pk}
    assert other_old.pk not in visible
    # the same holds through every filter combination the list offers
    for flt in (queries.ContactFilter(state="TX"), queries.ContactFilter(call_type="tip")):
        filtered = set(
            flt.apply(queries.contacts_for_user(personas["advocate"])).values_list("pk", flat=True)
        )
        assert other_old.pk not in filtered


def test_roles_under_default_rules(personas, make_contact):
    contact = make_contact("advocate")
    expect = {
        "advocate": {"view_contact": True, "edit_contact": True, "view_contact_pii": True},
        "advocate2": {"view_contact": True, "edit_contact": False, "view_contact_pii": False},
        "analyst": {"view_contact": True, "edit_contact": True, "view_contact_pii": True},
        "supervisor": {"view_contact": True, "edit_contact": True, "view_contact_pii": True},
        "admin": {"view_contact": True, "edit_contact": False, "view_contact_pii": False},
        "directory": {"view_contact": False, "edit_contact": False, "view_contact_pii": False},
    }
    for name, actions in expect.items():
        for action, allowed in actions.items():
            assert rules.allows_object(personas[name], action, contact) is allowed, (name, action)
            in_qs = Contact.objects.restrict(personas[name], action).filter(pk=contact.pk).exists()
            assert in_qs is allowed, (name, action)
    assert rules.allows(personas["supervisor"], "view_audit")
    assert not rules.allows(personas["advocate"], "view_audit")
    assert rules.allows(personas["admin"], "manage_users")
    assert not rules.allows(personas["supervisor"], "manage_users")


def test_inactive_and_anonymous_users_get_nothing(personas, make_contact):
    make_contact("advocate")
    from django.contrib.auth.models import AnonymousUser

    assert not Contact.objects.restrict(AnonymousUser(), "view_contact").exists()
    supervisor = personas["supervisor"]
    supervisor.is_active = False
    assert not Contact.objects.restrict(supervisor, "view_contact").exists()


def test_masking_per_role(personas, make_contact):
    contact = make_contact(
        "advocate",
        caller={"name": "Ana Test", "phone": "+1 202 555 0143", "email": "ana@example.org"},
        summary="Synthetic summary",
    )
    mine = queries.present_contacts(personas["advocate"], [contact])[0]
    assert (mine.caller.name, mine.caller.phone, mine.caller.email, mine.summary) == (
        "Ana Test",
        "+12025550143",
        "ana@example.org",
        "Synthetic summary",
    )
    for name in ("advocate2", "admin"):
        masked = queries.present_contacts(personas[name], [contact])[0]
        assert masked.caller.masked
        assert (masked.caller.name, masked.caller.phone, masked.caller.email, masked.summary) == (
            "A*** T***",
            "+1 ***-***-0143",
            "a***@***.org",
            "[hidden]",
        )


def test_reading_personal_fields_is_audited_and_masked_reads_are_not(personas, make_contact):
    from lantern.audit.models import AuditEvent

    contact = make_contact("advocate")
    queries.present_contacts(personas["supervisor"], [contact], reason="test")
    queries.present_contacts(personas["advocate2"], [contact], reason="test")
    reads = AuditEvent.objects.filter(action="read_pii", object_id=str(contact.pk))
    assert [e.actor_label for e in reads] == ["supervisor"]


@pytest.mark.parametrize(
    "document, message",
    [
        ({"rules": {"fly_to_moon": [["everyone"]]}}, "unknown action"),
        ({"rules": {"view_contact": [["is_wizard"]]}}, "unknown condition"),
        ({"rules": {"view_contact": [["created_within_hours"]]}}, "positive number"),
        ({"rules": {"view_contact": [["created_within_hours:0"]]}}, "positive number"),
        ({"rules": {"view_contact": [["is_owner:3"]]}}, "takes no argument"),
        ({"rules": {"view_audit": [["is_owner"]]}}, "is about a record"),
        ({"rules": {"view_contact": ["is_supervisor"]}}, "list of non-empty lists"),
        ({"rules": {"view_contact": [[]]}}, "list of non-empty lists"),
        ({"nothing": 1}, "'rules' mapping"),
    ],
)
def test_invalid_rules_are_refused_with_a_reason(document, message):
    with pytest.raises(rules.RulesError, match=message):
        rules.parse(document)


def test_invalid_rules_file_fails_at_load(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules: {view_contact: [[is_wizard]]}\n")
    with pytest.raises(rules.RulesError, match="is_wizard"):
        rules.load(str(path))
    path.write_text("rules: [unclosed\n")
    with pytest.raises(rules.RulesError, match="not valid YAML"):
        rules.load(str(path))
    rules.load()  # back to the default


def test_missing_action_is_denied(personas, make_contact, restore_rules):
    make_contact("advocate")
    rules.use(rules.parse({"rules": {"create_contact": [["is_advocate"]]}}))
    assert not rules.allows(personas["supervisor"], "view_contact")
    assert not Contact.objects.restrict(personas["supervisor"], "view_contact").exists()


CONDITIONS = st.sampled_from(
    [
        "everyone",
        "is_advocate",
        "is_supervisor",
        "is_owner",
        "created_within_hours:24",
        "created_within_hours:100",
    ]
)
RULE_SETS = st.lists(st.lists(CONDITIONS, min_size=1, max_size=3), max_size=4)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sets=RULE_SETS, ages=st.lists(st.integers(0, 300), min_size=4, max_size=4))
def test_compiled_querysets_agree_with_per_object_checks(
    personas, make_contact, restore_rules, sets, ages
):
    """For any rule set, restrict() selects exactly the records allows_object() accepts."""
    rules.load()  # contacts are made under the default rules; the generated ones apply after
    Contact.objects.all().delete()
    owners = ["advocate", "advocate2", "advocate", "supervisor"]
    contacts = [
        _age(make_contact("supervisor", handled_by=o), h) for o, h in zip(owners, ages, strict=True)
    ]
    rules.use(rules.parse({"rules": {"view_contact": sets}}))
    for user in (personas["advocate"], personas["supervisor"], personas["analyst"]):
        by_query = set(Contact.objects.restrict(user, "view_contact").values_list("pk", flat=True))
        by_object = {c.pk for c in contacts if rules.allows_object(user, "view_contact", c)}
        assert by_query == by_object
