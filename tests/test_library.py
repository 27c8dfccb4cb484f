"""The resource library (issue 23 part 2): staff add documents and links (checked, audited), the
public finds published ones at /resources/ by topic, audience and language, and downloads files
Lantern serves."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.assistance.models import AssistanceTopic
from lantern.audit.models import AuditEvent
from lantern.library import actions
from lantern.library.models import Resource

PDF = b"%PDF-1.4\n% synthetic test document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def topics(db):
    AssistanceTopic.objects.get_or_create(key="labor-trafficking", defaults={
        "name": "Labor trafficking", "names": {"es": "Trata laboral"}})  # fmt: skip
    AssistanceTopic.objects.get_or_create(key="data", defaults={"name": "Data"})


def _add(personas, **data):
    file = data.pop("file", None)
    return actions.do_save_resource(
        {"kind": "fact_sheet", "url": "https://example.org/x", **data},
        actor=personas["supervisor"], file=file,
    )  # fmt: skip


def test_staff_add_a_document_and_the_public_downloads_it(login, topics):
    client = login("supervisor")
    assert client.get("/console/library/new/").status_code == 200
    form = {"title": "Synthetic fact sheet: signs of labor trafficking", "kind": "fact_sheet",
            "summary": "Synthetic: what to look for at work sites.",
            "topics": ["labor-trafficking"], "audiences": ["community", "business"],
            "languages": "en, ES", "published": "on",
            "file": SimpleUploadedFile("signs.pdf", PDF, "application/pdf")}  # fmt: skip
    saved = client.post("/console/library/new/", form)
    assert saved.status_code == 302, saved.content.decode()[:1500]
    resource = Resource.objects.get()
    assert resource.languages == ["en", "es"] and resource.file_size == len(PDF)
    event = AuditEvent.objects.get(object_type="library.resource")
    assert event.action == "create" and "file" in event.changes["fields"]

    public = Client()
    page = public.get("/resources/", {"topic": "labor-trafficking", "language": "es"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Synthetic fact sheet: signs of labor trafficking" in body
    download = public.get(f"/resources/{resource.pk}/file")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="signs.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_public_filters_by_topic_audience_language_and_words(personas, topics):
    _add(personas, title="Synthetic guide for employers", audiences=["business"], languages=["en"],
         topics=["labor-trafficking"])  # fmt: skip
    _add(personas, title="Synthetic poster en español", audiences=["community"],
         languages=["es-MX"], kind="poster")  # fmt: skip
    _add(personas, title="Synthetic withdrawn deck", published=False, languages=["en"])
    public = Client()

    def titles(**query):
        body = public.get("/resources/", query).content.decode()
        shown = {"Synthetic guide for employers": "employers", "Synthetic poster en": "español",
                 "Synthetic withdrawn deck": "withdrawn"}  # fmt: skip
        return {word for title, word in shown.items() if title in body}

    assert titles() == {"employers", "español"}  # never an unpublished one
    assert titles(language="es") == {"español"}  # es-MX counts as Spanish
    assert titles(audience="business") == {"employers"}
    assert titles(topic="labor-trafficking") == {"employers"}
    assert titles(q="POSTER") == {"español"}
    assert titles(topic="data") == set()
    assert (
        "Nothing in the library matches"
        in public.get("/resources/", {"topic": "data"}).content.decode()
    )


def test_a_withdrawn_or_linked_resource_has_no_download(personas, topics):
    hidden = _add(personas, title="Synthetic hidden", published=False,
                  file=("hidden.pdf", PDF))  # fmt: skip
    linked = _add(personas, title="Synthetic link")
    public = Client()
    assert public.get(f"/resources/{hidden.pk}/file").status_code == 404
    assert public.get(f"/resources/{linked.pk}/file").status_code == 404
    assert public.get("/resources/00000000-0000-0000-0000-000000000000/file").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ", "give a"),
        ("fake.pdf", b"<html>not a pdf</html>", "not a PDF file"),
        ("empty.pdf", b"", "the file is empty"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "UTF-8"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused_and_nothing_is_saved(
    personas, name, content, message
):
    with pytest.raises(actions.LibraryError) as caught:
        _add(personas, title="Synthetic", file=(name, content))
    assert message in caught.value.errors["file"]
    assert (
        not Resource.objects.exists()
        and not AuditEvent.objects.filter(object_type="library.resource").exists()
    )


def test_a_resource_needs_a_file_or_a_link_and_only_staff_who_may_manage_it(personas, login):
    with pytest.raises(actions.LibraryError) as caught:
        actions.do_save_resource({"title": "Synthetic", "kind": "guide"},
                                 actor=personas["supervisor"])  # fmt: skip
    assert "file" in caught.value.errors
    with pytest.raises(actions.LibraryError) as caught:
        _add(personas, title="Synthetic", url="javascript:alert(1)")
    assert "url" in caught.value.errors
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_save_resource({"title": "x", "kind": "guide", "url": "https://example.org"},
                                 actor=personas["advocate"])  # fmt: skip
    assert login("advocate").get("/console/library/").status_code == 403
    bad = login("supervisor").post("/console/library/new/", {"title": "", "kind": "nope"})
    assert bad.status_code == 400 and "Nothing was saved" in bad.content.decode()


def test_changing_a_resource_keeps_its_file_and_audits_what_changed(personas, login, topics):
    resource = _add(personas, title="Synthetic first title", file=("a.pdf", PDF), url="")
    client = login("supervisor")
    page = client.get(f"/console/library/{resource.pk}/").content.decode()
    assert "Current file: a.pdf" in page
    saved = client.post(f"/console/library/{resource.pk}/", {
        "title": "Synthetic second title", "kind": "fact_sheet", "languages": "en",
    })  # fmt: skip
    assert saved.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Synthetic second title" and bytes(resource.file_content) == PDF
    assert not resource.published  # unticked: withdrawn from the public page
    update = AuditEvent.objects.filter(object_type="library.resource", action="update").get()
    assert {"title", "published", "languages"} <= set(update.changes["fields"])


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(["q", "topic", "audience", "language", "page"]),
        st.one_of(st.text(max_size=30), st.integers().map(str)),
        max_size=5,
    )
)
def test_any_public_search_is_answered_never_a_server_error(db, query):
    response = Client().get("/resources/", query)
    assert response.status_code in (200, 400)


def test_a_name_in_any_script_downloads_under_its_name_and_a_long_one_keeps_its_extension(
    personas,
):
    named = _add(personas, title="Synthetic", file=("Торговля 人口.pdf", PDF), url="")
    response = Client().get(f"/resources/{named.pk}/file")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''") and "%E4%BA%BA" in disposition
    long = _add(personas, title="Synthetic long", file=("a" * 300 + ".pdf", PDF), url="")
    assert long.file_name.endswith(".pdf") and len(long.file_name) == 200


def test_a_stale_page_number_shows_the_nearest_page(personas, topics):
    _add(personas, title="Synthetic only one")
    for page in ("999999", "-1", "0", "abc", "1e3"):
        response = Client().get("/resources/", {"page": page})
        assert response.status_code == 200, page
        assert "Synthetic only one" in response.content.decode()
