"""The protocol screens: lookup, writing with steps, refusals shown on the form, verification."""

from __future__ import annotations

from lantern.protocols import actions
from lantern.protocols.models import Protocol

STEP = [{"agency": "Synthetic task force", "instructions": "Call the duty phone."}]


def form(**fields):
    data = {"name": "Nevada minors", "level": "state", "state": "NV", "county": "", "city": "",
            "trafficking_type": "", "notes": "", "active": "on", "crisis": "", "minor": "yes",
            "consent": "", "foreign_national": "",
            "step1_agency": "Synthetic Nevada task force", "step1_phone": "+15555550140",
            "step1_instructions": "Call the duty phone first.", "step1_wait_minutes": "15",
            "step2_agency": "Synthetic FBI field office", "step2_phone": "",
            "step2_instructions": "If the task force does not answer.",
            "step2_wait_minutes": ""}  # fmt: skip
    data.update(fields)
    return data


def test_a_directory_manager_writes_a_protocol_and_anyone_finds_it(login, personas):
    manager = login("directory")
    assert login("advocate").get("/console/protocols/new/").status_code == 403
    response = manager.post("/console/protocols/new/", form())
    protocol = Protocol.objects.get()
    assert response.url == f"/console/protocols/{protocol.pk}/"
    assert [s.agency for s in protocol.steps.all()] == [
        "Synthetic Nevada task force", "Synthetic FBI field office",
    ]  # fmt: skip
    assert protocol.minor is True and protocol.crisis is None
    actions.do_save_protocol({"name": "National", "level": "national"}, STEP,
                             actor=personas["directory"])  # fmt: skip
    advocate = login("advocate")
    found = advocate.get(
        "/console/protocols/", {"state": "NV", "city": "Reno", "minor": "yes"}
    ).content.decode()
    assert "Nevada minors" in found and "Synthetic Nevada task force" in found
    assert "No answer in 15 minutes" in found
    fallback = advocate.get("/console/protocols/", {"state": "NV", "minor": "no"}).content.decode()
    assert 'aria-label="Protocol to follow"' in fallback and ">National</a>" in fallback


def test_refusals_are_shown_on_the_form_and_nothing_is_saved(login):
    manager = login("directory")
    page = manager.post("/console/protocols/new/", form(state=""))
    assert page.status_code == 400 and "needs its state" in page.content.decode()
    no_instructions = form(step1_instructions="", step2_agency="", step2_instructions="")
    page = manager.post("/console/protocols/new/", no_instructions)
    assert "say what to do at this step" in page.content.decode()
    manager.post("/console/protocols/new/", form())
    page = manager.post("/console/protocols/new/", form(name="Nevada minors again"))
    assert "overlap" in page.content.decode()
    assert Protocol.objects.count() == 1


def test_editing_and_verifying(login):
    manager = login("directory")
    manager.post("/console/protocols/new/", form())
    protocol = Protocol.objects.get()
    page = manager.get(f"/console/protocols/{protocol.pk}/edit/").content.decode()
    assert "Synthetic Nevada task force" in page
    manager.post(f"/console/protocols/{protocol.pk}/edit/", form(step2_agency="",
                 step2_instructions=""))  # fmt: skip
    assert protocol.steps.count() == 1
    assert "never" in manager.get("/console/protocols/").content.decode()
    manager.post(f"/console/protocols/{protocol.pk}/verify/")
    protocol.refresh_from_db()
    assert protocol.last_verified_at is not None
    assert login("advocate").post(f"/console/protocols/{protocol.pk}/verify/").status_code == 403
