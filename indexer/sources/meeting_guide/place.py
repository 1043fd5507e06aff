"""Where a Meeting Guide meeting is, and how people attend it, as the feed states it.

Attendance is never inferred beyond what the feed says (tsml-ui #460, 12-step-meeting-list
#1716): `attendance_option` wins when present; otherwise a conference URL or the `ONL`
type says online, a conference phone says phone, a street-level address says in person,
and `TC` says the location is closed. A meeting with a dial-in but no link is by phone,
whatever `attendance_option` or `ONL` says (TSML sets both for any conference field). An
address is street-level when the feed says `approximate: "no"`, or, without that flag, when
it names more than a city (a street part before the city, or a house number).

Conference fields that cannot work are dropped with a warning: a dial-in with fewer than 10
digits (`+11`; TSML UI refuses the same), and the placeholder meeting ID `1234567890` that a
site's staging copy puts in every link and dial-in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import msgspec

from indexer.normalize import (
    clean_text,
    normalize_phone,
    normalize_state,
    normalize_url,
    normalize_zip,
    scrub_personal,
)
from indexer.sources.meeting_guide.types import MeetingTypes
from service.contract.documents import Address, Status

# Country names as geocoders end formatted addresses. Two-letter endings are not read
# as countries there: "San Jose, CA" is California.
_COUNTRY_NAMES: Final[dict[str, str]] = {
    "usa": "US",
    "us": "US",
    "united states": "US",
    "united states of america": "US",
    "canada": "CA",
    "uk": "GB",
    "united kingdom": "GB",
    "ireland": "IE",
    "south africa": "ZA",
    "germany": "DE",
    "netherlands": "NL",
    "mexico": "MX",
    "australia": "AU",
    "new zealand": "NZ",
}
_PROVINCES: Final = frozenset(
    (
        "alberta", "british columbia", "manitoba", "new brunswick", "newfoundland and labrador",
        "nova scotia", "ontario", "prince edward island", "quebec", "québec", "saskatchewan",
        "yukon", "northwest territories", "nunavut",
    )
)  # fmt: skip
_CANADIAN_ZONES: Final = frozenset(
    {
        "America/Toronto",
        "America/Edmonton",
        "America/Vancouver",
        "America/Winnipeg",
        "America/Halifax",
        "America/St_Johns",
        "America/Regina",
        "America/Moncton",
    }
)
_US_REGION: Final = re.compile(r"^([A-Za-z]{2})\.?(?:\s+(\d{5})(?:-\d{4})?)?$")
_CA_POSTAL: Final = re.compile(r"^(?:[A-Za-z]{2}\.?\s+)?([A-Za-z]\d[A-Za-z])\s?(\d[A-Za-z]\d)$")
_BARE_POSTAL: Final = re.compile(r"^\d{4,5}$")
_HOUSE_NUMBER: Final = re.compile(r"^\d+[A-Za-z]?\s+\S")
_URL_SEPARATORS: Final = re.compile(r"[\s,;]+")
_NOT_DIGIT: Final = re.compile(r"\D")
_MIN_DIAL_DIGITS: Final = 10
_PLACEHOLDER_MEETING_ID: Final = "1234567890"
# `approximate` as feeds write it -> whether the address is street-level.
_APPROXIMATE: Final = {"yes": False, "true": False, "no": True, "false": True}


class Place(msgspec.Struct, frozen=True, kw_only=True):
    """A meeting's address as read from the feed, and whether it is street-level."""

    address: Address | None
    street_level: bool
    state: str | None
    country: str | None


class Attendance(msgspec.Struct, frozen=True, kw_only=True):
    """How people attend, the status, and whether the venue itself is listed."""

    modes: tuple[str, ...]
    status: Status
    physical: bool


def default_country(timezone: str | None) -> str | None:
    """The country a feed's meetings are in when they do not say: from its time zone."""
    if timezone is None:
        return None
    if timezone in _CANADIAN_ZONES:
        return "CA"
    return "US" if timezone.startswith("America/") else None


def _country_field(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    if text.casefold() in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[text.casefold()]
    return text.upper() if len(text) == 2 and text.isalpha() else None


class _Parts(msgspec.Struct, kw_only=True):
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal: str | None = None
    country: str | None = None
    street_level: bool = False


def _strip_region(parts: list[str], found: _Parts) -> None:
    """Pop trailing state, province and postcode parts, keeping what they say."""
    while len(parts) > 1:
        last = parts[-1]
        if match := _CA_POSTAL.match(last):
            found.postal = f"{match[1]} {match[2]}".upper()
        elif match := _US_REGION.match(last):
            found.state = found.state or match[1].upper()
            found.postal = found.postal or match[2]
        elif _BARE_POSTAL.match(last):
            found.postal = found.postal or last
        elif last.casefold() not in _PROVINCES:
            return
        parts.pop()


def _parse_formatted(text: str) -> _Parts:
    """Split `street, city, ST 12345, USA` (and the Canadian form) into its parts."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    found = _Parts()
    if parts and parts[-1].casefold() in _COUNTRY_NAMES:
        found.country = _COUNTRY_NAMES[parts.pop().casefold()]
    if found.country not in (None, "US", "CA"):
        # Other countries order their parts differently: keep only the formatted text.
        found.street_level = len(parts) >= 2
        return found
    _strip_region(parts, found)
    found.street_level = len(parts) >= 2 or bool(parts and _HOUSE_NUMBER.match(parts[0]))
    if len(parts) >= 2:
        found.street, found.city = ", ".join(parts[:-1]), parts[-1]
    elif parts:
        found.street, found.city = (parts[0], None) if found.street_level else (None, parts[0])
    return found


def _fields(record: Mapping[str, Any]) -> tuple[str | None, _Parts]:
    """The formatted text and parts from `formatted_address` and the separate fields."""
    formatted = clean_text(record.get("formatted_address"))
    street = clean_text(record.get("address"))
    city = clean_text(record.get("city"))
    if formatted is None and street is not None and "," in street and city is None:
        formatted, street = street, None  # edmonton puts the whole address in `address`
    parts = _parse_formatted(formatted) if formatted else _Parts()
    if street is not None:
        parts.street = street
        parts.street_level = street.casefold() != (city or "").casefold()
    parts.city = city or parts.city
    state = clean_text(record.get("state"))
    parts.state = state.strip(".") if state else parts.state
    parts.postal = clean_text(record.get("postal_code")) or parts.postal
    parts.country = _country_field(record.get("country")) or parts.country
    return formatted, parts


def read_place(record: Mapping[str, Any], *, fallback_country: str | None) -> Place:
    """The meeting's address, whether it is street-level, and its US state if known."""
    formatted, parts = _fields(record)
    flag = clean_text(record.get("approximate"))
    street_level = _APPROXIMATE.get((flag or "").casefold(), parts.street_level)
    state = normalize_state(parts.state)
    country = parts.country or ("US" if state else fallback_country)
    if country not in (None, "US"):
        state = None
    postal = normalize_zip(parts.postal) if country == "US" else clean_text(parts.postal)
    if formatted is None and (parts.street or parts.city):
        region = " ".join(p for p in (state, postal) if p)
        formatted = ", ".join(p for p in (parts.street, parts.city, region) if p)
    place_name = clean_text(record.get("location"))
    address = None
    if formatted or place_name:
        address = Address(
            place_name=place_name,
            street=parts.street,
            city=parts.city,
            state=state,
            postal_code=postal,
            country=country or "US",
            formatted=formatted,
            notes=scrub_personal(clean_text(record.get("location_notes"))),
            approximate=not street_level,
        )
    return Place(address=address, street_level=street_level, state=state, country=country)


def conference_url(value: object) -> str | None:
    """The link of `conference_url`; the first one when a feed lists several ("url, url")."""
    url = normalize_url(value)
    text = clean_text(value)
    if url is not None or text is None:
        return url
    links = (
        part for part in _URL_SEPARATORS.split(text) if part.startswith(("http://", "https://"))
    )
    return next(links, None)


class Conference(msgspec.Struct, frozen=True, kw_only=True):
    """A meeting's link and dial-in that can work, and what was dropped."""

    url: str | None = None
    phone: str | None = None
    warnings: tuple[str, ...] = ()


def _placeholder(text: str) -> bool:
    return _PLACEHOLDER_MEETING_ID in _NOT_DIGIT.sub("", text)


def read_conference(record: Mapping[str, Any]) -> Conference:
    """The link and dial-in of a meeting, without junk numbers and placeholder IDs."""
    warnings: list[str] = []
    url = conference_url(record.get("conference_url"))
    if url is not None and _placeholder(url):
        warnings.append(f"conference_url {url!r} has a placeholder meeting ID: dropped")
        url = None
    raw_phone = clean_text(record.get("conference_phone"))
    phone = normalize_phone(raw_phone)
    if raw_phone is not None and phone is not None:
        if len(_NOT_DIGIT.sub("", raw_phone)) < _MIN_DIAL_DIGITS:
            warnings.append(f"conference_phone {raw_phone!r} is not a phone number: dropped")
            phone = None
        elif _placeholder(raw_phone):
            warnings.append(f"conference_phone {raw_phone!r} has a placeholder meeting ID: dropped")
            phone = None
    return Conference(url=url, phone=phone, warnings=tuple(warnings))


def _modes(option: str, *, online: bool, phone: bool) -> tuple[str, ...]:
    remote = (("online",) if online else ()) + (("phone",) if phone else ())
    if option == "hybrid":
        return ("hybrid", "in_person", *remote)
    if option == "online":
        return remote
    return ("in_person",)


def attendance(
    record: Mapping[str, Any],
    types: MeetingTypes,
    conference: Conference,
    *,
    street_level: bool,
) -> Attendance:
    """The attendance modes and status the feed states; see the module docstring."""
    phone = conference.phone is not None
    linked = conference.url is not None
    online = linked or (types.online and not phone)
    option = (clean_text(record.get("attendance_option")) or "").casefold()
    if option in ("hybrid", "online"):
        modes = _modes(option, online=linked or not phone, phone=phone)
        return Attendance(modes=modes, status="active", physical=option == "hybrid")
    if option == "in_person":
        return Attendance(modes=("in_person",), status="active", physical=True)
    remote = online or phone
    closed = option == "inactive" or types.temporarily_closed
    if closed and not (remote and option != "inactive"):
        modes = ("in_person",) if street_level else ()
        return Attendance(modes=modes, status="temporarily_closed", physical=street_level)
    if closed or not street_level:
        modes = _modes("online", online=online, phone=phone)
        return Attendance(modes=modes, status="active", physical=False)
    option = "hybrid" if remote else "in_person"
    modes = _modes(option, online=online, phone=phone)
    return Attendance(modes=modes, status="active", physical=True)
