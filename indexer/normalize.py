"""Pure helpers shared by every source: ids, text, phones, ZIPs, states, keywords.

Format-specific mapping lives in `indexer/sources/<format>.py`; what every format needs
the same way lives here, so two importers cannot disagree on what an id or a ZIP is.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

import msgspec

from service.contract.documents import DOCUMENT_ID_RE, FILTER_FIELDS, IndexDocument
from service.contract.vocabulary import US_STATES
from service.search.wording import Lexicon, lexicon

_SAFE_ID_PART: Final = re.compile(r"^[A-Za-z0-9_-]{1,120}$")
_SPACES: Final = re.compile(r"\s+")
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# North American numbers as people write them: (215) 555-0100, 215.555.0100, +1 215 555 0100.
_PHONE_IN_TEXT: Final = re.compile(
    r"(?<!\d)(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"
)
# Zoom and phone-bridge ids look like phone numbers; they are joining details, not people's.
_JOINING_CONTEXT: Final = re.compile(
    r"(id|meeting|mtg|code|pin|passcode|password|pwd|#)\W{0,3}$", re.I
)
_PHONE_DIGITS: Final = re.compile(r"\D")


def make_id(source: str, source_record_id: str) -> str:
    """A stable document id from the source id and the record's id at its source.

    Ids that are already safe are kept readable; anything else is hashed, because
    Meilisearch rejects a whole batch for one id outside `A-Z a-z 0-9 - _`.
    """
    if not _SAFE_ID_PART.match(source):
        raise ValueError(f"source id {source!r} must match {_SAFE_ID_PART.pattern}")
    part = source_record_id.strip()
    if not _SAFE_ID_PART.match(part):
        part = "h" + hashlib.sha256(part.encode("utf-8")).hexdigest()[:24]
    doc_id = f"{source}-{part}"
    assert DOCUMENT_ID_RE.match(doc_id), doc_id  # noqa: S101 - guaranteed by the checks above
    return doc_id


def content_key(*parts: str | None) -> str:
    """A record id for sources without one: a hash of the fields that identify the record."""
    joined = "\x1f".join(clean_text(p) or "" for p in parts).casefold()
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:24]


def clean_text(value: object) -> str | None:
    """Trim, collapse whitespace and normalise unicode; empty becomes None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = _SPACES.sub(" ", text).strip()
    return text or None


def scrub_personal(text: str | None) -> str | None:
    """Remove e-mail addresses and phone numbers from free text taken from meeting feeds.

    Feeds publish members' contact details in notes; they must not reach the index.
    """
    if text is None:
        return None
    text = _EMAIL.sub("[email removed]", text)

    def _phone(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 20) : match.start()]
        return match.group(0) if _JOINING_CONTEXT.search(before) else "[phone removed]"

    return clean_text(_PHONE_IN_TEXT.sub(_phone, text))


def normalize_phone(value: object) -> str | None:
    """A North American phone number as `NNN-NNN-NNNN` (extension kept), else cleaned text."""
    text = clean_text(value)
    if text is None:
        return None
    main, sep, ext = text.partition("x")
    digits = _PHONE_DIGITS.sub("", main)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        formatted = f"{digits[0:3]}-{digits[3:6]}-{digits[6:]}"
        ext_digits = _PHONE_DIGITS.sub("", ext)
        return f"{formatted} x{ext_digits}" if sep and ext_digits else formatted
    return text


def normalize_zip(value: object) -> str | None:
    """A 5-digit US ZIP from text or a number that lost its leading zeros (`6708` -> `06708`)."""
    text = clean_text(value)
    if text is None:
        return None
    if text.endswith(".0"):
        text = text[:-2]
    head = text.split("-", 1)[0].strip()
    if head.isdigit() and 3 <= len(head) <= 5:
        return head.zfill(5)
    if head.isdigit() and len(head) == 9:
        return head[:5]
    return None


def normalize_state(value: object) -> str | None:
    """A USPS state code, or None when the value is not one."""
    text = clean_text(value)
    if text is None:
        return None
    code = text.upper()
    return code if code in US_STATES else None


def normalize_url(value: object) -> str | None:
    """An absolute http(s) URL, adding `https://` to bare host names; None when not a URL."""
    text = clean_text(value)
    if text is None or " " in text:
        return None
    if text.startswith(("http://", "https://")):
        return text
    if "." in text and not text.startswith(("mailto:", "tel:")):
        return "https://" + text.lstrip("/")
    return None


def parse_coordinate(value: object, *, low: float, high: float) -> float | None:
    """A coordinate from a number or a numeric string, within [low, high]; else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if number != number or not low <= number <= high:  # NaN or out of range
        return None
    return number


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Values in first-seen order, without repeats."""
    return tuple(dict.fromkeys(values))


_Wanted = dict[str, frozenset[str]]


def _phrases_by_code(lex: Lexicon) -> dict[tuple[str, str], tuple[tuple[str, _Wanted], ...]]:
    """(param, code) -> each lexicon phrase reading as it, with all the codes it reads as."""
    wanted: dict[str, dict[str, set[str]]] = {}
    for param_code, by_language in lex.by_code.items():
        param, code = param_code.split(":", 1)
        for phrases in by_language.values():
            for phrase in phrases:
                wanted.setdefault(phrase, {}).setdefault(param, set()).add(code)
    index: dict[tuple[str, str], list[tuple[str, _Wanted]]] = {}
    for phrase, by_param in wanted.items():
        frozen = {param: frozenset(codes) for param, codes in by_param.items()}
        for param, codes in frozen.items():
            for code in codes:
                index.setdefault((param, code), []).append((phrase, frozen))
    return {key: tuple(found) for key, found in index.items()}


_PHRASES_BY_CODE: Final = _phrases_by_code(lexicon())
_TERMS: Final = {(f.param, t.code): t for f in FILTER_FIELDS for t in f.vocabulary.terms}


def code_keywords(doc: IndexDocument) -> tuple[str, ...]:
    """The English and Spanish labels and the lexicon phrases of the document's codes."""
    held: dict[str, frozenset[str]] = {}
    for field in FILTER_FIELDS:
        value: str | tuple[str, ...] = getattr(doc, field.attribute)
        held[field.param] = frozenset((value,) if isinstance(value, str) else value)
    labels: list[str] = []
    phrases: list[str] = []
    for field in FILTER_FIELDS:
        value = getattr(doc, field.attribute)
        for code in (value,) if isinstance(value, str) else value:
            term = _TERMS.get((field.param, code))
            if term is not None:
                labels.extend((term.en, term.es))
            # A phrase that reads as several parameters ("AA": a meeting, for alcohol) is
            # only for documents holding a code of each, so alcohol treatment is not "AA".
            phrases.extend(
                phrase
                for phrase, wanted in _PHRASES_BY_CODE.get((field.param, code), ())
                if all(codes & held.get(param, frozenset()) for param, codes in wanted.items())
            )
    return unique(labels + phrases)


def with_keywords(doc: IndexDocument) -> IndexDocument:
    """The document with `keywords` set from its codes (`code_keywords`)."""
    return msgspec.structs.replace(doc, keywords=code_keywords(doc))
