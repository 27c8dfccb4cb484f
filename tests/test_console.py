"""Console pages: access, the live-call form, list filters, detail masking, audit browsing."""

import pytest

from lantern.audit.models import AuditEvent
from lantern.contacts.models import Contact

FORM = {
    "channel": "phone",
    "call_types": ["tip", "referral"],
    "language": "es",
    "caller_type": "victim_survivor",
    "state": "FL",
    "city": "Miami",
    "postal_code": "33101",
    "caller_name": "Test Caller Delta",
    "caller_phone": "305-555-0190",
    "summary": "Synthetic: caller works at a farm and cannot leave.",
}


@pytest.mark.parametrize(
    "path", ["/console/", "/console/contacts/", "/console/contacts/new/", "/console/audit/"]
)
def test_pages_need_sign_in(client, db, path):
    r = client.get(path)
    assert r.status_code == 302 and r.url.startswith("/console/login/")


def test_log_a_contact(login):
    client = login("advocate")
    assert client.get("/console/contacts/new/").status_code == 200
    r = client.post("/console/contacts/new/", FORM)
    assert r.status_code == 302, r.content.decode()[:2000]
    contact = Contact.objects.get()
    assert r.url == f"/console/contacts/{contact.pk}/"
    assert contact.call_type_values == ["tip", "referral"]
    assert contact.caller_phone.reveal() == "+13055550190"
    page = client.get(r.url).content.decode()
    assert "Test Caller Delta" in page and "+1 305-555-0190" in page


def test_bad_form_input_shows_errors_and_saves_nothing(login):
    client = login("advocate")
    r = client.post(
        "/console/contacts/new/",
        {**FORM, "caller_phone": "12", "call_types": [], "postal_code": "9"},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "Nothing was saved" in page
    assert "choose at least one call type" in page
    assert "not a ZIP code" in page
    assert Contact.objects.count() == 0


def test_repeat_banner(login, make_contact):
    make_contact("advocate2", caller={"phone": "+13055550191"})
    make_contact("advocate2", caller={"phone": "(305) 555-0191"})
    client = login("advocate")
    r = client.post("/console/contacts/repeat/", {"caller_phone": "305.555.0191"})
    assert "2 times" in r.content.decode()
    r = client.post("/console/contacts/repeat/", {"caller_phone": "305-555-0100"})
    assert "Repeat contact" not in r.content.decode()
    assert client.get("/console/contacts/repeat/").status_code == 405
    # the lookup that found a match is audited, without the number itself
    lookups = AuditEvent.objects.filter(action="lookup")
    assert lookups.count() == 1
    assert "555" not in str(lookups.get().changes) and lookups.get().changes == {"matches": 2}


def test_new_contact_form_defaults_to_unknown_caller_type(login):
    page = login("advocate").get("/console/contacts/new/").content.decode()
    assert '<option value="unknown" selected>' in page


def test_list_and_filters(login, make_contact):
    make_contact("advocate", channel="sms", location={"state": "NY"})
    make_contact("advocate", channel="phone", location={"state": "TX"})
    client = login("supervisor")
    page = client.get("/console/contacts/").content.decode()
    assert "2 contacts" in page
    page = client.get("/console/contacts/", {"channel": "sms"}).content.decode()
    assert "1 contact" in page
    # the list never shows personal fields
    assert "Test Caller" not in page


def test_detail_masks_for_roles_without_pii_access(login, make_contact):
    contact = make_contact(
        "advocate", caller={"name": "Test Caller Kappa", "phone": "+12025550177"}
    )
    own = login("advocate").get(f"/console/contacts/{contact.pk}/").content.decode()
    assert "Test Caller Kappa" in own
    other = login("advocate2").get(f"/console/contacts/{contact.pk}/").content.decode()
    assert (
        "Test Caller Kappa" not in other and "T*** C*** K***" in other and "***-***-0177" in other
    )
    assert login("directory").get(f"/console/contacts/{contact.pk}/").status_code == 404


def test_edit(login, make_contact):
    contact = make_contact("advocate")
    client = login("advocate")
    r = client.get(f"/console/contacts/{contact.pk}/edit/")
    assert r.status_code == 200
    r = client.post(f"/console/contacts/{contact.pk}/edit/", {**FORM, "channel": "sms"})
    assert r.status_code == 302
    contact.refresh_from_db()
    assert contact.channel == "sms"
    # someone who may view but not edit gets a 404 on the edit page
    assert login("admin").get(f"/console/contacts/{contact.pk}/edit/").status_code == 404


def test_edit_without_pii_access_cannot_touch_personal_fields(login, make_contact):
    from lantern.accounts import rules

    contact = make_contact("advocate", caller={"name": "Test Caller Lambda"})
    personal = ("caller_name", "caller_phone", "caller_email", "summary")
    body = {k: v for k, v in FORM.items() if k not in personal}
    original = rules.active()
    rules.use(
        rules.parse(
            {
                "rules": {
                    "view_contact": [["everyone"]],
                    "edit_contact": [["everyone"]],
                    "view_contact_pii": [["is_supervisor"]],
                }
            }
        )
    )
    try:
        client = login("advocate2")
        page = client.get(f"/console/contacts/{contact.pk}/edit/").content.decode()
        assert 'name="caller_name"' not in page and "Test Caller Lambda" not in page
        assert (
            client.post(
                f"/console/contacts/{contact.pk}/edit/", {**body, "channel": "chat"}
            ).status_code
            == 302
        )
    finally:
        rules.use(original)
    contact.refresh_from_db()
    assert contact.channel == "chat"
    assert contact.caller_name.reveal() == "Test Caller Lambda"


def test_audit_page(login, make_contact):
    make_contact("advocate")
    assert login("supervisor").get("/console/audit/").status_code == 200
    assert "create" in login("admin").get("/console/audit/", {"action": "create"}).content.decode()
    assert login("advocate").get("/console/audit/").status_code == 403


def test_home(login, make_contact):
    make_contact("advocate", call_types=["crisis"])
    page = login("advocate").get("/console/").content.decode()
    assert "contacts today" in page and "Log a new contact" in page
    page = login("directory").get("/console/").content.decode()
    assert "Log a new contact" not in page
