r"""Directory search: the service layer behind the console panel, the HSDS API and the benchmark.

CONTRACT (the signatures below are what callers use):

    query = parse_query(params)           # Mapping[str, str] from a form or query string
                                          # -> DirectoryQuery, or raises InvalidInput with
                                          #    {"field": "reason"} errors (-> HTTP 422 / 400)
    page = search(user, query)            # -> SearchPage of Hit, one per service-at-location
    page = search_services(user, query)   # -> SearchPage whose hits are one per service (best
                                          #    location first), for the HSDS /services endpoint

Query parameters understood by ``parse_query`` (all optional): ``q`` (text), ``zip``, ``city`` +
``state``, ``lat`` + ``lon``, ``radius_km`` (0 < r <= 500, default 40), ``term`` (taxonomy term code
or id, repeatable / comma-separated), ``organization_type``, ``population`` (repeatable / comma-
separated: every one must be served), ``age`` (0..120: the service's age limits admit it),
``language``, ``open_now`` (1/true), ``available_24_7`` (1/true), ``verified_within_months``,
``organization_id``, ``modified_after`` (ISO date-time), ``page`` (>= 1), ``per_page``
(1..MAX_PER_PAGE). Aliases from the HSDS API are accepted: ``search`` (q), ``postcode`` (zip),
``taxonomy_term_id`` (term), ``24_7`` (available_24_7), ``radius`` (radius_km); and ``at`` (an ISO
instant for "open now", default: the present).

How a search runs:

* With a location (lat+lon, else ZIP, else city+state): entries inside a bounding box on the
  (latitude, longitude) index, kept when the exact haversine distance is within ``radius_km``,
  nearest first; then services whose area covers the caller (national, or statewide in the
  caller's state), each once at its nearest location, statewide before national. On SQLite both
  indexes carry the filter columns and what ranking needs (``models.CoveringIndex``), so the
  candidates are counted and ranked without reading a table row; only the page (and the entries
  tied with its ends, whose names break the tie) is read whole (``located``).
* Without a location: text relevance (FTS5 rank / ``ts_rank``), then name, ordered and paged in
  SQL, the total a COUNT; with "open now", the matches' distinct (hours, time zone) pairs are
  counted in SQL and tested once each, and the page is the matches with an open pair. One hit
  per service (``search_services``) pages in Python over the matches' ids in order.
* Text: the user's words only (``\w+``), all required, the last one also as a prefix. Without a
  location each is a quoted FTS5 string or a ``to_tsquery`` lexeme; near a place on SQLite, the
  few hundred candidates are tested on ``SearchEntry.words`` (stems, ``stemming.py``) with LIKE,
  which is far cheaper than every full-text match of a common word in the country. Every user
  value is passed as a query parameter.
* Filters are SQL on ``SearchEntry``'s token columns; "open now" is decided in Python from
  ``SearchEntry.hours`` (weekly intervals compiled from the schedules) in each entry's own time
  zone.
* A page's details (phones, hours, languages, address) come from five narrow SQL queries.
* Confidential locations: distances come from their ZIP centre (the index never holds their
  coordinates) and are rounded to whole kilometres; ``Hit.address`` is None unless the rules
  allow ``view_confidential_location``; a ``Hit`` never carries coordinates.

The package, by stage: ``query`` (what is asked, ``parse_query``), ``text`` (the words),
``candidates`` (SQL filters, places, ranking), ``located`` (a page near a place), ``hits`` (a
page's details and reasons), ``sql`` (the raw SQL), ``run`` (``search`` and ``search_services``).
"""

from lantern.directory.search.candidates import origin_of
from lantern.directory.search.query import (
    DEFAULT_RADIUS_KM,
    MAX_PER_PAGE,
    MAX_RADIUS_KM,
    DirectoryQuery,
    Hit,
    SearchPage,
    parse_query,
)
from lantern.directory.search.run import search, search_services
from lantern.directory.search.text import fts5_query, text_words, tsquery

__all__ = [
    "DEFAULT_RADIUS_KM",
    "MAX_PER_PAGE",
    "MAX_RADIUS_KM",
    "DirectoryQuery",
    "Hit",
    "SearchPage",
    "fts5_query",
    "origin_of",
    "parse_query",
    "search",
    "search_services",
    "text_words",
    "tsquery",
]
