"""BMLT meeting formats -> the Pathways vocabularies.

Each BMLT root server defines its own formats (`GetFormats`: `key_string`, `name_string`,
`world_id`, shared `id`), so a format is looked up first by its NA World Services code
(`world_id`: OPEN, CLOSED, WCHR, GL, BEG, LANG...; the same on every server), then by its key
(`O`, `C`, `VM`, `HY`, `TC`, `WC`, `SL`, `ES`...; customisable per server). A format that maps
nowhere is kept as a searchable tag under the server's own name; a key the server does not
define at all is kept as a tag and counted as unknown.

`LANG` formats name their language in the key (`ES` Espanol, `FR`...). `VM` (virtual),
`HY` / world id `HYBR` (hybrid) and `TC` (temporarily closed facility) are attendance signals,
read together with `venue_type` (1 in person, 2 virtual, 3 hybrid).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

import msgspec

from indexer.normalize import clean_text, unique

Field = Literal["languages", "communities", "accessibility", "signal"]


class FormatMeaning(msgspec.Struct, frozen=True, kw_only=True):
    """What a format adds: a vocabulary field and its values, or an attendance signal."""

    field: Field
    values: tuple[str, ...] = ()
    # Keep the format's name as a tag too (it says more than the code it maps to).
    tag: bool = False


def _comm(*values: str, tag: bool = False) -> FormatMeaning:
    return FormatMeaning(field="communities", values=values, tag=tag)


def _access(*values: str) -> FormatMeaning:
    return FormatMeaning(field="accessibility", values=values)


def _signal(name: str) -> FormatMeaning:
    return FormatMeaning(field="signal", values=(name,))


VIRTUAL, HYBRID, CLOSED_VENUE = "virtual", "hybrid", "temporarily_closed"

# NAWS world ids, the same on every server.
BY_WORLD_ID: Final[dict[str, FormatMeaning]] = {
    "WCHR": _access("wheelchair"),
    "GL": _comm("lgbtq", tag=True),
    "M": _comm("men"),
    "W": _comm("women"),
    "Y": _comm("young_people"),
    "BEG": _comm("newcomers", tag=True),
    "CW": _access("child_friendly"),
    "VM": _signal(VIRTUAL),
    "HYBR": _signal(HYBRID),
    "TC": _signal(CLOSED_VENUE),
}
# The keys of the BMLT's default English formats, for formats without a usable world id.
BY_KEY: Final[dict[str, FormatMeaning]] = {
    "WC": _access("wheelchair"),
    "SL": _access("sign_language"),
    "ASL": _access("sign_language"),
    "GL": _comm("lgbtq", tag=True),
    "M": _comm("men"),
    "W": _comm("women"),
    "YP": _comm("young_people"),
    "B": _comm("newcomers", tag=True),
    "Ag": _comm("secular", tag=True),
    "CW": _access("child_friendly"),
    "CS": _access("child_friendly"),
    "VM": _signal(VIRTUAL),
    "HY": _signal(HYBRID),
    "TC": _signal(CLOSED_VENUE),
}
# LANG formats: the key names the language.
LANGUAGE_KEYS: Final[dict[str, str]] = {
    "ES": "es", "SP": "es", "S": "es", "EN": "en", "ENG": "en", "FR": "fr", "DE": "de",
    "PT": "pt", "POR": "pt", "IT": "it", "PL": "pl", "RU": "ru", "FA": "fa", "PER": "fa",
    "SV": "sv", "DA": "da", "EL": "el", "FIN": "fi", "FI": "fi", "JA": "ja", "KO": "ko",
    "ZH": "zh", "VI": "vi", "AR": "ar", "HE": "he", "HI": "hi", "TL": "tl", "UK": "uk",
}  # fmt: skip
# The default English formats of a BMLT root server: names for servers whose responses carry
# no format list (a plain `GetSearchResults` without `get_used_formats`).
DEFAULT_NAMES: Final[dict[str, str]] = {
    "B": "Beginners", "BL": "Bi-Lingual", "BT": "Basic Text", "C": "Closed",
    "CH": "Closed Holidays", "CL": "Candlelight", "CS": "Children under Supervision",
    "D": "Discussion", "ES": "Espanol", "GL": "Gay/Lesbian/Transgender", "IL": "Illness",
    "IP": "Informational Pamphlet", "IW": "It Works - How and Why", "JT": "Just for Today",
    "M": "Men", "NC": "No Children", "O": "Open", "Pi": "Pitch", "RF": "Rotating Format",
    "Rr": "Round Robin", "SC": "Surveillance Cameras", "SD": "Speaker/Discussion",
    "SG": "Step Working Guide", "SL": "ASL", "So": "Speaker Only", "St": "Step",
    "Ti": "Timer", "To": "Topic", "Tr": "Tradition", "TW": "Traditions Workshop", "W": "Women",
    "WC": "Wheelchair", "YP": "Young People", "OE": "Open-Ended", "BK": "Book Study",
    "NS": "No Smoking", "Ag": "Agnostic", "FD": "Five and Dime", "AB": "Ask-It-Basket",
    "ME": "Meditation", "RA": "Restricted Attendance", "QA": "Question and Answer",
    "CW": "Children Welcome", "CP": "Concepts", "LC": "Living Clean",
    "GP": "Guiding Principles", "VM": "Virtual Meeting", "TC": "Temporarily Closed Facility",
    "HY": "Hybrid", "SPAD": "A Spiritual Principle a Day",
}  # fmt: skip
DEFAULT_WORLD_IDS: Final[dict[str, str]] = {
    "B": "BEG", "C": "CLOSED", "O": "OPEN", "ES": "LANG", "GL": "GL", "M": "M", "W": "W",
    "WC": "WCHR", "YP": "Y", "CW": "CW", "VM": "VM", "HY": "HYBR", "TC": "TC",
}  # fmt: skip


class Format(msgspec.Struct, frozen=True, kw_only=True):
    """One format as a server defines it (`GetFormats`); extra fields are ignored."""

    key: str
    name: str
    world_id: str = ""
    shared_id: str = ""


class MeetingFormats(msgspec.Struct, frozen=True, kw_only=True):
    """What a meeting's formats add up to."""

    languages: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    signals: frozenset[str] = frozenset()
    unknown: tuple[str, ...] = ()


def read_formats(raw: object) -> dict[str, Format]:
    """A server's format list (`GetFormats`, or a search's `formats`) by key; bad rows skipped."""
    formats: dict[str, Format] = {}
    for item in raw if isinstance(raw, list) else ():
        if not isinstance(item, Mapping):
            continue
        key, name = clean_text(item.get("key_string")), clean_text(item.get("name_string"))
        if key is None:
            continue
        formats[key] = Format(
            key=key,
            name=name or key,
            world_id=(clean_text(item.get("world_id")) or "").upper(),
            shared_id=clean_text(item.get("id")) or "",
        )
    return formats


def default_formats() -> dict[str, Format]:
    """The BMLT's default English formats, for responses that carry no format list."""
    return {
        key: Format(key=key, name=name, world_id=DEFAULT_WORLD_IDS.get(key, ""))
        for key, name in DEFAULT_NAMES.items()
    }


def meaning(fmt: Format) -> FormatMeaning | None:
    """The vocabulary meaning of a format: by world id, else by key, else None (a tag)."""
    if fmt.world_id == "LANG" or (not fmt.world_id and fmt.key.upper() in LANGUAGE_KEYS):
        code = LANGUAGE_KEYS.get(fmt.key.upper())
        return FormatMeaning(field="languages", values=(code,) if code else (), tag=code is None)
    return BY_WORLD_ID.get(fmt.world_id) or BY_KEY.get(fmt.key)


def map_formats(keys: Iterable[str], formats: Mapping[str, Format]) -> MeetingFormats:
    """Fold a meeting's format keys into vocabulary values, tags, signals and unknown keys."""
    found: dict[Field, list[str]] = {"languages": [], "communities": [], "accessibility": []}
    signals: set[str] = set()
    tags: list[str] = []
    unknown: list[str] = []
    for key in keys:
        fmt = formats.get(key)
        if fmt is None:
            unknown.append(key)
            tags.append(key)
            continue
        mapped = meaning(fmt)
        if mapped is None or mapped.tag:
            tags.append(fmt.name)
        if mapped is None:
            continue
        if mapped.field == "signal":
            signals.update(mapped.values)
        else:
            found[mapped.field].extend(mapped.values)
    return MeetingFormats(
        languages=unique(found["languages"]),
        communities=unique(found["communities"]),
        accessibility=unique(found["accessibility"]),
        tags=unique(tags),
        signals=frozenset(signals),
        unknown=unique(unknown),
    )
