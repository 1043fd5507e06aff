"""HSDS 3 values -> the Pathways vocabularies: languages, service areas, schedules, words.

Pure helpers for `mapping.py`. What is read from free text is deliberately narrow (a few
unambiguous words: "wheelchair", "induction loop", "Medicaid"...) and documented here, so a
listing never claims more than its publisher wrote.

Schedules: HSDS gives RRULE-like rows (`freq`, `byday`, `opens_at`, `closes_at`) and a
numeric `timezone` offset. The offset cannot say whether daylight saving applies (HSDS
#265), so it is never used to pick a zone: the zone comes from the source's configuration,
else from the coordinates (the geocoding pass). `opens_at` written with an offset suffix
(`09:00-05:00`, `10:00Z`) keeps its wall-clock part. A weekly row becomes one slot per day;
monthly rows (`2MO`, `-1FR`) cannot be weekly slots and are kept as notes.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

from indexer.normalize import clean_text, normalize_state, unique
from indexer.records import RecordError
from indexer.sources.json_input import field_text
from indexer.sources.meeting_guide.schedule import parse_time
from service.contract.documents import Schedule, ServiceArea, TimeSlot, Weekday
from service.contract.vocabulary import LANGUAGES
from service.places.gazetteer import DATA_DIR

_ICAL_DAYS: Final[dict[str, Weekday]] = {
    "MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun",
}  # fmt: skip
_ALL_DAYS: Final[tuple[Weekday, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_SUFFIX: Final = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
# ISO 639-3 (and 639-2/B) codes of the languages our vocabulary has.
_ISO639_3: Final[dict[str, str]] = {
    "eng": "en", "spa": "es", "fra": "fr", "fre": "fr", "por": "pt", "rus": "ru", "ukr": "uk",
    "pol": "pl", "deu": "de", "ger": "de", "ita": "it", "nld": "nl", "dut": "nl", "swe": "sv",
    "nor": "no", "dan": "da", "fin": "fi", "isl": "is", "hun": "hu", "slk": "sk", "lit": "lt",
    "ell": "el", "gre": "el", "tur": "tr", "ara": "ar", "heb": "he", "fas": "fa", "per": "fa",
    "hin": "hi", "pan": "pa", "ben": "bn", "urd": "ur", "zho": "zh", "chi": "zh", "cmn": "zh",
    "yue": "zh", "jpn": "ja", "kor": "ko", "vie": "vi", "tha": "th", "tgl": "tl", "fil": "tl",
    "khm": "km", "hye": "hy", "arm": "hy", "kat": "ka", "geo": "ka", "hat": "ht", "som": "so",
    "swa": "sw", "amh": "am", "nav": "nv",
}  # fmt: skip
_LANGUAGE_NAMES: Final = {t.en.casefold(): t.code for t in LANGUAGES.terms}
_NEGATED: Final = re.compile(r"\b(no|not|without|isn't|is not|lacks?)\b[^.]{0,30}$", re.I)
# (pattern, vocabulary field, code): the words a free-text field must contain.
ACCESS_WORDS: Final = (
    (re.compile(r"wheel\s*chair", re.I), "wheelchair"),
    (re.compile(r"\b(sign language|ASL|BSL)\b", re.I), "sign_language"),
    (re.compile(r"\b(induction|hearing) loops?\b|\bdeaf\b", re.I), "deaf_hard_of_hearing"),
    (re.compile(r"\bbraille\b|\bblind\b|visually impaired", re.I), "blind_low_vision"),
    (re.compile(r"accessible (toilet|bathroom|restroom)", re.I), "accessible_bathroom"),
)
COST_WORDS: Final = (
    (re.compile(r"\bmedicaid\b", re.I), "medicaid"),
    (re.compile(r"\bmedicare\b", re.I), "medicare"),
    (re.compile(r"\bsliding[- ](fee|scale)", re.I), "sliding_scale"),
)
NEED_WORDS: Final = (
    (re.compile(r"substance|addiction|\bdrug", re.I), "substance_use"),
    (re.compile(r"\balcohol", re.I), "alcohol"),
    (re.compile(r"\bopioid", re.I), "opioids"),
    (re.compile(r"methadone|buprenorphine|suboxone|\bMOUD\b|\bMAT\b", re.I), "moud"),
    (re.compile(r"mental health|psychiatr", re.I), "mental_health"),
    (re.compile(r"counsel+ing|therapy", re.I), "counseling"),
    (re.compile(r"\bdetox|withdrawal management", re.I), "detox"),
    (re.compile(r"\bshelter", re.I), "shelter"),
    (re.compile(r"\bhousing\b", re.I), "housing_assistance"),
    (re.compile(r"sober living|recovery residence", re.I), "sober_living"),
    (re.compile(r"peer support|support group|mutual aid", re.I), "peer_support"),
    (re.compile(r"\bcrisis\b", re.I), "crisis"),
    (re.compile(r"harm reduction|naloxone|syringe", re.I), "harm_reduction"),
    (re.compile(r"primary (health )?care|medical (care|clinic)", re.I), "primary_care"),
    (re.compile(r"gambling", re.I), "gambling"),
    (re.compile(r"eating disorder", re.I), "eating_disorder"),
)


def words_to_codes(
    texts: Iterable[str | None], table: Iterable[tuple[re.Pattern[str], str]]
) -> tuple[str, ...]:
    """The codes whose words occur in the texts, unless a negation just precedes them."""
    codes: list[str] = []
    for text in texts:
        for pattern, code in table:
            for match in pattern.finditer(text or ""):
                if not _NEGATED.search((text or "")[: match.start()]):
                    codes.append(code)
                    break
    return unique(codes)


def language_code(entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(our language code, or None; the name to keep as a tag when it has no code)."""
    code = (field_text(entry, "code") or "").casefold()
    name = field_text(entry, "name")
    if code in LANGUAGES.codes:
        return code, None
    if code in _ISO639_3:
        return _ISO639_3[code], None
    by_name = _LANGUAGE_NAMES.get((name or "").casefold())
    return (by_name, None) if by_name else (None, name)


@cache
def _state_names() -> dict[str, str]:
    states: dict[str, dict[str, Any]] = json.loads(
        (DATA_DIR / "us_states.json").read_text(encoding="utf-8")
    )
    return {str(info["name"]).casefold(): code for code, info in states.items()}


def service_area(names: Iterable[str | None]) -> ServiceArea | None:
    """Nationwide or US states named by HSDS service areas ("Pennsylvania", "PA", "USA")."""
    states: list[str] = []
    nationwide = False
    for name in names:
        text = (name or "").strip()
        folded = text.casefold()
        if folded in ("nationwide", "national", "united states", "usa", "us", "all states"):
            nationwide = True
        elif code := (_state_names().get(folded) or normalize_state(text)):
            states.append(code)
    if not nationwide and not states:
        return None
    return ServiceArea(nationwide=nationwide, states=unique(states))


def wall_time(value: object, *, field: str) -> str | None:
    """An HSDS `opens_at` / `closes_at` as HH:MM local wall time (offset suffix dropped)."""
    text = clean_text(value)
    if text is None:
        return None
    return parse_time(_TIME_SUFFIX.sub("", text), field=field, end=field == "closes_at")


def _days(row: Mapping[str, Any]) -> tuple[Weekday, ...] | None:
    """The weekdays of a weekly row; None when the row is not weekly."""
    freq = (field_text(row, "freq") or "WEEKLY").upper()
    byday = field_text(row, "byday")
    if freq == "DAILY" and byday is None:
        return _ALL_DAYS
    if freq != "WEEKLY" or byday is None:
        return None
    days: list[Weekday] = []
    for part in byday.upper().replace(" ", "").split(","):
        if part not in _ICAL_DAYS:
            raise RecordError(f"byday {byday!r}: {part!r} is not MO, TU, WE, TH, FR, SA or SU")
        days.append(_ICAL_DAYS[part])
    return tuple(dict.fromkeys(days))


def schedule(rows: Iterable[Mapping[str, Any]], *, timezone: str | None) -> Schedule | None:
    """One Schedule from HSDS schedule rows; None when there are none."""
    slots: list[TimeSlot] = []
    notes: list[str] = []
    any_row = False
    for row in rows:
        any_row = True
        days = _days(row)
        start = wall_time(row.get("opens_at"), field="opens_at")
        end = wall_time(row.get("closes_at"), field="closes_at")
        if days is not None and start is not None:
            slots.extend(TimeSlot(day=day, start=start, end=end) for day in days)
        notes.extend(t for k in ("description", "notes") if (t := field_text(row, k)))
    if not any_row:
        return None
    return Schedule(timezone=timezone, slots=tuple(slots), notes=" ".join(unique(notes)) or None)


def offset_problem(rows: Iterable[Mapping[str, Any]], timezone: str | None) -> str | None:
    """A warning when a row's numeric `timezone` offset can never be the zone's offset."""
    if timezone is None:
        return None
    zone = zoneinfo.ZoneInfo(timezone)
    offsets = set()
    for month in (1, 7):
        delta = datetime(2025, month, 1, 12, tzinfo=zone).utcoffset()
        offsets.add(delta.total_seconds() / 3600 if delta is not None else 0.0)
    for row in rows:
        try:
            given = float(str(row.get("timezone")))
        except ValueError:
            continue  # absent or not a number: nothing to compare
        if given not in offsets:
            return (
                f"schedule timezone offset {given:g} is not an offset of {timezone}; "
                f"times are read in {timezone}"
            )
    return None


def iso_date(value: object) -> str | None:
    """An ISO 8601 date or date-time, normalised to `YYYY-MM-DD[THH:MM:SS]`; else None."""
    text = clean_text(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(text) <= 10:
        return parsed.date().isoformat()
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.replace(tzinfo=None, microsecond=0).isoformat()
