"""Case screens: open a case from a contact, its page with protocol and timeline, status moves,
notes, and the filtered list."""

from __future__ import annotations

from lantern.audit.models import AuditEvent
from lantern.cases import actions
from lantern.cases.models import Case
from lantern.protocols.actions import do_save_protocol

NV = {"state": "NV", "city": "Reno", "county": "Washoe County", "postal_code": "89501"}


def test_from_contact_to_case_page_with_protocol_timeline_status_and_notes(
    login, personas, make_contact
):
    contact = make_contact(location=NV)
    do_save_protocol(
        {"name": "Nevada (synthetic)", "level": "state", "state": "NV"},
        [{"agency": "Synthetic Nevada task force", "instructions": "Call the duty phone."}],
        actor=personas["directory"],
    )
    advocate = login("advocate")
    detail = advocate.get(f"/console/contacts/{contact.pk}/").content.decode()
    assert "Create case from this contact" in detail
    response = advocate.post(f"/console/contacts/{contact.pk}/case/")
    case = Case.objects.get()
    assert response.url == f"/console/cases/{case.pk}/"
    page = advocate.get(response.url).content.decode()
    assert "Nevada (synthetic)" in page and "Synthetic Nevada task force" in page
    assert f"contact {contact.short_id}" in page
    advocate.post(f"/console/cases/{case.pk}/status/", {"status": "in_review", "reason": "check"})
    advocate.post(f"/console/cases/{case.pk}/notes/", {"body": "Synthetic: called back."})
    page = advocate.get(f"/console/cases/{case.pk}/").content.decode()
    assert "Status: In review by a case analyst (was Open)" in page
    assert "Synthetic: called back." in page
    assert AuditEvent.objects.filter(action="read_pii", object_type="cases.casenote").exists()
    refused = advocate.post(
        f"/console/cases/{case.pk}/status/", {"status": "nowhere"}, follow=True
    ).content.decode()
    assert "not a case status" in refused


def test_the_case_list_filters_and_who_may_see_it(login, personas, make_contact):
    advocate = personas["advocate"]
    reno = actions.do_open_case(make_contact(location=NV), actor=advocate)
    actions.do_update_case(reno, {"trafficking_type": "labor"}, actor=advocate)
    actions.do_open_case(make_contact(), actor=advocate)  # Houston, from the factory
    client = login("analyst")
    assert client.get("/console/cases/").content.decode().count("data-case=") == 2
    filtered = client.get("/console/cases/", {"state": "NV", "trafficking_type": "labor"})
    assert filtered.content.decode().count("data-case=") == 1
    assert login("directory").get("/console/cases/").status_code == 403
    assert login("directory").get(f"/console/cases/{reno.pk}/").status_code == 404


def test_editing_a_case_saves_facts_and_people_together(login, personas, make_contact):
    case = actions.do_open_case(make_contact(location=NV), actor=personas["advocate"])
    client = login("analyst")
    page = client.get(f"/console/cases/{case.pk}/edit/")
    assert page.status_code == 200
    form = {"trafficking_type": "labor", "venue": "agriculture",
            "control_methods": ["debt_bondage", "withholds_documents"], "state": "NV",
            "county": "Washoe County", "city": "Reno", "postal_code": "89501",
            "summary": "Synthetic: crew leader keeps the passports.", "assigned_to": "",
            "follow_up_on": "2026-12-01",
            "party1_role": "potential_victim", "party1_count": "4", "party1_age_band": "21--23",
            "party1_gender": "man", "party1_citizenship": "foreign_national",
            "party1_nationality": "gt"}  # fmt: skip
    bad = client.post(f"/console/cases/{case.pk}/edit/", {**form, "party1_age_band": "9--17",
                      "party2_role": "suspected_trafficker", "party2_count": "0"})  # fmt: skip
    assert bad.status_code == 400  # "how many" refuses 0 before the action sees it
    case.refresh_from_db()
    assert case.trafficking_type == "unknown" and not case.parties.exists()
    response = client.post(f"/console/cases/{case.pk}/edit/", form)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.trafficking_type == "labor" and case.parties.get().count == 4
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "4 potential victims" in page and "(GT)" in page
    edit = client.get(f"/console/cases/{case.pk}/edit/").content.decode()
    assert "crew leader keeps the passports" in edit
    assert AuditEvent.objects.filter(action="read_pii", object_type="cases.case").exists()


def test_staff_add_and_take_out_contacts_and_merge_duplicates(personas, make_contact, login):
    from lantern.cases.models import Case, CaseContact

    first, second = make_contact(), make_contact()
    keep = actions.do_open_case(first, actor=personas["advocate"])
    duplicate = actions.do_open_case(second, actor=personas["advocate"])
    client = login("analyst")
    base = f"/console/cases/{keep.pk}"
    page = client.post(f"{base}/contacts/", {"contact": "not an id"}, follow=True)
    assert "No single contact you can open" in page.content.decode()
    client.post(f"{base}/contacts/", {"contact": f"http://x/console/contacts/{second.pk}/"})
    assert CaseContact.objects.filter(case=keep).count() == 2
    client.post(f"{base}/contacts/{second.pk}/unlink/")
    assert CaseContact.objects.filter(case=keep).count() == 1
    refused = client.post(f"{base}/contacts/{first.pk}/unlink/", follow=True).content.decode()
    assert "at least one contact" in refused
    # an advocate may not merge; an analyst merges by the short id the console shows
    assert (
        login("advocate").post(f"{base}/merge/", {"duplicate": duplicate.short_id}).status_code
        == 403
    )
    client.post(f"{base}/merge/", {"duplicate": f"Case {duplicate.short_id}"})
    assert Case.objects.get(pk=duplicate.pk).merged_into_id == keep.pk
    # the duplicate's old address leads to the case it was merged into
    moved = client.get(f"/console/cases/{duplicate.pk}/", follow=True)
    assert moved.redirect_chain == [(f"{base}/", 302)]
    assert f"That case was merged into {keep}." in moved.content.decode()
    assert set(CaseContact.objects.filter(case=keep).values_list("contact", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_a_contact_is_added_by_the_short_id_the_console_shows_unless_two_share_it(
    personas, make_contact, login, monkeypatch
):
    """Contact short ids are the random end of the id, not its time-ordered start (which every
    contact of the same minute shares); a short id that matches two contacts is refused."""
    import uuid

    from lantern.cases.models import CaseContact
    from lantern.contacts.models import Contact
    from lantern.core.ids import uuid7

    first, second = make_contact(), make_contact()
    assert first.short_id != second.short_id and first.short_id == first.id.hex[-8:].upper()
    case = actions.do_open_case(first, actor=personas["advocate"])
    client = login("analyst")
    page = client.post(f"/console/cases/{case.pk}/contacts/", {"contact": second.short_id},
                       follow=True).content.decode()  # fmt: skip
    assert f"Contact {second.short_id} added" in page
    # a third contact whose id ends like the second's: the same short id
    twin = uuid.UUID(hex=uuid7().hex[:-8] + second.id.hex[-8:])
    monkeypatch.setattr(Contact._meta.get_field("id"), "_get_default", lambda: twin)
    third = make_contact()
    assert third.pk == twin and third.short_id == second.short_id
    CaseContact.objects.filter(case=case, contact=second).delete()
    page = client.post(f"/console/cases/{case.pk}/contacts/", {"contact": second.short_id.lower()},
                       follow=True).content.decode()  # fmt: skip
    assert "No single contact you can open" in page
    assert CaseContact.objects.filter(case=case).count() == 1
