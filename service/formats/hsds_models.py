"""The HSDS 3.1 objects Pathways writes, with the spec's field names (Open Referral).

Only the fields Pathways can fill are declared; absent values are left out rather than
written as nulls, which the HSDS schemas do not allow.
"""

from __future__ import annotations

from typing import Literal

import msgspec

LocationType = Literal["physical", "postal", "virtual"]
ServiceStatus = Literal["active", "inactive", "defunct", "temporarily closed"]


class HsdsObject(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Shared options: frozen values, named fields, absent optional data left out."""


class Language(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """A language a service is offered in (ISO 639-1 code)."""

    id: str
    name: str
    code: str


class Phone(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """A phone number of a service."""

    id: str
    number: str
    extension: int | None = None
    type: str | None = None
    description: str | None = None


class Schedule(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """Weekly opening times (RRULE-style) or a by-appointment note."""

    id: str
    freq: Literal["WEEKLY"] | None = None
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    # Hours east of UTC on the day of the response (HSDS #265: no IANA zone in HSDS).
    timezone: float | None = None
    description: str | None = None
    attending_type: str | None = None
    notes: str | None = None


class ServiceArea(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """Where a remote service serves people."""

    id: str
    name: str
    description: str | None = None


class Address(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """A physical address; HSDS requires every part, so unknown parts are empty strings."""

    id: str
    location_id: str
    address_1: str
    city: str
    state_province: str
    postal_code: str
    country: str
    # Required by HSDS, so never a default (omit_defaults would leave it out).
    address_type: LocationType


class Accessibility(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """One accessibility feature of a location."""

    id: str
    location_id: str
    description: str


class Location(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """A place (physical) or a link (virtual) where a service is delivered."""

    id: str
    location_type: LocationType
    url: str | None = None
    name: str | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    addresses: list[Address] = msgspec.field(default_factory=list)
    accessibility: list[Accessibility] = msgspec.field(default_factory=list)


class ServiceAtLocation(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """A service delivered at one location."""

    id: str
    service_id: str
    location_id: str
    location: Location


class Organization(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """The organization that provides a service."""

    id: str
    name: str
    description: str


class CostOption(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """One way to pay for a service (or that it is free)."""

    id: str
    service_id: str
    option: str


class TaxonomyTerm(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """A value of one of Pathways' vocabularies, as an HSDS taxonomy term."""

    id: str
    code: str
    name: str
    description: str
    taxonomy: str
    language: str


class Attribute(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """Links a service to a taxonomy term."""

    id: str
    link_id: str
    link_entity: str
    taxonomy_term_id: str
    taxonomy_term: TaxonomyTerm
    label: str | None = None


class ServiceSummary(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """A service with its one-to-one fields only, as `/services` lists it."""

    id: str
    name: str
    status: ServiceStatus
    organization_id: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    fees_description: str | None = None
    eligibility_description: str | None = None
    assured_date: str | None = None
    last_modified: str | None = None
    organization: Organization | None = None


class Service(ServiceSummary, frozen=True, kw_only=True, omit_defaults=True):
    """A fully nested service, as `/services/{id}` returns it."""

    phones: list[Phone] = msgspec.field(default_factory=list)
    schedules: list[Schedule] = msgspec.field(default_factory=list)
    service_areas: list[ServiceArea] = msgspec.field(default_factory=list)
    service_at_locations: list[ServiceAtLocation] = msgspec.field(default_factory=list)
    languages: list[Language] = msgspec.field(default_factory=list)
    cost_options: list[CostOption] = msgspec.field(default_factory=list)
    attributes: list[Attribute] = msgspec.field(default_factory=list)


class Page(HsdsObject, frozen=True, kw_only=True, omit_defaults=False):
    """A page of a list, with the paging fields of the HSDS OpenAPI `Page` schema."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    # Summaries, or full services (a Service is a ServiceSummary) with `full=true`.
    contents: list[ServiceSummary]


class ApiInfo(HsdsObject, frozen=True, kw_only=True, omit_defaults=True):
    """`GET /hsds/`: which HSDS version and profile this API implements."""

    version: str
    profile: str
    openapi_url: str | None = None
