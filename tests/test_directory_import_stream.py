"""The importer streams JSON feeds in batches (issue 21 part 2): references across batches,
copies of one record in several batches, and --strict refusing a problem in a late batch.

Each test imports with a batch of 2 top-level objects, so a feed of a few records already spans
several batches; the result must be what one batch gives.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lantern.directory.importing import MODELS, ImportFailed, import_directory
from lantern.directory.models import (
    Location,
    Organization,
    SearchEntry,
    Service,
    ServiceAtLocation,
)

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {k: m.objects.count() for k, m in MODELS.items()}


def _location(n: int) -> dict:
    return {
        "id": f"loc-{n}",
        "organization_id": f"org-{n % 3}",
        "name": f"Office {n}",
        "latitude": 29.76 + n / 100,
        "longitude": -95.37,
        "addresses": [
            {
                "id": f"addr-{n}",
                "address_1": f"{n} Test Street",
                "city": "Houston",
                "state_province": "TX",
                "postal_code": "77002",
                "country": "US",
                "address_type": "physical",
            }
        ],
    }


def write_feed(folder: Path, services: int = 7) -> Path:
    """Three organizations and ``services`` services, each at a location nested in full in the
    service (as ``export_directory`` writes them); locations 0 and 1 serve several services."""
    folder.mkdir()
    orgs = [
        {"id": f"org-{n}", "name": f"Synthetic Org {n}", "description": "A test organization."}
        for n in range(3)
    ]
    items = []
    for n in range(services):
        loc = _location(n % 2 if n < 4 else n)
        items.append(
            {
                "id": f"svc-{n}",
                "organization_id": f"org-{n % 3}",
                "name": f"Synthetic Shelter {n}",
                "description": "Beds for test families.",
                "status": "active",
                "phones": [{"id": f"phone-{n}", "number": f"+1 713 555 01{n:02d}"}],
                "service_at_locations": [
                    {"id": f"sal-{n}", "location_id": loc["id"], "location": loc}
                ],
            }
        )
    (folder / "organizations.json").write_text(json.dumps(orgs))
    (folder / "services.json").write_text(json.dumps(items))
    return folder


def test_batches_resolve_references_to_earlier_batches(tmp_path):
    feed = write_feed(tmp_path / "feed")
    result = import_directory(feed, progress=False, batch=2)
    assert not result.problems
    assert Organization.objects.count() == 3
    assert Service.objects.count() == 7
    assert Location.objects.count() == 5  # 0 and 1 shared, then 4, 5, 6
    assert ServiceAtLocation.objects.count() == 7
    assert result.created["location"] == 5
    service = Service.objects.get(name="Synthetic Shelter 5")
    assert service.organization.name == "Synthetic Org 2"
    assert SearchEntry.objects.filter(service=service).count() == 1
    assert SearchEntry.objects.count() == 7


def test_batched_import_equals_one_batch(tmp_path):
    feed = write_feed(tmp_path / "feed")
    import_directory(feed, progress=False, batch=2)
    batched = counts()
    again = import_directory(feed, progress=False)  # one batch: nothing to change
    assert counts() == batched
    assert sum(again.created.values()) == 0
    assert again.updated["service"] == 7
    assert again.updated["location"] == 5


def test_reimport_in_batches_changes_nothing(tmp_path):
    feed = write_feed(tmp_path / "feed")
    import_directory(feed, progress=False, batch=2)
    before = counts()
    entries = SearchEntry.objects.count()
    again = import_directory(feed, progress=False, batch=2)
    assert counts() == before
    assert sum(again.created.values()) == 0
    assert not again.problems
    assert SearchEntry.objects.count() == entries


def test_a_copy_that_differs_in_a_later_batch_keeps_the_first(tmp_path):
    feed = write_feed(tmp_path / "feed")
    items = json.loads((feed / "services.json").read_text())
    items[3]["service_at_locations"][0]["location"]["name"] = "Renamed office"  # location 1
    (feed / "services.json").write_text(json.dumps(items))
    result = import_directory(feed, progress=False, batch=2)
    assert Location.objects.get(name="Office 1")
    assert not Location.objects.filter(name="Renamed office").exists()
    problems = [p for p in result.problems if p.action == "first copy kept"]
    assert [p.where for p in problems] == ["services.json $[3].service_at_locations[0].location"]


def test_strict_problem_in_the_last_batch_leaves_nothing(tmp_path):
    feed = write_feed(tmp_path / "feed")
    items = json.loads((feed / "services.json").read_text())
    del items[-1]["status"]
    (feed / "services.json").write_text(json.dumps(items))
    before = counts()
    with pytest.raises(ImportFailed, match=r"services.json \$\[6\]: required field status"):
        import_directory(feed, strict=True, progress=False, batch=2)
    assert counts() == before
    assert SearchEntry.objects.count() == 0


def test_broken_json_late_in_the_file_leaves_nothing(tmp_path):
    feed = write_feed(tmp_path / "feed")
    text = (feed / "services.json").read_text()
    (feed / "services.json").write_text(text[:-40])  # cut off in the last service
    before = counts()
    with pytest.raises(ImportFailed, match="services.json: not valid JSON"):
        import_directory(feed, progress=False, batch=2)
    assert counts() == before


def test_lenient_skips_a_late_service_and_keeps_the_rest(tmp_path):
    feed = write_feed(tmp_path / "feed")
    items = json.loads((feed / "services.json").read_text())
    items[-1]["organization_id"] = "org-404"
    (feed / "services.json").write_text(json.dumps(items))
    result = import_directory(feed, progress=False, batch=2)
    assert Service.objects.count() == 6
    assert any("org-404" in p.problem and p.where == "services.json $[6]" for p in result.problems)


def test_a_folder_is_read_parents_first_whatever_the_names(tmp_path):
    """locations.json sorts after services.json (and is not nested in it), yet is read first,
    so a service at location in the first batch of services finds its location."""
    feed = write_feed(tmp_path / "feed")
    items = json.loads((feed / "services.json").read_text())
    locations = {}
    for item in items:
        for sal in item["service_at_locations"]:
            loc = sal.pop("location")
            locations[loc["id"]] = loc
    (feed / "services.json").write_text(json.dumps(items))
    (feed / "locations.json").write_text(json.dumps(list(locations.values())))
    result = import_directory(feed, progress=False, batch=2)
    assert not result.problems
    assert ServiceAtLocation.objects.count() == 7
    assert Location.objects.count() == 5
