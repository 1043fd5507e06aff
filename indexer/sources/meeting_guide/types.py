"""Crosswalk from Meeting Guide type codes to the Pathways vocabularies.

Every code of the spec's `types.json` (code4recovery/spec v1.1.9, MIT) is listed with its
English name, plus the codes real feeds use outside the spec: `ONL` (12 Step Meeting List
plugin), the proposed `BV-I`, `D-HOH`, `LO-I`, `QSL`, `RSL`, and spellings such as
`LGBTQIA` or nwta's `[open]`. A code maps onto one vocabulary field; formats (Open,
Speaker, Big Book...) become searchable `tags` under their English name. Languages that
`service/contract/vocabulary.py` lacks (Afrikaans, Bulgarian...) are kept as tags, and still count
as a stated language so that no default English is added.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import msgspec

from indexer.normalize import unique
from indexer.records import RecordError

Field = Literal["languages", "communities", "accessibility", "needs", "format", "signal"]


class TypeCode(msgspec.Struct, frozen=True, kw_only=True):
    """What one type code means: its English name, the field it fills and the values."""

    name: str
    field: Field
    values: tuple[str, ...] = ()
    # Keep the English name as a searchable tag (formats, and specifics a code loses).
    tag: bool = False


def _fmt(name: str) -> TypeCode:
    return TypeCode(name=name, field="format", tag=True)


def _lang(name: str, code: str | None) -> TypeCode:
    # No ISO code in our vocabulary: the language survives as a tag.
    if code is None:
        return TypeCode(name=name, field="languages", tag=True)
    return TypeCode(name=name, field="languages", values=(code,))


def _comm(name: str, *values: str, tag: bool = False) -> TypeCode:
    return TypeCode(name=name, field="communities", values=values, tag=tag)


def _access(name: str, *values: str, tag: bool = False) -> TypeCode:
    return TypeCode(name=name, field="accessibility", values=values, tag=tag)


ONLINE: Final = "ONL"
TEMPORARILY_CLOSED: Final = "TC"

CROSSWALK: Final[dict[str, TypeCode]] = {
    "11": _fmt("11th Step Meditation"),
    "12x12": _fmt("12 Steps & 12 Traditions"),
    "A": _comm("Secular", "secular"),
    "ABSI": _fmt("As Bill Sees It"),
    "AF": _lang("Afrikaans", None),
    "AL": _fmt("Concurrent with Alateen"),
    "AL-AN": _fmt("Concurrent with Al-Anon"),
    "AM": _lang("Amharic", "am"),
    "AR": _lang("Arabic", "ar"),
    "ASL": _access("American Sign Language", "sign_language"),
    "B": _fmt("Big Book"),
    "BA": _access("Babysitting Available", "childcare"),
    "BE": _comm("Newcomer", "newcomers"),
    "BG": _lang("Bulgarian", None),
    "BI": _comm("Bisexual", "lgbtq", tag=True),
    "BRK": _fmt("Breakfast"),
    "C": _fmt("Closed"),
    "CAN": _fmt("Candlelight"),
    "CF": _access("Child-Friendly", "child_friendly"),
    "D": _fmt("Discussion"),
    "DA": _lang("Danish", "da"),
    "DB": _fmt("Digital Basket"),
    "DD": TypeCode(name="Dual Diagnosis", field="needs", values=("co_occurring",), tag=True),
    "DE": _lang("German", "de"),
    "DR": _fmt("Daily Reflections"),
    "EL": _lang("Greek", "el"),
    "EN": _lang("English", "en"),
    "FA": _lang("Persian", "fa"),
    "FI": _lang("Finnish", "fi"),
    "FF": _access("Fragrance Free", "fragrance_free"),
    "FR": _lang("French", "fr"),
    "G": _comm("Gay", "lgbtq", tag=True),
    "GR": _fmt("Grapevine"),
    "H": _fmt("Birthday"),
    "HE": _lang("Hebrew", "he"),
    "HI": _lang("Hindi", "hi"),
    "HR": _lang("Croatian", None),
    "HU": _lang("Hungarian", "hu"),
    "IS": _lang("Icelandic", "is"),
    "ITA": _lang("Italian", "it"),
    "JA": _lang("Japanese", "ja"),
    "KA": _lang("Georgian", "ka"),
    "KOR": _lang("Korean", "ko"),
    "L": _comm("Lesbian", "lgbtq", tag=True),
    "LGBTQ": _comm("LGBTQ", "lgbtq"),
    "LIT": _fmt("Literature"),
    "LS": _fmt("Living Sober"),
    "LT": _lang("Lithuanian", "lt"),
    "M": _comm("Men", "men"),
    "MED": _fmt("Meditation"),
    "ML": _lang("Malayalam", None),
    "MT": _lang("Maltese", None),
    "N": _comm("Native American", "indigenous"),
    "NB": _comm("Non-Binary", "lgbtq", "non_binary"),
    "NDG": _comm("Indigenous", "indigenous"),
    "NE": _lang("Nepali", None),
    "NL": _lang("Dutch", "nl"),
    "NO": _lang("Norwegian", "no"),
    "O": _fmt("Open"),
    "OUT": _fmt("Outdoor"),
    "P": _comm("Professionals", "professionals"),
    "POA": _fmt("Proof of Attendance"),
    "POC": _comm("People of Color", "people_of_colour"),
    "POL": _lang("Polish", "pl"),
    "POR": _lang("Portuguese", "pt"),
    "PUN": _lang("Punjabi", "pa"),
    "RUS": _lang("Russian", "ru"),
    "S": _lang("Spanish", "es"),
    "SEN": _comm("Seniors", "seniors"),
    "SK": _lang("Slovak", "sk"),
    "SL": _lang("Slovenian", None),
    "SM": _fmt("Smoking Permitted"),
    "SP": _fmt("Speaker"),
    "ST": _fmt("Step Study"),
    "SV": _lang("Swedish", "sv"),
    "T": _comm("Transgender", "lgbtq", "transgender"),
    "TC": TypeCode(name="Location Temporarily Closed", field="signal"),
    "TH": _lang("Thai", "th"),
    "TL": _lang("Tagalog", "tl"),
    "TR": _fmt("Tradition Study"),
    "TUR": _lang("Turkish", "tr"),
    "UK": _lang("Ukrainian", "uk"),
    "W": _comm("Women", "women"),
    "X": _access("Wheelchair Access", "wheelchair"),
    "XB": _access("Wheelchair-Accessible Bathroom", "accessible_bathroom"),
    "XT": _fmt("Cross Talk Permitted"),
    "Y": _comm("Young People", "young_people"),
    # Outside types.json: the plugin's online code and the spec's proposed codes.
    "ONL": TypeCode(name="Online Meeting", field="signal"),
    "BV-I": _access("Blind / Visually Impaired", "blind_low_vision"),
    "D-HOH": _access("Deaf / Hard of Hearing", "deaf_hard_of_hearing"),
    "LO-I": _fmt("Loners / Isolationists"),
    "QSL": _access("Quebec Sign Language", "sign_language", tag=True),
    "RSL": _access("Russian Sign Language", "sign_language", tag=True),
    # Spellings seen in real feeds.
    "LGBTQIA": _comm("LGBTQIA", "lgbtq"),
    "OPEN": _fmt("Open"),
    "CLOSED": _fmt("Closed"),
}

# Feeds differ in case (`onl`), so codes are looked up case-insensitively.
_BY_UPPER: Final[dict[str, str]] = {code.upper(): code for code in CROSSWALK}
_SPLIT: Final = re.compile(r"[,;|]")


class MeetingTypes(msgspec.Struct, frozen=True, kw_only=True):
    """The vocabulary values, tags and signals a record's type codes add up to."""

    languages: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    states_language: bool = False
    online: bool = False
    temporarily_closed: bool = False
    unknown: tuple[str, ...] = ()


def type_codes(value: object) -> list[str]:
    """The codes of a `types` value: a list, `"C"`, `"C,M"`, nwta's `"[open]"`, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[object] = list(_SPLIT.split(value.strip().strip("[]")))
    elif isinstance(value, list):
        items = value
    else:
        raise RecordError(f"types must be a list or a string, got {type(value).__name__}")
    codes: list[str] = []
    for item in items:
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise RecordError(f"type code {item!r} is not a string")
        code = str(item).strip()
        if code:
            codes.append(code)
    return codes


NO_OVERRIDES: Final[Mapping[str, TypeCode]] = {}


def lookup(code: str, overrides: Mapping[str, TypeCode] = NO_OVERRIDES) -> TypeCode | None:
    """The entry of a code, whatever its case: the fellowship's own meaning, else the spec's."""
    own = overrides.get(code) or overrides.get(code.upper())
    if own is not None:
        return own
    key = _BY_UPPER.get(code.upper())
    return CROSSWALK[key] if key is not None else None


def map_types(
    codes: Iterable[str], overrides: Mapping[str, TypeCode] = NO_OVERRIDES
) -> MeetingTypes:
    """Fold type codes into vocabulary values, tags and the online / closed signals.

    `overrides` are the codes the feed's fellowship reads its own way
    (indexer/sources/meeting_guide/fellowships.py).
    """
    fields: dict[str, list[str]] = {
        "languages": [],
        "communities": [],
        "accessibility": [],
        "needs": [],
    }
    tags: list[str] = []
    unknown: list[str] = []
    canonical: set[str] = set()
    states_language = False
    for code in codes:
        entry = lookup(code, overrides)
        if entry is None:
            unknown.append(code)
            tags.append(code)
            continue
        canonical.add(_BY_UPPER.get(code.upper(), code.upper()))
        if entry.field in fields:
            fields[entry.field].extend(entry.values)
        states_language = states_language or entry.field == "languages"
        if entry.tag:
            tags.append(entry.name)
    return MeetingTypes(
        languages=unique(fields["languages"]),
        communities=unique(fields["communities"]),
        accessibility=unique(fields["accessibility"]),
        needs=unique(fields["needs"]),
        tags=unique(tags),
        states_language=states_language,
        online=ONLINE in canonical,
        temporarily_closed=TEMPORARILY_CLOSED in canonical,
        unknown=unique(unknown),
    )


def unknown_type_codes(
    records: Iterable[Any], overrides: Mapping[str, TypeCode] = NO_OVERRIDES
) -> Counter[str]:
    """How often each type code outside the crosswalk occurs in a feed's records."""
    counts: Counter[str] = Counter()
    for record in records:
        if not isinstance(record, Mapping):
            continue
        try:
            codes = type_codes(record.get("types"))
        except RecordError:
            continue
        counts.update(code for code in codes if lookup(code, overrides) is None)
    return counts
