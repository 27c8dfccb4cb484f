"""How case facts read: labels instead of codes, plural forms, places without stray commas, and no
template comment printed on a page (issue 19, part 8)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lantern.cases import actions
from lantern.cases.wording import count_people, place_line

KS = {"state": "KS", "city": "", "county": "", "postal_code": ""}


def test_a_case_page_shows_labels_and_plural_forms(login, personas, make_contact):
    case = actions.do_open_case(make_contact(location=KS), actor=personas["advocate"])
    form = {"trafficking_type": "labor", "venue": "agriculture", "state": "KS", "county": "",
            "city": "", "postal_code": "", "summary": "Synthetic.", "assigned_to": "",
            "follow_up_on": "", "control_methods": ["psychological_abuse", "debt_bondage"],
            "party1_role": "potential_victim", "party1_count": "1", "party1_age_band": "21--23",
            "party1_gender": "man", "party1_citizenship": "unknown", "party1_nationality": "",
            "party2_role": "suspected_trafficker", "party2_count": "2",
            "party2_age_band": "unknown", "party2_gender": "unknown",
            "party2_citizenship": "unknown", "party2_nationality": ""}  # fmt: skip
    client = login("analyst")
    assert client.post(f"/console/cases/{case.pk}/edit/", form).status_code == 302
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "Psychological abuse" in page and "psychological_abuse" not in page
    assert "1 potential victim ·" in page and "1 potential victims" not in page
    assert "2 suspected traffickers" in page
    assert "<dd>Kansas</dd>" in page


def test_the_agency_copy_leaves_out_the_parts_of_a_place_nobody_knows():
    content = {"report": "R1", "hotline_case": "C1", "to": "", "urgency": "Routine",
               "trafficking_type": "Labor trafficking", "venue": "Agriculture", "indicators": [],
               "place": {"city": "", "county": "", "state": "Kansas", "postal_code": "",
                         "detail": ""},
               "people": [{"role": "Potential victims", "count": 1, "age_band": "Not known",
                           "minor": False, "gender": "Not known", "citizenship": "Not known",
                           "nationality": ""}],
               "facts": "Synthetic.", "consent": ""}  # fmt: skip
    html = render_to_string("cases/_agency_copy.html", {"c": content})
    assert "<dd>Kansas</dd>" in html and ", Kansas" not in html
    assert "1 potential victim:" in html


def test_plural_forms_follow_the_language():
    assert count_people(1, "potential_victim") == "1 potential victim"
    assert count_people(5, "Suspected traffickers") == "5 suspected traffickers"
    with translation.override("en"):
        assert count_people(0, "potential_victim") == "0 potential victims"


@given(st.lists(st.sampled_from(["", "Wichita", "Sedgwick County", "KS", "Kansas", "67202"]),
                min_size=4, max_size=4))  # fmt: skip
def test_a_place_line_never_has_an_empty_part(parts):
    line = place_line(*parts)
    assert not line.startswith((",", " ")) and not line.endswith((",", " "))
    assert ", ," not in line and "  " not in line and " ," not in line


def test_the_directory_search_form_prints_no_template_comment(login):
    page = login("advocate").get("/console/directory/").content.decode()
    assert "{#" not in page and "#}" not in page and "shared by the live-call panel" not in page


def test_the_contact_form_reports_every_error_at_once(login):
    page = login("advocate").post(
        "/console/contacts/new/",
        {"postal_code": "9", "caller_type": "unknown", "language": "en", "caller_email": "x@"},
    )
    html = page.content.decode()
    # the form's own check (no channel) and the contact rules' (call type, ZIP code, email)
    assert "This field is required." in html
    assert "choose at least one call type" in html
    assert html.count('class="errorlist') >= 4
