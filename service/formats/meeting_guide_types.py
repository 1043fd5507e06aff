"""Reverse crosswalk: Pathways vocabulary values and tags -> Meeting Guide type codes.

The importer (indexer/sources/meeting_guide/types.py) reads every code of the spec's
`types.json` into our vocabularies, and keeps formats (Open, Speaker, Big Book...) and the
specific community or language names our vocabularies lack as tags under their English
name. This module goes back: a vocabulary value gives its code, a tag that is the English
name of a code gives that code, and any other tag (a region, a FindTreatment service name)
gives nothing.

Choices:
- Only codes of the official `types.json` (code4recovery/spec v1.1.9) and its proposed codes
  (`BV-I`, `D-HOH`, `LO-I`, `QSL`, `RSL`) are written. The legacy `ONL` never is: online
  meetings say so with `conference_url` / `conference_phone` and `attendance_option`.
- `TC` is written for a temporarily closed listing, and for an online meeting whose venue is
  closed (the tag "Location Temporarily Closed").
- `lgbtq` is written as `LGBTQ` only when no more specific code (G, L, BI, T, NB) is.
- `indigenous` is written as `N` (Native American), the code US feeds use; `NDG` reads back
  the same way.
- Languages without a Meeting Guide code (Chinese, Vietnamese, Somali...) are not written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from service.contract.documents import IndexDocument

LANGUAGE_CODES: Final[dict[str, str]] = {
    "am": "AM",
    "ar": "AR",
    "da": "DA",
    "de": "DE",
    "el": "EL",
    "en": "EN",
    "es": "S",
    "fa": "FA",
    "fi": "FI",
    "fr": "FR",
    "he": "HE",
    "hi": "HI",
    "hu": "HU",
    "is": "IS",
    "it": "ITA",
    "ja": "JA",
    "ka": "KA",
    "ko": "KOR",
    "lt": "LT",
    "nl": "NL",
    "no": "NO",
    "pa": "PUN",
    "pl": "POL",
    "pt": "POR",
    "ru": "RUS",
    "sk": "SK",
    "sv": "SV",
    "th": "TH",
    "tl": "TL",
    "tr": "TUR",
    "uk": "UK",
}

COMMUNITY_CODES: Final[dict[str, str]] = {
    "women": "W",
    "men": "M",
    "young_people": "Y",
    "seniors": "SEN",
    "indigenous": "N",
    "people_of_colour": "POC",
    "secular": "A",
    "professionals": "P",
    "newcomers": "BE",
    "transgender": "T",
    "non_binary": "NB",
}

ACCESSIBILITY_CODES: Final[dict[str, str]] = {
    "wheelchair": "X",
    "accessible_bathroom": "XB",
    "sign_language": "ASL",
    "deaf_hard_of_hearing": "D-HOH",
    "blind_low_vision": "BV-I",
    "fragrance_free": "FF",
    "childcare": "BA",
    "child_friendly": "CF",
}

NEED_CODES: Final[dict[str, str]] = {"co_occurring": "DD"}

# English names (as in types.json) of the codes the importer keeps as tags.
TAG_CODES: Final[dict[str, str]] = {
    "11th Step Meditation": "11",
    "12 Steps & 12 Traditions": "12x12",
    "As Bill Sees It": "ABSI",
    "Concurrent with Alateen": "AL",
    "Concurrent with Al-Anon": "AL-AN",
    "Big Book": "B",
    "Breakfast": "BRK",
    "Closed": "C",
    "Candlelight": "CAN",
    "Discussion": "D",
    "Digital Basket": "DB",
    "Daily Reflections": "DR",
    "Grapevine": "GR",
    "Birthday": "H",
    "Literature": "LIT",
    "Living Sober": "LS",
    "Meditation": "MED",
    "Open": "O",
    "Outdoor": "OUT",
    "Proof of Attendance": "POA",
    "Smoking Permitted": "SM",
    "Speaker": "SP",
    "Step Study": "ST",
    "Tradition Study": "TR",
    "Cross Talk Permitted": "XT",
    "Loners / Isolationists": "LO-I",
    # A meeting that still meets online while its venue is closed.
    "Location Temporarily Closed": "TC",
    # Al-Anon's Alateen is the spec's Young People; its other own codes (POA, AC) mean
    # something else in the spec, so they are not written.
    "Alateen": "Y",
    # Communities and sign languages more specific than our vocabulary.
    "Gay": "G",
    "Lesbian": "L",
    "Bisexual": "BI",
    "Quebec Sign Language": "QSL",
    "Russian Sign Language": "RSL",
    # Languages our vocabulary lacks.
    "Afrikaans": "AF",
    "Bulgarian": "BG",
    "Croatian": "HR",
    "Malayalam": "ML",
    "Maltese": "MT",
    "Nepali": "NE",
    "Slovenian": "SL",
}

TEMPORARILY_CLOSED: Final = "TC"
_LGBTQ_SPECIFIC: Final = frozenset({"G", "L", "BI", "T", "NB"})
_SIGN_LANGUAGES: Final = frozenset({"QSL", "RSL"})


def _mapped(values: Iterable[str], table: dict[str, str]) -> set[str]:
    return {table[value] for value in values if value in table}


def type_codes(doc: IndexDocument) -> list[str]:
    """The Meeting Guide type codes a document's vocabulary values and tags stand for."""
    codes = _mapped(doc.tags, TAG_CODES)
    codes |= _mapped(doc.languages, LANGUAGE_CODES)
    codes |= _mapped(doc.communities, COMMUNITY_CODES)
    codes |= _mapped(doc.needs, NEED_CODES)
    access = _mapped(doc.accessibility, ACCESSIBILITY_CODES)
    if codes & _SIGN_LANGUAGES:
        # The tag names the sign language; ASL would be a second, wrong one.
        access.discard("ASL")
    codes |= access
    if "lgbtq" in doc.communities and not codes & _LGBTQ_SPECIFIC:
        codes.add("LGBTQ")
    if doc.status == "temporarily_closed":
        codes.add(TEMPORARILY_CLOSED)
    return sorted(codes)
