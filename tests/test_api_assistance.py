"""``/api/v1/assistance`` (issue 23 part 1): create, list with filters, read, update (assign,
facts, status) and record deliverables, with the API's error shape and the rules."""

from __future__ import annotations

from lantern.assistance.models import AssistanceRequest

NEW = {
    "requester_name": "Lee Synthetic", "organization": "Example Legal Aid",
    "email": "lee@example.org", "organization_type": "service_provider", "state": "WA",
    "topic": "protocols", "description": "Synthetic: review our referral protocol.",
}  # fmt: skip


def test_create_read_update_deliver_close(api, personas):
    analyst = api("analyst")
    created = analyst.post("/assistance", NEW)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["reference"].startswith("TA-") and body["status"] == "new"
    assert body["requester_name"] == "Lee Synthetic" and body["source"] == "api"
    rid = body["id"]
    assert analyst.get(f"/assistance/{rid}").json()["email"] == "lee@example.org"
    assigned = analyst.patch(f"/assistance/{rid}", {"owner": "analyst", "urgent": True})
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["owner"] == "analyst" and assigned.json()["status"] == "assigned"
    work = {"kind": "call", "hours": "1.5", "note": "Synthetic call"}
    delivered = analyst.post(f"/assistance/{rid}/deliverables", work)
    assert delivered.status_code == 201 and delivered.json()["hours"] in ("1.50", 1.5)
    closed = analyst.patch(f"/assistance/{rid}", {"status": "delivered"})
    assert closed.json()["status"] == "delivered"
    page = analyst.get("/assistance", status="delivered")
    assert page.json()["count"] == 1 and page.json()["results"][0]["id"] == rid


def test_errors_have_the_api_shape(api, personas):
    analyst = api("analyst")
    bad = analyst.post("/assistance", {**NEW, "topic": "nope", "email": ""})
    assert bad.status_code == 422 and "topic" in bad.json()["errors"]
    assert analyst.post("/assistance", {**NEW, "extra": 1}).status_code == 422
    assert analyst.get("/assistance/not-a-uuid").status_code == 404
    rid = analyst.post("/assistance", NEW).json()["id"]
    moved = analyst.patch(f"/assistance/{rid}", {"status": "delivered"})
    assert moved.status_code == 422 and "status" in moved.json()["errors"]
    nobody = analyst.patch(f"/assistance/{rid}", {"owner": "ghost"})
    assert nobody.status_code == 422
    assert analyst.get("/assistance", page_size=0).status_code == 422
    assert api(None).get("/assistance").status_code == 401
    assert api("directory").get("/assistance").status_code == 403
    assert api("advocate").get(f"/assistance/{rid}").status_code == 404


def test_an_advocate_files_one_for_their_contact_and_sees_only_their_own(api, make_contact):
    contact = make_contact("advocate", call_types=["tta"])
    advocate = api("advocate")
    made = advocate.post("/assistance", {**NEW, "contact": str(contact.pk)})
    assert made.status_code == 201 and made.json()["source"] == "contact"
    assert made.json()["requester_name"] == ""  # not theirs to work on: no details back
    assert AssistanceRequest.objects.get().contact_id == contact.pk
    assert advocate.get("/assistance").json()["count"] == 0
    other = api("advocate2").post("/assistance", {**NEW, "contact": str(contact.pk)})
    assert other.status_code in (201, 422)


def test_the_openapi_document_lists_the_endpoints(api):
    paths = api(None).client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/assistance", "/api/v1/assistance/{request_id}",
            "/api/v1/assistance/{request_id}/deliverables"} <= set(paths)  # fmt: skip
