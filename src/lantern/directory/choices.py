"""Every choice list of the directory, in one place.

Values of HSDS fields (service status, location and address types, phone types, schedule
frequencies) are the spec's own strings, so they round-trip through import and export.
Lantern's additions (organization type, populations served) travel as HSDS attributes linked to
Lantern's taxonomy (``directory/data/taxonomy.yaml``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationTypeChoices(models.TextChoices):
    ANTI_TRAFFICKING = "anti_trafficking", _("Anti-trafficking organization")
    LEGAL_SERVICES = "legal_services", _("Legal services")
    SHELTER = "shelter", _("Shelter")
    COALITION = "coalition", _("Coalition")
    TASK_FORCE = "task_force", _("Task force")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH = "health", _("Health")
    GOVERNMENT = "government", _("Government")


class PopulationChoices(models.TextChoices):
    ADULTS = "adults", _("Adults")
    MINORS = "minors", _("Minors")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    LGBTQ = "lgbtq", _("LGBTQ+")
    FOREIGN_NATIONALS = "foreign_nationals", _("Foreign nationals")
    US_CITIZENS = "us_citizens", _("U.S. citizens")
    SEX_TRAFFICKING_SURVIVORS = "sex_trafficking_survivors", _("Survivors of sex trafficking")
    LABOR_TRAFFICKING_SURVIVORS = "labor_trafficking_survivors", _("Survivors of labor trafficking")


class ServiceStatusChoices(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct (retired)")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class LocationTypeChoices(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class AddressTypeChoices(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class PhoneTypeChoices(models.TextChoices):
    VOICE = "voice", _("Voice")
    TEXT = "text", _("Text")
    CELL = "cell", _("Cell")
    FAX = "fax", _("Fax")
    VIDEO = "video", _("Video")
    PAGER = "pager", _("Pager")
    TEXTPHONE = "textphone", _("Textphone (TTY)")


class ScheduleFreqChoices(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")


class WeekdayChoices(models.TextChoices):
    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


class ServiceAreaScopeChoices(models.TextChoices):
    """How far a service reaches, in terms a search can use (HSDS keeps ``extent`` as free text)."""

    NATIONAL = "national", _("National")
    STATE = "state", _("Statewide")
    COUNTY = "county", _("County")
    CITY = "city", _("City")
    POSTAL_CODE = "postal_code", _("ZIP code")
    LOCAL = "local", _("Around its locations")


# Verification is annual: a service is due when it was last verified this many days ago.
VERIFICATION_INTERVAL_DAYS = 365
