"""The referral directory, modelled on Open Referral HSDS 3.0 (``../shared/hsds/3.0/``).

Field names are the spec's, ids are UUIDs, and text fields use ``""`` rather than NULL for
"absent" so an export never writes ``null`` (HSDS forbids it). Lantern's own additions are
marked as such; on export they become HSDS attributes linked to Lantern's taxonomy.

``SearchEntry`` is not HSDS: it is the denormalised row per service-at-location (or per service
without a location) that search reads, rebuilt by ``actions.reindex`` whenever a service changes.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from lantern.core.geo import USStateChoices
from lantern.core.ids import uuid7
from lantern.directory.choices import (
    AddressTypeChoices,
    LocationTypeChoices,
    OrganizationTypeChoices,
    PhoneTypeChoices,
    ServiceAreaScopeChoices,
    ServiceStatusChoices,
)


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    code = models.CharField(max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taxonomy_ref = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    taxonomy = models.CharField(
        max_length=200, blank=True, help_text="HSDS: the taxonomy's name when there is no record"
    )
    language = models.CharField(max_length=35, blank=True)
    term_uri = models.URLField(max_length=500, blank=True)
    # Lantern: the equivalent Open Eligibility term, where one exists.
    open_eligibility = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    tax_status = models.CharField(max_length=100, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    logo = models.URLField(max_length=500, blank=True)
    uri = models.URLField(max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # Lantern
    organization_type = models.CharField(
        max_length=32, choices=OrganizationTypeChoices.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganizationIdentifier(models.Model):
    """Other ids of an organization: EIN, a 211's own id, the id it had in an imported file."""

    id = models.UUIDField(primary_key=True, default=uuid7)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(max_length=100, blank=True)
    identifier_type = models.CharField(max_length=100)
    identifier = models.CharField(max_length=300)


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatusChoices.choices, default=ServiceStatusChoices.ACTIVE
    )
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=200, blank=True)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # HSDS's assurance fields are Lantern's verification: when and by whom it was last checked.
    assured_date = models.DateField(null=True, blank=True, db_index=True)
    assurer_email = models.EmailField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    # Lantern
    populations = models.JSONField(default=list, blank=True, help_text="PopulationChoices values")
    available_24_7 = models.BooleanField(default=False)
    trafficking_training = models.BooleanField(
        default=False, help_text="Staff trained to work with survivors of trafficking"
    )
    taxonomy_terms = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="services",
        help_text="Service types; exported as HSDS attributes",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("console:directory_service", args=[self.pk])


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    location_type = models.CharField(
        max_length=16, choices=LocationTypeChoices.choices, default=LocationTypeChoices.PHYSICAL
    )
    url = models.URLField(max_length=500, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=200, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)
    # Lantern
    confidential = models.BooleanField(
        default=False,
        help_text="A shelter whose address is shown only to roles the rules allow; never "
        "exported, never public. Search uses its ZIP code's centre, not its coordinates.",
    )
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="IANA name; from the ZIP code when left empty"
    )

    def __str__(self):
        return self.name or str(self.pk)


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="US")
    address_type = models.CharField(
        max_length=16, choices=AddressTypeChoices.choices, default=AddressTypeChoices.PHYSICAL
    )

    class Meta:
        verbose_name_plural = "addresses"


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="directory_sal_unique")
        ]


class DirectoryContact(models.Model):
    """HSDS ``contact``: a named person or desk at an organization, service or location."""

    id = models.UUIDField(primary_key=True, default=uuid7)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        DirectoryContact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=16, choices=PhoneTypeChoices.choices, blank=True)
    description = models.TextField(blank=True)


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=35, blank=True, help_text="BCP 47 / ISO 639 code")
    note = models.TextField(blank=True)


class Schedule(models.Model):
    """When a service, location or service-at-location is open, as HSDS 3.0 (RFC 5545 style).

    Lantern reads ``freq=WEEKLY`` with ``byday`` and ``opens_at``/``closes_at`` (a ``closes_at``
    at or before ``opens_at`` means the hours run past midnight), ``valid_from``/``valid_to``,
    and ``description`` alone for the 24/7 case. Times are local to the location's time zone.
    """

    id = models.UUIDField(primary_key=True, default=uuid7)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True, help_text="HSDS: UTC offset in hours")
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)
    interval = models.PositiveIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True)
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    # Lantern: the area in terms search understands, parsed from the above on import.
    scope = models.CharField(
        max_length=16,
        choices=ServiceAreaScopeChoices.choices,
        default=ServiceAreaScopeChoices.LOCAL,
    )
    state = models.CharField(max_length=2, choices=USStateChoices.choices, blank=True)
    value = models.CharField(
        max_length=100, blank=True, help_text="County or city name, or ZIP code, for those scopes"
    )


class Attribute(models.Model):
    """HSDS attributes that Lantern does not model as fields, kept so they export unchanged.

    Service types (``Service.taxonomy_terms``) and Lantern's own additions are stored as fields
    and written out as attributes by the exporter; everything else lives here.
    """

    id = models.UUIDField(primary_key=True, default=uuid7)
    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=100, blank=True)
    link_entity = models.CharField(max_length=50)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.TextField(blank=True)


# The columns every search filter reads (``search.candidates._filters``).
FILTER_COLUMNS = (
    "active",
    "confidential",
    "terms",
    "languages",
    "populations",
    "organization_type",
    "available_24_7",
    "assured_date",
)


class CoveringIndex(models.Index):
    """An index on ``fields`` that, on SQLite, also carries the ``covering`` columns.

    SQLite then tests a filter on those columns inside the index and reads the table row only
    for entries that pass: a search near a city reads a few dozen rows instead of thousands
    (bench/directory.py). PostgreSQL gets the plain index on ``fields``: its btree rows are
    limited to about 2.7 KB, which long token lists could exceed, and its bitmap heap scans do
    not need the help.
    """

    def __init__(self, *args, covering=(), **kwargs):
        self.covering = tuple(covering)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["covering"] = self.covering
        return path, args, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite" or not self.covering:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        wide = models.Index(fields=[*self.fields, *self.covering], name=self.name)
        return wide.create_sql(model, schema_editor, using=using, **kwargs)


class SearchEntry(models.Model):
    """One searchable row per service-at-location, or per service that has no location.

    Space-delimited token fields (``" en es "``) let a filter be one indexed-free ``LIKE`` on a
    few thousand candidate rows that the bounding box or full-text index already narrowed.
    ``latitude``/``longitude`` of a confidential location are its ZIP code's centre.
    """

    id = models.BigAutoField(primary_key=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    reach = models.CharField(
        max_length=16,
        choices=ServiceAreaScopeChoices.choices,
        default=ServiceAreaScopeChoices.LOCAL,
    )
    reach_states = models.CharField(max_length=400, blank=True, help_text='" TX OK "')
    terms = models.TextField(blank=True, help_text="taxonomy term codes, space-delimited")
    languages = models.CharField(max_length=400, blank=True)
    populations = models.CharField(max_length=400, blank=True)
    organization_type = models.CharField(max_length=32, blank=True)
    available_24_7 = models.BooleanField(default=False)
    assured_date = models.DateField(null=True)
    confidential = models.BooleanField(default=False)
    # Distinct stems of the service's own name, description, eligibility and terms (not its
    # organization's or location's), space-delimited like ``words``: hits matching here rank first.
    focus = models.TextField(blank=True, default="")
    # Service name, so a search orders by name without a join.
    name = models.CharField(max_length=300, blank=True)
    # Weekly opening intervals in local time, compiled from the schedules that apply
    # (``schedules.compile_hours``); "" when the hours are unknown. Search decides "open now" on
    # thousands of candidates from this column without loading a schedule.
    hours = models.TextField(blank=True)
    # Full text (PostgreSQL reads it through a stored tsvector column, migration 0005; SQLite
    # through FTS5, migration 0002).
    text = models.TextField(blank=True)
    # The distinct stemmed words of ``text`` (``stemming.words_column``): SQLite tests a search's
    # words on candidates near a place with LIKE instead of fetching every full-text match.
    words = models.TextField(blank=True)

    class Meta:
        indexes = [
            CoveringIndex(
                fields=["latitude", "longitude"],
                covering=FILTER_COLUMNS,
                name="directory_se_latlon",
            ),
            models.Index(fields=["state"], name="directory_se_state"),
            # also what a search near a place ranks an area entry by, so the thousands of
            # national entries are counted and ranked without reading a row (search/located.py)
            CoveringIndex(
                fields=["reach", "reach_states"],
                covering=(*FILTER_COLUMNS, "service", "latitude", "longitude"),
                name="directory_se_reach",
            ),
        ]
