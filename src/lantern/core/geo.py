"""U.S. states and territories, ZIP codes, offline geocoding and distances."""

import math
import re
from dataclasses import dataclass
from functools import cache

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


# --- Offline geocoding ------------------------------------------------------------------------
# ZIP code centres, cities and time zones come from the ``zipcodes`` package, which ships its
# data (about 42,000 ZIP codes); nothing is fetched at run time. Loaded once per process.


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    state: str
    city: str
    postal_code: str
    time_zone: str
    county: str = ""

    @property
    def label(self) -> str:
        return f"{self.postal_code} {self.city}, {self.state}".strip()


@cache
def _zip_table() -> tuple[dict[str, Place], dict[tuple[str, str], Place]]:
    import zipcodes

    by_zip: dict[str, Place] = {}
    by_city: dict[tuple[str, str], list[Place]] = {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        place = Place(
            latitude=lat,
            longitude=lon,
            state=row["state"],
            city=row["city"].title(),
            postal_code=row["zip_code"],
            time_zone=row.get("timezone") or "",
            county=row.get("county") or "",
        )
        by_zip[place.postal_code] = place
        by_city.setdefault((row["city"].lower(), row["state"]), []).append(place)
    cities = {}
    for key, places in by_city.items():
        # a city's centre: the mean of its ZIP code centres
        n = len(places)
        first = places[0]
        cities[key] = Place(
            latitude=sum(p.latitude for p in places) / n,
            longitude=sum(p.longitude for p in places) / n,
            state=first.state,
            city=first.city,
            postal_code="",
            time_zone=first.time_zone,
            county=first.county,
        )
    return by_zip, cities


def place_for_zip(postal_code: str) -> Place | None:
    """The centre of a 5-digit ZIP code (``12345-6789`` is accepted), or None if unknown."""
    code = (postal_code or "").strip()[:5]
    return _zip_table()[0].get(code)


def place_for_city(city: str, state: str) -> Place | None:
    """The centre of a city (mean of its ZIP centres), or None if unknown."""
    return _zip_table()[1].get(((city or "").strip().lower(), (state or "").strip().upper()))


EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) that contains every point within ``radius_km``."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    coslat = math.cos(math.radians(lat))
    dlon = 180.0 if coslat < 1e-6 else min(180.0, dlat / coslat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
