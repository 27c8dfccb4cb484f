"""U.S. states and territories, ZIP codes."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class USStateChoices(models.TextChoices):
    AL = "AL", _("Alabama")
    AK = "AK", _("Alaska")
    AZ = "AZ", _("Arizona")
    AR = "AR", _("Arkansas")
    CA = "CA", _("California")
    CO = "CO", _("Colorado")
    CT = "CT", _("Connecticut")
    DE = "DE", _("Delaware")
    DC = "DC", _("District of Columbia")
    FL = "FL", _("Florida")
    GA = "GA", _("Georgia")
    HI = "HI", _("Hawaii")
    ID = "ID", _("Idaho")
    IL = "IL", _("Illinois")
    IN = "IN", _("Indiana")
    IA = "IA", _("Iowa")
    KS = "KS", _("Kansas")
    KY = "KY", _("Kentucky")
    LA = "LA", _("Louisiana")
    ME = "ME", _("Maine")
    MD = "MD", _("Maryland")
    MA = "MA", _("Massachusetts")
    MI = "MI", _("Michigan")
    MN = "MN", _("Minnesota")
    MS = "MS", _("Mississippi")
    MO = "MO", _("Missouri")
    MT = "MT", _("Montana")
    NE = "NE", _("Nebraska")
    NV = "NV", _("Nevada")
    NH = "NH", _("New Hampshire")
    NJ = "NJ", _("New Jersey")
    NM = "NM", _("New Mexico")
    NY = "NY", _("New York")
    NC = "NC", _("North Carolina")
    ND = "ND", _("North Dakota")
    OH = "OH", _("Ohio")
    OK = "OK", _("Oklahoma")
    OR = "OR", _("Oregon")
    PA = "PA", _("Pennsylvania")
    RI = "RI", _("Rhode Island")
    SC = "SC", _("South Carolina")
    SD = "SD", _("South Dakota")
    TN = "TN", _("Tennessee")
    TX = "TX", _("Texas")
    UT = "UT", _("Utah")
    VT = "VT", _("Vermont")
    VA = "VA", _("Virginia")
    WA = "WA", _("Washington")
    WV = "WV", _("West Virginia")
    WI = "WI", _("Wisconsin")
    WY = "WY", _("Wyoming")
    AS = "AS", _("American Samoa")
    GU = "GU", _("Guam")
    MP = "MP", _("Northern Mariana Islands")
    PR = "PR", _("Puerto Rico")
    VI = "VI", _("U.S. Virgin Islands")


ZIP_RE = re.compile(r"^\d{5}(?:-\d{4})?$")


def normalize_state(value: str) -> str:
    """``ny`` / `` NY `` -> ``NY``; raises ValueError for anything that is not a state code."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    code = (value or "").strip().upper()
    if code not in USStateChoices.values:
        raise ValueError(f"{value!r} is not a U.S. state or territory code (e.g. NY, TX, PR)")
    return code


def normalize_zip(value: str) -> str:
    """``12345`` or ``12345-6789``; raises ValueError for anything else."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    code = (value or "").strip()
    if not ZIP_RE.match(code):
        raise ValueError(f"{value!r} is not a ZIP code (12345 or 12345-6789)")
    return code
