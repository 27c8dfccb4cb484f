"""Cases: opened from a contact, facts as categories and counts, notes encrypted, status moves
as data, links and merges, and refusals that change nothing and are audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection

from lantern.audit.models import AuditEvent
from lantern.cases import actions, statuses
from lantern.cases.actions import CaseError
from lantern.cases.models import Case, CaseContact, CaseNote, CaseParty, CaseStatusChange
from lantern.privacy.fields import reveal


@pytest.fixture
def contact(make_contact):
    return make_contact(
        location={"state": "NV", "city": "Reno", "county": "Washoe County", "postal_code": "89501"}
    )


@pytest.fixture
def case(personas, contact):
    return actions.do_open_case(contact, actor=personas["advocate"])


def test_a_case_opens_from_a_contact_with_its_place(case, contact):
    assert case.status == "open" and (case.state, case.city) == ("NV", "Reno")
    assert list(CaseContact.objects.filter(case=case).values_list("contact", flat=True)) == [
        contact.pk
    ]
    assert CaseStatusChange.objects.get(case=case).new == "open"
    assert AuditEvent.objects.filter(object_type="cases.case", action="create").exists()


def test_facts_are_categories_and_the_summary_is_encrypted(case, personas):
    actions.do_update_case(
        case,
        {"trafficking_type": "labor", "venue": "agriculture",
         "control_methods": ["withholds_documents", "debt_bondage"],
         "summary": "Synthetic: workers' passports kept by the crew leader."},
        actor=personas["analyst"],
    )  # fmt: skip
    case.refresh_from_db()
    assert case.control_methods == ["debt_bondage", "withholds_documents"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM cases_case WHERE id = %s", [case.pk.hex if
                       connection.vendor == "sqlite" else case.pk])  # fmt: skip
        stored = cursor.fetchone()[0]
    assert "passports" not in stored
    event = AuditEvent.objects.filter(object_type="cases.case", action="update").last()
    assert event.changes["summary"] == "changed" and "passports" not in str(event.changes)
    with pytest.raises(CaseError, match="not a method of control"):
        actions.do_update_case(
            case, {"control_methods": ["mind_control"]}, actor=personas["analyst"]
        )
    case.refresh_from_db()
    assert case.trafficking_type == "labor"  # nothing changed


def test_status_moves_follow_the_statuses_file_and_a_refusal_is_audited(case, personas):
    analyst = personas["analyst"]
    actions.do_change_case_status(case, "in_review", actor=analyst, reason="to review")
    with pytest.raises(CaseError, match="not a case status"):
        actions.do_change_case_status(case, "no_such_status", actor=analyst)
    actions.do_change_case_status(case, "reported", actor=analyst)
    with pytest.raises(CaseError, match="cannot move from Reported to an agency to Open"):
        actions.do_change_case_status(case, "open", actor=analyst)
    case.refresh_from_db()
    assert case.status == "reported"
    moves = list(case.status_changes.values_list("new", flat=True))
    assert moves == ["open", "in_review", "reported"]
    assert AuditEvent.objects.filter(action="refused", object_id=str(case.pk)).count() == 2


def test_a_statuses_file_that_cannot_work_is_refused():
    for document, message in [
        ({"statuses": {"open": "Open"}, "moves": {"open": ["gone"]}}, "unknown status 'gone'"),
        ({"statuses": {"open": "Open", "closed": "Closed"}, "moves": {}}, "never be reached"),
        ({"nope": 1}, "expected 'statuses'"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=message):
            statuses.parse(document)


def test_people_are_counted_attributes_and_must_be_consistent(case, personas):
    actions.do_set_parties(
        case,
        [{"role": "potential_victim", "count": 3, "age_band": "9--17", "gender": "woman",
          "citizenship": "foreign_national", "nationality": "mx"},
         {"role": "suspected_trafficker", "count": 1, "age_band": "30--38", "gender": "man"}],
        actor=personas["advocate"],
    )  # fmt: skip
    victims = CaseParty.objects.get(case=case, role="potential_victim")
    assert victims.minor is True and victims.nationality == "MX"  # the band says so
    with pytest.raises(CaseError) as refused:
        actions.do_set_parties(
            case,
            [{"role": "potential_victim", "count": 0, "age_band": "30--38", "minor": True}],
            actor=personas["advocate"],
        )
    assert set(refused.value.errors) == {"parties.1.count", "parties.1.minor"}
    assert CaseParty.objects.filter(case=case).count() == 2  # unchanged


def test_links_notes_and_merging_duplicates(case, contact, personas, make_contact):
    advocate, analyst = personas["advocate"], personas["analyst"]
    second = make_contact()
    assert actions.do_link_contact(case, second, actor=advocate) is True
    assert actions.do_link_contact(case, second, actor=advocate) is False
    actions.do_unlink_contact(case, second, actor=advocate)
    with pytest.raises(CaseError, match="at least one contact"):
        actions.do_unlink_contact(case, contact, actor=advocate)
    note = actions.do_add_case_note(case, "Synthetic: called the caller back.", actor=advocate)
    assert reveal(CaseNote.objects.get(pk=note.pk).body) == "Synthetic: called the caller back."
    duplicate = actions.do_open_case(second, actor=advocate)
    actions.do_add_case_note(duplicate, "Synthetic: same farm.", actor=advocate)
    with pytest.raises(PermissionDenied):
        actions.do_merge_cases(case, duplicate, actor=advocate)
    actions.do_merge_cases(case, duplicate, actor=analyst)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == case
    assert set(case.links.values_list("contact", flat=True)) == {contact.pk, second.pk}
    assert case.notes.count() == 2
    with pytest.raises(CaseError, match="already merged"):
        actions.do_merge_cases(case, duplicate, actor=analyst)
    with pytest.raises(CaseError, match="into itself"):
        actions.do_merge_cases(case, case, actor=analyst)


def test_only_staff_roles_open_cases(contact, personas):
    with pytest.raises(PermissionDenied):
        actions.do_open_case(contact, actor=personas["directory"])
    assert not Case.objects.exists()


def test_the_ctdc_export_has_one_row_per_victim_and_nothing_personal(case, personas, tmp_path):
    import csv

    from django.core.management import CommandError, call_command

    from lantern.cases import ctdc

    actions.do_update_case(
        case,
        {"trafficking_type": "labor", "venue": "agriculture", "control_methods": ["debt_bondage"],
         "summary": "Synthetic: Maria Example's crew leader keeps the passports."},
        actor=personas["analyst"],
    )  # fmt: skip
    actions.do_set_parties(
        case,
        [{"role": "potential_victim", "count": 2, "age_band": "9--17", "gender": "woman",
          "citizenship": "foreign_national", "nationality": "GT"},
         {"role": "suspected_trafficker", "count": 1, "age_band": "39--47"}],
        actor=personas["analyst"],
    )  # fmt: skip
    out = tmp_path / "ctdc.csv"
    call_command("export_cases", "--format", "ctdc", "--out", str(out))
    text = out.read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == ctdc.COLUMNS and len(rows) == 2  # the trafficker is not a row
    row = rows[0]
    assert (row["gender"], row["ageBroad"], row["majorityStatus"], row["citizenship"]) == (
        "Woman", "9--17", "Minor", "GT",
    )  # fmt: skip
    assert row["isForcedLabour"] == "1" and row["isSexualExploit"] == "0"
    assert row["meansOfControlDebtBondage"] == "1" and row["meansOfControlThreats"] == "0"
    assert row["typeOfLabourAgriculture"] == "1"
    assert "Maria" not in text and "Reno" not in text and "NV" not in text
    assert AuditEvent.objects.filter(action="export", object_type="cases.case").exists()
    with pytest.raises(CommandError, match="only one is ctdc"):
        call_command("export_cases", "--format", "xlsx")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

status_names = st.sampled_from(["open", "closed", "review", "x"])


@settings(max_examples=300, deadline=None)
@given(
    document=st.none()
    | st.dictionaries(
        st.sampled_from(["statuses", "moves", "version"]),
        st.dictionaries(status_names, st.lists(status_names, max_size=3) | st.text(max_size=5)
                        | st.none(), max_size=4) | st.integers(),
        max_size=3,
    )
)  # fmt: skip
def test_any_statuses_file_loads_or_is_refused_with_a_reason(document):
    try:
        parsed = statuses.parse(document)
    except ImproperlyConfigured as exc:
        assert str(exc)
    else:
        for status in parsed.labels:  # every status can be reached from the first
            assert status == parsed.initial or any(
                status in targets for targets in parsed.moves.values()
            )
