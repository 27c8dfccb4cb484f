from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtocolLevelChoices(models.TextChoices):
    """The jurisdiction a protocol is for, from the most general to the most specific."""

    NATIONAL = "national", _("National")
    STATE = "state", _("State or territory")
    COUNTY = "county", _("County")
    CITY = "city", _("City")


# More specific wins: a city's protocol before its county's, its state's, the national one.
LEVEL_RANK = {
    ProtocolLevelChoices.NATIONAL: 0,
    ProtocolLevelChoices.STATE: 1,
    ProtocolLevelChoices.COUNTY: 2,
    ProtocolLevelChoices.CITY: 3,
}
