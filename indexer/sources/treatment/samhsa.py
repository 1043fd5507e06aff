"""SAMHSA national facility lists (geocoded by OEPS): substance use, mental health, OTPs.

Names: the locator splits a record's name in two. `name2` is usually the program or site
("Waterbury Hospital" / "Behavioral Health"), so the document is named "name1 — name2"
with `organization` = name1: a person scanning results sees both which service and whose.
When `name2` merely continues a name cut in the middle ("Adult and Teen Challenge of" /
"the Greater South"), the two halves are joined with a space and there is no organization.

Record ids hash (name1, name2, street1, street2, city, state, ZIP): the lists have no ids,
several programs share one site (name2 differs), and some units of one hospital differ
only in street2 ("Pediatric Behavioral Unit" / "Adult Psych Unit").
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

import msgspec

from indexer.normalize import (
    content_key,
    make_id,
    normalize_phone,
    normalize_state,
    normalize_zip,
    unique,
    with_keywords,
)
from indexer.records import SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.csv_rows import cell, load_csv, required_cell
from indexer.sources.parts import (
    format_address,
    geo_point,
    provenance,
    require_location,
    source_kind,
    website,
)
from service.contract.documents import Address, Contact, GeoPoint, IndexDocument


class _Format(msgspec.Struct, frozen=True, kw_only=True):
    encoding: str
    required_columns: tuple[str, ...]
    needs: tuple[str, ...]
    # When the source last saw the data (the lists carry no per-record dates); the
    # stale-data check compares against it.
    updated_at: str


_LOCATOR_COLUMNS: Final = ("name1", "name2", "street1", "street2", "city", "state", "zip")
_FORMATS: Final[dict[str, _Format]] = {
    # The OEPS code reads a locator download dated 2020-04-09.
    "samhsa_su": _Format(
        encoding="utf-8",
        required_columns=(*_LOCATOR_COLUMNS, "latitude", "longitude"),
        needs=("substance_use",),
        updated_at="2020-04-09",
    ),
    # Scraped from the locator on or before the OEPS metadata date (January 9, 2021).
    "samhsa_mh": _Format(
        encoding="utf-8",
        required_columns=(
            *_LOCATOR_COLUMNS,
            "phone",
            "intake1",
            "intake2",
            "website",
            "latitude",
            "longitude",
        ),
        needs=("mental_health",),
        updated_at="2021-01-09",
    ),
    # The file is Latin-1 ("Clínica" is byte 0xED); cp1252 reads it and its superset.
    # Taken from the OTP directory on or before the OEPS metadata date (July 23, 2021).
    "samhsa_otp": _Format(
        encoding="cp1252",
        required_columns=("ID", "ADDRESS", "CITY", "STATE", "POSTAL", "Latitude", "Longitude"),
        needs=("opioids", "moud"),
        updated_at="2021-07-23",
    ),
}
# Words a name cut in the middle ends or its second half starts with.
_CONNECTORS: Final = frozenset({"of", "for", "and", "the", "de", "del", "y", "&", "at", "in"})
_LANGUAGES: Final = ("en",)  # the locator lists US facilities; other languages are unknown


class Site(msgspec.Struct, frozen=True, kw_only=True):
    """A facility's names, address and point as one of the lists gives them."""

    name1: str
    name2: str | None
    street: str | None
    record_key: str
    address: Address
    geo: GeoPoint | None


def to_document(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
    """One facility row of any of the three SAMHSA lists as a treatment document."""
    fmt = _format(source)
    site = _otp_site(row) if source.format == "samhsa_otp" else locator_site(row)
    name, organization = display_name(site.name1, site.name2)
    contact, intake = _mh_contact(row) if source.format == "samhsa_mh" else (Contact(), None)
    doc = IndexDocument(
        status="active",
        id=make_id(source.id, site.record_key),
        kind=source_kind(source, "treatment"),
        name=name,
        organization=organization,
        description=intake,
        needs=fmt.needs,
        languages=_LANGUAGES,
        attendance=("in_person",),
        address=site.address,
        geo=site.geo,
        contact=contact,
        provenance=provenance(source, site.record_key, updated_at=fmt.updated_at),
    )
    return with_keywords(doc)


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a samhsa_su, samhsa_mh or samhsa_otp source."""
    fmt = _format(source)
    return load_csv(
        source,
        root,
        to_document,
        encoding=fmt.encoding,
        required_columns=fmt.required_columns,
    )


def display_name(name1: str, name2: str | None) -> tuple[str, str | None]:
    """(name, organization) from the locator's two name fields."""
    if name2 is None or name2.casefold() in name1.casefold():
        return name1, None
    last_word = name1.rsplit(" ", 1)[-1].casefold()
    first_word = name2.split(" ", 1)[0]
    if last_word in _CONNECTORS or first_word[:1].islower() or first_word.startswith("("):
        return f"{name1} {name2}", None
    return f"{name1} — {name2}", name1


def _format(source: SourceConfig) -> _Format:
    fmt = _FORMATS.get(source.format)
    if fmt is None:
        raise SourceLoadError(f"source {source.id!r}: format {source.format!r} is not SAMHSA")
    return fmt


def locator_site(row: Mapping[str, str]) -> Site:
    """The site of a locator row (columns name1, name2, street1... latitude, longitude)."""
    name1 = required_cell(row, "name1", what="facility name")
    name2 = cell(row, "name2")
    street1, street2 = cell(row, "street1"), cell(row, "street2")
    street = ", ".join(p for p in (street1, street2) if p) or None
    city, state = cell(row, "city"), normalize_state(cell(row, "state"))
    postal_code = normalize_zip(cell(row, "zip"))
    return Site(
        name1=name1,
        name2=name2,
        street=street,
        record_key=content_key(name1, name2, street1, street2, city, state, postal_code),
        address=_address(street, city, state, postal_code),
        geo=_geo(row.get("latitude"), row.get("longitude"), postal_code),
    )


def _otp_site(row: Mapping[str, str]) -> Site:
    name = required_cell(row, "ID", what="program name")
    street = cell(row, "ADDRESS")
    city, state = cell(row, "CITY"), normalize_state(cell(row, "STATE"))
    postal_code = normalize_zip(cell(row, "POSTAL"))  # text here, sometimes ZIP+4
    return Site(
        name1=name,
        name2=None,
        street=street,
        record_key=content_key(name, street, city, state, postal_code),
        address=_address(street, city, state, postal_code),
        geo=_geo(row.get("Latitude"), row.get("Longitude"), postal_code),
    )


def _address(
    street: str | None, city: str | None, state: str | None, postal_code: str | None
) -> Address:
    return Address(
        street=street,
        city=city,
        state=state,
        postal_code=postal_code,
        formatted=format_address(street, city, state, postal_code),
        # Without a street (the locator's "- - -") the point is only the ZIP's area.
        approximate=street is None,
    )


def _geo(lat: str | None, lng: str | None, postal_code: str | None) -> GeoPoint | None:
    geo = geo_point(lat, lng)
    require_location(geo, postal_code)  # without a point, the indexer geocodes the ZIP
    return geo


def _mh_contact(row: Mapping[str, str]) -> tuple[Contact, str | None]:
    phone = normalize_phone(cell(row, "phone"))
    intakes = [normalize_phone(cell(row, c)) for c in ("intake1", "intake2")]
    others = [p for p in unique(p for p in intakes if p) if p != phone]
    if phone is None and others:
        phone = others.pop(0)
    contact = Contact(phone=phone, website=website(cell(row, "website")))
    intake = f"Intake phone: {', '.join(others)}" if others else None
    return contact, intake
