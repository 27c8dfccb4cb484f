"""HSDS 3.0 import/export and the /hsds/ API (synthetic data, the spec's own examples)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from lantern.directory import taxonomy
from lantern.directory.exporting import export_directory
from lantern.directory.importing import ImportFailed, import_directory
from lantern.directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Schedule,
    SearchEntry,
    Service,
    ServiceAtLocation,
)

HSDS = Path(__file__).resolve().parents[2] / "shared" / "hsds" / "3.0"
if not HSDS.exists():
    HSDS = Path("/work/shared/hsds/3.0")
EXAMPLES = HSDS / "examples"
COMPILED = HSDS / "schema" / "compiled"
FIXTURE20 = Path(__file__).parent / "fixtures" / "hsds20"
JSON_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*.json") if p.name != "base.json")
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"

pytestmark = pytest.mark.django_db


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((COMPILED / name).read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(name: str, obj: dict):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(obj)]
    assert not errors, errors[:5]


def no_nulls(obj) -> bool:
    if obj is None:
        return False
    if isinstance(obj, dict):
        return all(no_nulls(v) for v in obj.values())
    if isinstance(obj, list):
        return all(no_nulls(v) for v in obj)
    return True


def counts() -> dict:
    from lantern.directory.importing import MODELS

    return {k: m.objects.count() for k, m in MODELS.items()}


def export_and_validate(tmp_path) -> tuple[list, list]:
    out = tmp_path / "json"
    export_directory(out, "json", progress=False)
    services = json.loads((out / "services.json").read_text())
    orgs = json.loads((out / "organizations.json").read_text())
    for s in services:
        assert no_nulls(s)
        assert_valid("service.json", s)
    for o in orgs:
        assert no_nulls(o)
        assert_valid("organization.json", o)
    return services, orgs


def coerce(row: dict, schema: dict) -> dict:
    out = {}
    for key, value in row.items():
        if value == "":
            continue
        kind = schema["properties"].get(key, {}).get("type")
        out[key] = float(value) if kind == "number" else value
    return out


def validate_csv(folder: Path):
    tabular = json.loads((COMPILED / "tabular.json").read_text())["properties"]
    package = json.loads((folder / "datapackage.json").read_text())
    for res in package["resources"]:
        schema = tabular[res["name"]]["items"]
        check = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        with (folder / res["path"]).open() as handle:
            for n, row in enumerate(csv.DictReader(handle), start=2):
                errors = list(check.iter_errors(coerce(row, schema)))
                assert not errors, (res["path"], n, errors[0].message)


# --- the spec's examples ------------------------------------------------------------------------


@pytest.mark.parametrize("name", JSON_EXAMPLES)
def test_every_json_example_imports_and_reexports_valid(name, tmp_path):
    result = import_directory(EXAMPLES / name, progress=False)
    assert sum(result.created.values()) > 0
    services, orgs = export_and_validate(tmp_path)
    assert services or orgs or name.startswith("taxonom") or name == "location.json"


def test_csv_example_imports_and_reexports_valid(tmp_path):
    result = import_directory(EXAMPLES / "csv", progress=False)
    assert result.created["service"] == 1
    assert any("locations.csv row 2" in w and "out of range" in w for w in result.warnings)
    assert any("funding.csv" in w for w in result.warnings)
    services, _ = export_and_validate(tmp_path)
    assert [s["id"] for s in services] == [SERVICE_ID]
    out = tmp_path / "csv"
    export_directory(out, "csv", progress=False)
    validate_csv(out)


def test_round_trip_preserves_fields(tmp_path):
    original = json.loads((EXAMPLES / "service_full.json").read_text())
    import_directory(EXAMPLES / "service_full.json", progress=False)
    services, _ = export_and_validate(tmp_path)
    (exported,) = services
    for key in ("id", "name", "alternate_name", "status", "email", "url", "minimum_age",
                "maximum_age", "assured_date", "wait_time", "fees", "alert"):  # fmt: skip
        assert exported[key] == original[key], key
    assert exported["description"] == original["description"].strip()
    # the example's number carries stray CSV quotes; the importer removes them
    assert exported["phones"][0]["number"] == original["phones"][0]["number"].strip('"')
    sched = exported["schedules"][0]
    assert (sched["byday"], sched["opens_at"], sched["closes_at"]) == (
        "TH,FR",
        "10:00:00",
        "18:00:00",
    )
    assert exported["organization"]["id"] == original["organization"]["id"]
    loc = exported["service_at_locations"][0]["location"]
    assert loc["addresses"][0]["postal_code"] == "ABC 1234"
    assert "latitude" not in loc  # 100/101 were out of range
    # and the export imports again, unchanged
    before = counts()
    import_directory(tmp_path / "json", progress=False)
    assert counts() == before
    again, _ = export_and_validate(tmp_path / "2")
    strip = lambda s: {k: v for k, v in s.items() if k != "last_modified"}  # noqa: E731
    assert strip(again[0]) == strip(exported)


def test_csv_export_round_trips(tmp_path):
    import_directory(FIXTURE20, progress=False)
    export_directory(tmp_path / "csv", "csv", progress=False)
    validate_csv(tmp_path / "csv")
    before = counts()
    result = import_directory(tmp_path / "csv", progress=False)
    assert counts() == before
    assert sum(result.created.values()) == 0


# --- HSDS 2.0 CSV ---------------------------------------------------------------------------------


def test_hsds20_datapackage_imports_with_stable_ids_and_source_ids():
    result = import_directory(FIXTURE20, progress=False)
    org_id = taxonomy.stable_id("organization", "org-1")
    org = Organization.objects.get(pk=org_id)
    assert org.website == "https://example.org/sfn"
    assert (
        OrganizationIdentifier.objects.get(organization=org, identifier_type="source_id").identifier
        == "org-1"
    )
    svc = Service.objects.get(pk=taxonomy.stable_id("service", "svc-2"))
    assert svc.organization_id == org_id
    assert svc.eligibility_description == "Adults 18 and over"
    assert [t.name for t in svc.taxonomy_terms.all()] == ["Shelter"]
    assert Attribute.objects.get(link_id=svc.pk, value="svc-2").link_entity == "service"
    loc = Location.objects.get(pk=taxonomy.stable_id("location", "loc-1"))
    assert loc.time_zone == "America/Chicago"
    assert {a.address_type for a in loc.addresses.all()} == {"physical", "postal"}
    assert Address.objects.get(pk=taxonomy.stable_id("address", "pa-1")).address_2 == "Suite 5"
    days = sorted(Schedule.objects.filter(service=svc).values_list("byday", flat=True))
    assert days == ["MO", "TU"]
    line = Service.objects.get(pk=taxonomy.stable_id("service", "svc-1"))
    assert line.service_areas.get().scope == "state"
    assert {x.name for x in line.phones.get().languages.all()} == {"English", "Spanish"}
    assert SearchEntry.objects.filter(service=svc).exists()
    assert result.created["service"] == 3


def test_warnings_name_file_and_row():
    result = import_directory(FIXTURE20, progress=False)
    text = "\n".join(result.warnings)
    assert "phones.csv row 4: service_id 'svc-404' refers to no service" in text
    assert "services_at_location.csv row 4" in text
    assert (
        "services_taxonomy.csv row 3: attribute not imported: unknown taxonomy term 'tx-999'"
        in text
    )
    assert "schedules.csv row 4: schedule not imported" in text
    assert "schedules.csv row 5: schedule not imported" in text
    assert "locations.csv row 3: latitude/longitude 200.0, -95.4 out of range" in text
    assert not Phone.objects.filter(number="713-555-0102").exists()
    assert Location.objects.get(pk=taxonomy.stable_id("location", "loc-2")).latitude is None


def test_reimport_is_idempotent_and_updates(tmp_path):
    import_directory(FIXTURE20, progress=False)
    before = counts()
    entries = SearchEntry.objects.count()
    folder = tmp_path / "pkg"
    shutil.copytree(FIXTURE20, folder)
    path = folder / "services.csv"
    path.write_text(path.read_text().replace("Synthetic Crisis Line", "Synthetic Crisis Line 2"))
    result = import_directory(folder, progress=False)
    assert counts() == before
    assert SearchEntry.objects.count() == entries
    assert sum(result.created.values()) == 0
    assert (
        Service.objects.get(pk=taxonomy.stable_id("service", "svc-1")).name
        == "Synthetic Crisis Line 2"
    )


def test_reimport_keeps_lantern_only_fields():
    import_directory(FIXTURE20, progress=False)
    loc = Location.objects.get(pk=taxonomy.stable_id("location", "loc-1"))
    Location.objects.filter(pk=loc.pk).update(confidential=True)
    Service.objects.filter(pk=taxonomy.stable_id("service", "svc-2")).update(populations=["women"])
    import_directory(FIXTURE20, progress=False)
    assert Location.objects.get(pk=loc.pk).confidential is True
    assert Service.objects.get(pk=taxonomy.stable_id("service", "svc-2")).populations == ["women"]


# --- failures change nothing ----------------------------------------------------------------------


def _broken_copy(tmp_path, file, old, new):
    folder = tmp_path / "broken"
    shutil.copytree(FIXTURE20, folder)
    path = folder / file
    path.write_text(path.read_text().replace(old, new))
    return folder


def test_missing_required_field_fails_and_changes_nothing(tmp_path):
    import_directory(EXAMPLES / "service_full.json", progress=False)
    before = counts()
    folder = _broken_copy(
        tmp_path, "organizations.csv", "Synthetic legal services organization.", ""
    )
    with pytest.raises(ImportFailed) as exc:
        import_directory(folder, strict=True, progress=False)
    assert "organizations.csv row 3: required field description is missing" in str(exc.value)
    assert counts() == before


def test_duplicate_id_fails_and_changes_nothing(tmp_path):
    before = counts()
    folder = _broken_copy(tmp_path, "services.csv", "svc-3,org-2", "svc-1,org-2")
    with pytest.raises(ImportFailed) as exc:
        import_directory(folder, strict=True, progress=False)
    assert "services.csv row 4: duplicate service id 'svc-1' (also at services.csv row 2)" in str(
        exc.value
    )
    assert counts() == before


def test_conflicting_json_duplicate_fails(tmp_path):
    doc = json.loads((EXAMPLES / "service_full.json").read_text())
    other = json.loads(json.dumps(doc))
    other["name"] = "Another name"
    path = tmp_path / "two.json"
    path.write_text(json.dumps([doc, other]))
    with pytest.raises(ImportFailed) as exc:
        import_directory(path, strict=True, progress=False)
    assert "two.json $[1]: duplicate service id" in str(exc.value)
    assert Service.objects.count() == 0


def test_missing_service_status_fails(tmp_path):
    folder = _broken_copy(tmp_path, "services.csv", ",inactive,", ",,")
    with pytest.raises(ImportFailed, match="services.csv row 4: required field status is missing"):
        import_directory(folder, strict=True, progress=False)


def test_dry_run_writes_nothing():
    before = counts()
    result = import_directory(FIXTURE20, dry_run=True, progress=False)
    assert result.created["service"] == 3
    assert counts() == before


def test_command_and_exit_codes(tmp_path, capsys):
    report = tmp_path / "report.json"
    call_command("import_directory", str(FIXTURE20), "--no-progress", "--report", str(report))
    assert "warning: phones.csv row 4" in capsys.readouterr().out
    assert json.loads(report.read_text())["outcome"] == "imported"
    folder = _broken_copy(tmp_path, "services.csv", "svc-3,org-2", "svc-1,org-2")
    with pytest.raises(CommandError, match="duplicate service id"):
        call_command("import_directory", str(folder), "--strict", "--report", str(report))
    assert json.loads(report.read_text())["outcome"] == "refused"
    call_command("export_directory", str(tmp_path / "out"), "--format", "csv", "--no-progress")
    assert (tmp_path / "out" / "datapackage.json").exists()


def test_cli_exit_code_in_subprocess(tmp_path):
    # a fresh SQLite database of its own, whatever database the suite runs on
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LANTERN_DATA_DIR"] = str(tmp_path / "data")
    lantern = [sys.executable, "-m", "lantern.cli"]
    ok = subprocess.run([*lantern, "migrate", "-v0"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    good = subprocess.run([*lantern, "import_directory", str(FIXTURE20), "--dry-run"], env=env,
                          capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert good.returncode == 0, good.stderr
    folder = _broken_copy(tmp_path, "services.csv", "svc-3,org-2", "svc-1,org-2")
    bad = subprocess.run([*lantern, "import_directory", str(folder), "--strict"], env=env,
                         capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert bad.returncode != 0
    assert "services.csv row 4" in bad.stderr


# --- confidential ---------------------------------------------------------------------------------


@pytest.fixture
def confidential_directory():
    import_directory(FIXTURE20, progress=False)
    loc = Location.objects.get(pk=taxonomy.stable_id("location", "loc-1"))
    Location.objects.filter(pk=loc.pk).update(confidential=True)
    return loc


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text() for p in folder.iterdir())


def test_confidential_location_absent_from_exports(confidential_directory, tmp_path):
    loc = confidential_directory
    services, _ = export_and_validate(tmp_path)
    export_directory(tmp_path / "csv", "csv", progress=False)
    validate_csv(tmp_path / "csv")
    for text in (_all_text(tmp_path / "json"), _all_text(tmp_path / "csv")):
        assert "100 Example St" not in text
        assert "PO Box 555" not in text
        assert "29.7604" not in text
        assert str(loc.pk) not in text
        assert "713-555-0101" not in text  # the shelter's own fax
    shelter = next(s for s in services if s["name"] == "Synthetic Emergency Shelter")
    assert shelter["service_at_locations"] == []
    line = next(s for s in services if s["name"] == "Synthetic Crisis Line")
    assert line["phones"][0]["number"] == "713-555-0100"


# --- the API --------------------------------------------------------------------------------------


@pytest.fixture
def directory():
    import_directory(FIXTURE20, progress=False)
    import_directory(EXAMPLES / "service_full.json", progress=False)


def test_api_requires_auth_when_not_public(directory, api, settings, client):
    settings.LANTERN_HSDS_PUBLIC = False
    assert client.get("/hsds/services").status_code == 401
    assert client.get("/hsds/").status_code == 200
    token_client = api("advocate")
    resp = token_client.client.get("/hsds/services", headers=token_client.headers)
    assert resp.status_code == 200


def test_api_session_login(directory, login):
    assert login("advocate").get("/hsds/organizations").status_code == 200


def test_api_root(client):
    body = client.get("/hsds/").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/hsds/openapi.json")
    assert client.get("/hsds/openapi.json").status_code == 200


def test_api_public_pagination_and_endpoints(directory, settings, client):
    settings.LANTERN_HSDS_PUBLIC = True
    page = client.get("/hsds/services", {"per_page": 2, "page": 1}).json()
    assert page["total_items"] == 4
    assert (page["total_pages"], page["page_number"], page["size"]) == (2, 1, 2)
    assert page["first_page"] and not page["last_page"] and not page["empty"]
    last = client.get("/hsds/services", {"per_page": 2, "page": 2}).json()
    assert last["last_page"] and last["size"] == 2
    beyond = client.get("/hsds/services", {"per_page": 2, "page": 3}).json()
    assert beyond["empty"] and beyond["contents"] == []
    for item in page["contents"]:
        assert_valid("service_list.json", item)
    one = client.get(f"/hsds/services/{SERVICE_ID}").json()
    assert_valid("service.json", one)
    lists = {
        "/hsds/organizations": "organization_list.json",
        "/hsds/service_at_locations": "service_at_location_list.json",
    }
    for path, schema in lists.items():
        body = client.get(path).json()
        assert body["contents"]
        for item in body["contents"]:
            assert_valid(schema, item)
    org = client.get(f"/hsds/organizations/{taxonomy.stable_id('organization', 'org-1')}").json()
    assert_valid("organization.json", org)
    assert {s["name"] for s in org["services"]} >= {"Synthetic Crisis Line"}
    sal = ServiceAtLocation.objects.first()
    assert_valid(
        "service_at_location.json", client.get(f"/hsds/service_at_locations/{sal.pk}").json()
    )
    taxes = client.get("/hsds/taxonomies").json()
    assert taxes["total_items"] >= 2
    assert client.get(f"/hsds/taxonomies/{taxes['contents'][0]['id']}").status_code == 200
    terms = client.get("/hsds/taxonomy_terms", {"search": "Shelter"}).json()
    assert any(t["name"] == "Shelter" for t in terms["contents"])
    assert client.get(f"/hsds/taxonomy_terms/{terms['contents'][0]['id']}").status_code == 200


def test_api_errors(directory, settings, client):
    settings.LANTERN_HSDS_PUBLIC = True
    assert client.get("/hsds/services", {"per_page": 1000}).status_code == 422
    bad = client.get("/hsds/services", {"organization_id": "nope"})
    assert bad.status_code == 422 and "organization_id" in bad.json()["errors"]
    assert client.get("/hsds/services/not-a-uuid").status_code == 422
    missing = client.get("/hsds/services/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and missing.json()["detail"] == "not found"
    for path in ("organizations", "taxonomies", "taxonomy_terms", "service_at_locations"):
        assert client.get(f"/hsds/{path}/00000000-0000-4000-8000-000000000000").status_code == 404


def test_api_search_radius_out_of_range(directory, api):
    c = api("advocate")
    resp = c.client.get("/hsds/services", {"zip": "77002", "radius_km": 900}, headers=c.headers)
    assert resp.status_code == 422


def test_api_filters(directory, settings, client):
    settings.LANTERN_HSDS_PUBLIC = True
    org = taxonomy.stable_id("organization", "org-2")
    body = client.get("/hsds/services", {"organization_id": str(org)}).json()
    assert [s["name"] for s in body["contents"]] == ["Synthetic Immigration Legal Clinic"]
    term = taxonomy.stable_id("taxonomy_term", "tx-2")
    body = client.get("/hsds/services", {"taxonomy_term_id": str(term)}).json()
    assert [s["name"] for s in body["contents"]] == ["Synthetic Emergency Shelter"]
    body = client.get("/hsds/services", {"modified_after": "2999-01-01T00:00:00Z"}).json()
    assert body["total_items"] == 0 and body["empty"]
    body = client.get("/hsds/services", {"modified_after": "2000-01-01T00:00:00Z"}).json()
    assert body["total_items"] == 4


def test_api_never_shows_confidential(confidential_directory, settings, client, api):
    settings.LANTERN_HSDS_PUBLIC = True
    loc = confidential_directory
    sal = ServiceAtLocation.objects.get(location=loc)
    c = api("supervisor")  # even a role that may see shelter addresses in the console
    for get in (client.get, lambda p, d=None: c.client.get(p, d, headers=c.headers)):
        texts = [
            get("/hsds/services", {"full": "true", "per_page": 100}).content.decode(),
            get("/hsds/service_at_locations", {"per_page": 100}).content.decode(),
            get(
                f"/hsds/organizations/{taxonomy.stable_id('organization', 'org-1')}"
            ).content.decode(),
            get(f"/hsds/services/{sal.service_id}").content.decode(),
        ]
        for text in texts:
            assert "100 Example St" not in text and str(loc.pk) not in text
        assert get(f"/hsds/service_at_locations/{sal.pk}").status_code == 404


def test_public_search_works_anonymously_and_never_counts_confidential(
    confidential_directory, settings, client
):
    from lantern.directory.indexing import reindex_services

    reindex_services(ServiceAtLocation.objects.values_list("service_id", flat=True))
    settings.LANTERN_HSDS_PUBLIC = True
    near = {"postcode": "77002", "radius_km": 10, "per_page": 100}
    body = client.get("/hsds/service_at_locations", near).json()
    assert body["total_items"] == len(body["contents"])  # nothing hidden behind the count
    loc = confidential_directory
    assert str(loc.pk) not in str(body)
    services = client.get("/hsds/services", near).json()
    assert services["total_items"] == len(services["contents"])
    # the shelter's service is not placed near the shelter by a public search
    sal = ServiceAtLocation.objects.get(location=loc)
    assert str(sal.service_id) not in str(services) or "national" in str(services)
    settings.LANTERN_HSDS_PUBLIC = False
    assert client.get("/hsds/services", near).status_code == 401


# --- property: the JSON reader never crashes and a refused import writes nothing ---------------

_scalars = st.none() | st.booleans() | st.integers(-10, 10**6) | st.text(max_size=12)
_SERVICE_KEYS = ["id", "name", "status", "organization_id", "organization", "phones",
                 "schedules", "service_at_locations", "languages", "attributes"]  # fmt: skip
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_SERVICE_KEYS) | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=15,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=_json)
def test_property_any_json_imports_or_fails_cleanly(tmp_path, doc):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    before = counts()
    try:
        import_directory(path, progress=False)
    except ImportFailed as failed:
        assert failed.errors
        assert counts() == before
