"""The index contract: the document Pathways indexes, and the settings of its index.

The indexer writes `IndexDocument`s and the service reads them back, from this one module,
so the fields that are filtered and the fields that are written cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal, get_origin, get_type_hints

import msgspec
from msgspec import Meta

from service.contract.index_settings import (
    Faceting,
    IndexSettings,
    MinWordSizeForTypos,
    Pagination,
    TypoTolerance,
)
from service.contract.stop_words import STOP_WORDS
from service.contract.vocabulary import (
    ACCESSIBILITY,
    ATTENDANCE,
    COMMUNITIES,
    COSTS,
    KINDS,
    LANGUAGES,
    NEEDS,
    Vocabulary,
)

Kind = Literal[
    "meeting", "treatment", "telehealth", "helpline", "housing", "outreach", "health_center"
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Status = Literal["active", "temporarily_closed"]

WEEKDAYS: Final[tuple[Weekday, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Meilisearch accepts a-z A-Z 0-9 - _ in ids (at most 511 bytes) and rejects the whole
# batch when one id breaks the rule, so ids are checked before anything is sent.
DOCUMENT_ID_PATTERN: Final = r"^[A-Za-z0-9_-]{1,200}$"
DOCUMENT_ID_RE: Final = re.compile(DOCUMENT_ID_PATTERN)

Latitude = Annotated[float, Meta(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Meta(ge=-180.0, le=180.0)]
LocalTime = Annotated[str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
StateCode = Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]


class Base(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    omit_defaults=True,
):
    """Shared options of the index contract.

    - `frozen`: a document is a value; normalizers build new ones instead of mutating.
    - `kw_only`: fields are named at every construction site, so adding one is safe.
      msgspec applies it only to the fields a class defines, so subclasses restate it.
    - `omit_defaults`: absent optional data is left out of the index rather than stored
      as nulls, which keeps documents small and `_geo` absent for remote services.
    """


class GeoPoint(Base, frozen=True, kw_only=True):
    """A point in WGS 84 as Meilisearch's `_geo` expects it."""

    lat: Latitude
    lng: Longitude


class Address(Base, frozen=True, kw_only=True):
    """Where a resource is. `approximate` marks an address known only to a city or ZIP."""

    place_name: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str = "US"
    formatted: str | None = None
    notes: str | None = None
    approximate: bool = False


class TimeSlot(Base, frozen=True, kw_only=True):
    """One weekly occurrence in the venue's local time; `end` may be absent."""

    day: Weekday
    start: LocalTime
    end: LocalTime | None = None


class Schedule(Base, frozen=True, kw_only=True):
    """A weekly schedule in one IANA time zone."""

    timezone: str | None = None
    slots: tuple[TimeSlot, ...] = ()
    by_appointment: bool = False
    notes: str | None = None


class ServiceArea(Base, frozen=True, kw_only=True):
    """Where a remote service (telehealth, helpline, online programme) can serve people."""

    nationwide: bool = False
    states: tuple[StateCode, ...] = ()
    # The town an online group names as its own (city level, approximate): clients that
    # list every meeting under a place (Meeting Guide apps, TSML UI) need one.
    locality: Address | None = None


class Contact(Base, frozen=True, kw_only=True):
    """How to reach a resource. Never a member's personal contact."""

    phone: str | None = None
    # A number that takes text messages, when it is not the phone (a short code like 741741),
    # and the word to send first ("HOME"), so a page can offer `sms:` with it.
    text_number: str | None = None
    text_keyword: str | None = None
    website: str | None = None
    email: str | None = None
    meeting_url: str | None = None
    meeting_phone: str | None = None
    meeting_notes: str | None = None


class Provenance(Base, frozen=True, kw_only=True):
    """Where a record came from, and how fresh it is at its source."""

    source: str
    source_name: str
    source_record_id: str
    source_url: str | None = None
    updated_at: str | None = None
    # How many days `updated_at` stays good: the source's `refresh_days` (seed_data/sources.toml);
    # None: the service's PATHWAYS_STALE_AFTER_DAYS (service/search/freshness.py).
    refresh_days: Annotated[int, Meta(ge=1)] | None = None
    # The newest date the source gives for any of its records (or for the whole list): the
    # edition of the source this record is read from (service/search/freshness.py).
    source_updated_at: str | None = None
    licence: str | None = None
    # The publisher's page for change requests (Meeting Guide `feedback_url`): stewards
    # forward reports there (service/review/forward.py).
    feedback_url: str | None = None


class Checked(Base, frozen=True, kw_only=True):
    """A steward checked the listing: on which day (YYYY-MM-DD), for which organisation."""

    on: Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    by: str


class IndexDocument(Base, frozen=True, kw_only=True):
    """One resource in the index: a meeting, a treatment provider, a shelter, a helpline..."""

    id: Annotated[str, Meta(pattern=DOCUMENT_ID_PATTERN)]
    kind: Kind
    name: Annotated[str, Meta(min_length=1)]
    description: str | None = None
    organization: str | None = None
    needs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    attendance: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    eligibility: str | None = None
    # Required, so it is always stored: a filter cannot match a field no document has.
    status: Status
    address: Address | None = None
    geo: GeoPoint | None = msgspec.field(default=None, name="_geo")
    service_area: ServiceArea | None = None
    schedule: Schedule | None = None
    contact: Contact = Contact()
    provenance: Provenance
    # The other sources that list the same resource, merged into this document by the
    # indexer (indexer/dedupe.py); `provenance` is the source whose record gave the id.
    also_from: tuple[Provenance, ...] = ()
    # A hash of the stored document: how `pathways-indexer sync` sees that a record changed.
    content_hash: str | None = None
    # The stewards' word (service/store/, applied by indexer/corrections.py): the latest
    # check, and when an accepted correction last changed the listing (ISO 8601, UTC).
    checked: Checked | None = None
    corrected_at: str | None = None
    # Labels of the vocabulary values in English and Spanish, so that a text search for
    # "Spanish", "mujeres" or "wheelchair" finds the records tagged with those codes.
    keywords: tuple[str, ...] = ()


# What the index stores for its own use: text search and sync read them, no answer shows them.
INTERNAL_FIELDS: Final[frozenset[str]] = frozenset({"keywords", "content_hash"})
# The attributes every answer reads back; `_geo` must be among them for distances.
PUBLIC_ATTRIBUTES: Final[tuple[str, ...]] = tuple(
    f.encode_name for f in msgspec.structs.fields(IndexDocument) if f.name not in INTERNAL_FIELDS
)


class IndexedDocument(IndexDocument, frozen=True, kw_only=True):
    """What is written to the index: a document plus the filterable fields derived from its
    schedule by service/schedules/weekly.py. They are internal, so the API never returns them
    (SearchHit does not declare them, and msgspec drops undeclared fields when decoding).
    """

    # Venue-local minutes of the week (Monday 00:00 = 0) at which a slot starts.
    start_minutes: tuple[int, ...] = ()
    # Venue-local quarter hours of the week (0-671) during which a slot is open.
    open_buckets: tuple[int, ...] = ()
    # The grid cells holding `_geo`, one per level, and `_geo` itself as one facet value:
    # place searches select circles with them instead of `_geoRadius` (service/places/cells.py).
    geo_cells: tuple[str, ...] = ()
    geo_key: str | None = None
    # The id's short code (service/contract/short_codes.py): shortlist links find it by it.
    short_code: str | None = None


class SearchHit(IndexDocument, frozen=True, kw_only=True):
    """A document as a search returns it, with its distance from the searched place."""

    distance_km: float | None = None
    # True when every date of the record (its sources', a steward's check) is older than its
    # refresh period (service/search/freshness.py); set at query time.
    stale: bool | None = None
    # The next start at or after the search's instant, ISO 8601 with the venue's offset,
    # and the same instant in the viewer's zone (`tz`); `open_now` at that instant.
    next_occurrence: str | None = None
    next_occurrence_viewer: str | None = None
    open_now: bool | None = None


class FilterField(msgspec.Struct, frozen=True, kw_only=True):
    """A search parameter that filters on a vocabulary-controlled index attribute."""

    param: str
    attribute: str
    vocabulary: Vocabulary
    # Whether the labels and lexicon phrases of a document's codes go into its `keywords`, so
    # that a text search for them ("Spanish", "mujeres", "naloxone") finds the documents.
    keywords: bool = True


# Search parameter -> index attribute and vocabulary. Facets are reported per parameter.
FILTER_FIELDS: Final[tuple[FilterField, ...]] = (
    FilterField(param="kind", attribute="kind", vocabulary=KINDS),
    FilterField(param="need", attribute="needs", vocabulary=NEEDS),
    FilterField(param="language", attribute="languages", vocabulary=LANGUAGES),
    FilterField(param="community", attribute="communities", vocabulary=COMMUNITIES),
    FilterField(param="accessibility", attribute="accessibility", vocabulary=ACCESSIBILITY),
    FilterField(param="attendance", attribute="attendance", vocabulary=ATTENDANCE),
    FilterField(param="cost", attribute="costs", vocabulary=COSTS),
)
# The filter attributes that hold several codes (all but `kind`, which holds one).
MULTI_VALUED_FILTER_ATTRIBUTES: Final[tuple[str, ...]] = tuple(
    f.attribute
    for f in FILTER_FIELDS
    if get_origin(get_type_hints(IndexDocument)[f.attribute]) is tuple
)


def filter_codes(doc: IndexDocument, field: FilterField) -> tuple[str, ...]:
    """The codes a document holds in a filter field, whether it holds one or several."""
    value: str | tuple[str, ...] = getattr(doc, field.attribute)
    return (value,) if isinstance(value, str) else value


# Groups of words that mean the same thing to people looking for help.
SYNONYM_GROUPS: Final[tuple[tuple[str, ...], ...]] = (
    ("aa", "alcoholics anonymous"),
    ("na", "narcotics anonymous"),
    ("ca", "cocaine anonymous"),
    ("ga", "gamblers anonymous"),
    ("oa", "overeaters anonymous"),
    ("eda", "eating disorders anonymous"),
    ("al-anon", "alanon", "al anon"),
    ("smart", "smart recovery"),
    (
        "moud",
        "mat",
        "medication assisted treatment",
        "medication for opioid use disorder",
        "buprenorphine",
        "suboxone",
        "methadone",
        "naltrexone",
        "vivitrol",
    ),
    ("detox", "detoxification", "withdrawal management"),
    ("sober living", "recovery residence", "sober home", "halfway house", "recovery housing"),
    ("lgbtq", "lgbt", "lgbtqia", "gay", "lesbian", "queer", "transgender"),
    ("telehealth", "telemedicine", "virtual care"),
    ("online", "virtual", "zoom"),
    ("shelter", "emergency shelter", "albergue"),
    ("spanish", "español", "espanol", "hispanic"),
    ("rehab", "rehabilitation", "residential treatment"),
    ("counseling", "counselling", "therapy"),
    ("veteran", "veterans", "va"),
    ("988", "suicide and crisis lifeline", "crisis line"),
)


def synonyms_map(groups: tuple[tuple[str, ...], ...] = SYNONYM_GROUPS) -> dict[str, list[str]]:
    """Expand synonym groups into Meilisearch's mutual word -> synonyms map."""
    mapping: dict[str, list[str]] = {}
    for group in groups:
        for word in group:
            others = [w for w in group if w != word]
            mapping.setdefault(word, [])
            mapping[word].extend(o for o in others if o not in mapping[word])
    return mapping


INDEX_SETTINGS: Final = IndexSettings(
    # In order of importance: a match in the name beats one in the notes.
    searchable_attributes=(
        "name",
        "organization",
        "keywords",
        "tags",
        "address.place_name",
        "address.city",
        "address.formatted",
        "description",
        "eligibility",
    ),
    filterable_attributes=(
        *(f.attribute for f in FILTER_FIELDS),
        "status",
        "address.state",
        "service_area.nationwide",
        "service_area.states",
        "provenance.source",
        "_geo",
        # Schedules (service/schedules/filters.py): zone, venue-local starts and open hours.
        "schedule.timezone",
        "start_minutes",
        "open_buckets",
        # Place searches (service/places/cells.py, service/search/nearby.py).
        "geo_cells",
        "geo_key",
        # The ids merged into a document (indexer/dedupe.py StoredDocument): old links redirect.
        "former_ids",
        # Shortlist links (service/contract/short_codes.py).
        "short_code",
    ),
    sortable_attributes=("_geo", "name"),
    ranking_rules=("words", "typo", "proximity", "attribute", "sort", "exactness"),
    synonyms=synonyms_map(),
    # Chosen by measurement on the judged set (docs/search-quality.md).
    stop_words=STOP_WORDS,
    localized_attributes=None,
    typo_tolerance=TypoTolerance(
        enabled=True,
        min_word_size_for_typos=MinWordSizeForTypos(one_typo=4, two_typos=8),
        # Phone numbers and codes must match exactly.
        disable_on_numbers=True,
    ),
    # Vocabulary facets are far smaller; the zone facet (one value per IANA zone indexed,
    # read to build time filters) and the geo_key facet (the points near a searched place,
    # service/search/nearby.py) must not be cut short: a search that would be falls back.
    faceting=Faceting(max_values_per_facet=10000),
    pagination=Pagination(max_total_hits=10000),
)

document_encoder: Final = msgspec.json.Encoder()
document_decoder: Final = msgspec.json.Decoder(IndexDocument)
