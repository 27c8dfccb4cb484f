"""The hotline self-assessment (issue 23 part 3): the checklist as data, Lantern's own evidence
filled in, an administrator's answers (audited, all or nothing) and the printable report."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from lantern.assessment import actions, queries
from lantern.assessment.criteria import CRITERIA
from lantern.assessment.models import Answer
from lantern.audit.models import AuditEvent


def _form(**answers) -> dict:
    data = {}
    for c in CRITERIA:
        answer, note = answers.get(c.key, ("", ""))
        data[f"{c.key}-answer"] = answer
        data[f"{c.key}-note"] = note
    return data


def test_the_checklist_holds_the_seed_questions_and_says_what_answers_each():
    questions = " ".join(str(c.question) for c in CRITERIA)
    for words in ("24 hours a day", "tele-interpretation", "trained professionals",
                  "indicators", "trauma-informed", "not related to trafficking"):  # fmt: skip
        assert words in questions
    assert len({c.key for c in CRITERIA}) == len(CRITERIA)
    assert all(str(c.evidence_needed) for c in CRITERIA)
    assert {c.evidence for c in CRITERIA} - {""} <= set(queries.EVIDENCE)


def test_lantern_fills_in_its_own_evidence(personas, make_contact):
    from lantern.routing.models import BusinessCalendar, Queue
    from tests.test_directory_console import make_service

    calendar = BusinessCalendar.objects.create(
        name="weekdays", label="Weekdays", hours={d: ["09:00-17:00"] for d in
                                                   ("mon", "tue", "wed", "thu", "fri")},
    )  # fmt: skip
    Queue.objects.update_or_create(name="tta", defaults={"label": "Synthetic T&TA",
                                                         "calendar": calendar})  # fmt: skip
    make_service(personas["directory"])
    make_contact(language="es", interpreter_used=True)
    make_contact(language="en")
    report = queries.report()
    facts = {f.label: f.value for row in report.rows for f in row.facts}
    assert facts["Queue “Synthetic T&TA”"] == "40 hours a week (Weekdays)"
    assert any(v == "24 hours a day, 7 days a week" for v in facts.values())
    assert facts["Contacts with an interpreter, last 90 days"] == "50% (1 of 2)"
    assert facts["Active services in the directory"].startswith("1, from 1 organization")
    assert "Spanish 1" in facts["Languages contacts came in, last 90 days"]
    assert "Administrator 1" in facts["Active staff accounts"]
    evaluation = next(r for r in report.rows if r.criterion.key == "evaluation")
    assert evaluation.facts == []  # Lantern records nothing for it: the page says so


def test_an_administrator_answers_and_everyone_who_may_read_it_sees_the_answers(login):
    admin = login("admin")
    page = admin.get("/console/assessment/")
    assert page.status_code == 200
    assert "Is tele-interpretation available?" in page.content.decode()
    saved = admin.post("/console/assessment/", _form(
        staffed_24_7=("yes", "Synthetic: advocates on shifts around the clock."),
        interpretation=("partly", ""),
    ))  # fmt: skip
    assert saved.status_code == 302
    assert dict(Answer.objects.values_list("criterion", "answer")) == {
        "staffed_24_7": "yes", "interpretation": "partly",
    }  # fmt: skip
    event = AuditEvent.objects.get(object_type="assessment.answer")
    assert event.changes == {"staffed_24_7": "yes", "interpretation": "partly"}
    assert "Synthetic" not in str(event.changes)  # notes stay out of the audit trail
    again = admin.post("/console/assessment/", _form(
        staffed_24_7=("yes", "Synthetic: advocates on shifts around the clock."),
        interpretation=("partly", ""),
    ))  # fmt: skip
    assert again.status_code == 302
    assert AuditEvent.objects.filter(object_type="assessment.answer").count() == 1

    supervisor = login("supervisor").get("/console/assessment/").content.decode()
    assert "advocates on shifts around the clock" in supervisor
    assert 'name="staffed_24_7-answer"' not in supervisor  # reads, does not answer
    assert login("supervisor").post("/console/assessment/", _form()).status_code == 403
    assert login("advocate").get("/console/assessment/").status_code == 403


def test_a_bad_answer_saves_nothing_and_says_which(login, personas):
    admin = login("admin")
    bad = admin.post("/console/assessment/", _form(
        staffed_24_7=("yes", "fine"), privacy=("maybe", "kept"),
    ))  # fmt: skip
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Nothing was saved" in body and "answer yes, partly, no" in body
    assert 'value="maybe"' not in body or "kept" in body  # what was typed is shown again
    assert not Answer.objects.exists()
    with pytest.raises(actions.AssessmentError) as caught:
        actions.do_answer_self_assessment({"no_such": ("yes", "")}, actor=personas["admin"])
    assert "no_such" in caught.value.errors


def test_the_report_prints_the_answers_and_the_evidence(login):
    admin = login("admin")
    admin.post("/console/assessment/", _form(data=("yes", "Synthetic: a yearly report.")))
    response = admin.get("/console/assessment/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "hotline self-assessment" in text
    assert "Does the hotline keep data on its work and report it?" in text
    assert "Synthetic: a yearly report." in text
    assert "Answer rate, last 30 days" in text
    assert "1 of 11 criteria" in text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answer=st.one_of(st.sampled_from(["yes", "partly", "no", ""]), st.text(max_size=8)),
    note=st.text(max_size=60),
)
def test_any_posted_answer_is_saved_or_refused_never_a_server_error(login, answer, note):
    admin = login("admin")
    response = admin.post("/console/assessment/", _form(privacy=(answer, note)))
    assert response.status_code in (302, 400)
    stored = Answer.objects.filter(criterion="privacy").first()
    if response.status_code == 400:
        assert stored is None or stored.answer in ("yes", "partly", "no", "")


def test_a_partial_post_leaves_the_other_answers_and_a_cleared_one_names_nobody(login):
    admin = login("admin")
    admin.post("/console/assessment/", _form(privacy=("yes", "Synthetic: encrypted."),
                                             data=("partly", "Synthetic: monthly.")))  # fmt: skip
    only = {"privacy-answer": "", "privacy-note": ""}  # another admin's form held one criterion
    assert admin.post("/console/assessment/", only).status_code == 302
    answers = dict(Answer.objects.values_list("criterion", "answer"))
    assert answers == {"privacy": "", "data": "partly"}
    page = admin.get("/console/assessment/").content.decode()
    privacy = page[page.index('id="criterion-privacy"') :].split("</section>")[0]
    assert "Answered by" not in privacy


def test_characters_the_font_lacks_are_marked_in_the_pdf_and_never_logged(login, caplog):
    admin = login("admin")
    admin.post("/console/assessment/", _form(data=("yes", "Synthetic 中文 note")))
    with caplog.at_level("DEBUG"):
        response = admin.get("/console/assessment/report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Synthetic ?? note" in " ".join(text.split())
    assert "Some characters could not be printed" in " ".join(text.split())
    assert "中" not in caplog.text
