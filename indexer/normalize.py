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

from service.contract.documents import DOCUMENT_ID_RE, FILTER_FIELDS, IndexDocument, filter_codes
from service.contract.stop_words import STOP_WORDS
from service.contract.vocabulary import US_STATES
from service.search.wording import Lexicon, lexicon
from service.search.wording import words as fold_words

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
# A member named the fellowships' way, first name and last initial ("Melanie W.", "Tony R"),
# after a word that asks the reader to get in touch: "contact Melanie W.", "call George B.",
# "email Gary R. for password". Without such a word a capital and an initial is a room or an
# author's pen name far more often ("Suite G", "the Bill W. Room", "by Wally P."), so it stays.
_CONTACT_WORD: Final = (
    r"(?i:contact|call|phone|text|e-?mail|ask(?:\s+for)?|reach|message|see"
    r"|(?:speak|talk)\s+(?:to|with))"
)
# Words that name a part of a building, before a letter ("call Building C", "see Room A").
_PLACE_PARTS: Final = (
    "Apt|Area|Bldg|Box|Building|Classroom|Conference|Door|Entrance|Floor|Gate|Hall|Level"
    "|Lot|Office|Parking|Rm|Room|Section|Ste|Suite|Unit|Wing"
)
_MEMBER: Final = rf"(?!(?:{_PLACE_PARTS})\b)[A-Z][a-z]{{1,15}}\s+[A-Z](?:\.|(?![A-Za-z]))"
_MEMBERS_IN_TEXT: Final = re.compile(
    rf"\b(?P<ask>{_CONTACT_WORD})\s+(?P<names>{_MEMBER}(?:\s*(?:,|&|(?i:and|or))\s*{_MEMBER})*)"
)
NAME_REMOVED: Final = "[name removed]"
# How far before a phone number a removed name makes it that member's number.
_NAME_REACH_CHARS: Final = 40


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
    """Remove members' names, e-mail addresses and phone numbers from meeting feeds' text.

    Feeds publish members' contact details in notes; they must not reach the index.
    """
    if text is None:
        return None
    text = _EMAIL.sub("[email removed]", text)
    text = _MEMBERS_IN_TEXT.sub(lambda m: f"{m.group('ask')} {NAME_REMOVED}", text)

    def _phone(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 20) : match.start()]
        near_name = NAME_REMOVED in text[max(0, match.start() - _NAME_REACH_CHARS) : match.start()]
        if _JOINING_CONTEXT.search(before) and not near_name:
            return match.group(0)
        return "[phone removed]"

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


COORDINATE_DECIMALS: Final = 8


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
    # 8 decimals is about 1 mm. Feeds write up to 17 significant digits (nwta's
    # -101.84852280000001), which Meilisearch reads back one unit in the last place off,
    # so the document's hash would change on every round trip through the index.
    return round(number, COORDINATE_DECIMALS)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Values in first-seen order, without repeats."""
    return tuple(dict.fromkeys(values))


_Wanted = dict[str, frozenset[str]]
_CRISIS_CODE: Final = "need:crisis"


def _phrases_of_codes(lex: Lexicon) -> dict[str, dict[str, set[str]]]:
    """Each lexicon phrase -> the codes it reads as, per search parameter."""
    wanted: dict[str, dict[str, set[str]]] = {}
    by_code = {
        code: [p for ps in langs.values() for p in ps] for code, langs in lex.by_code.items()
    }
    # What people say in a crisis is what a crisis line is for.
    by_code.setdefault(_CRISIS_CODE, []).extend(" ".join(p) for p in sorted(lex.crisis))
    for param_code, phrases in by_code.items():
        param, code = param_code.split(":", 1)
        for phrase in phrases:
            wanted.setdefault(phrase, {}).setdefault(param, set()).add(code)
    return wanted


def _words_that_count(text: str) -> tuple[str, ...]:
    return tuple(w for w in fold_words(text) if w not in _STOP)


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return len(long) > n and any(long[i : i + n] == short for i in range(len(long) - n + 1))


class _PhraseIndex(msgspec.Struct, frozen=True, kw_only=True):
    """The lexicon's phrases ready for documents: by code, and which longer ones hold them."""

    by_code: dict[tuple[str, str], tuple[tuple[str, _Wanted], ...]]
    held_in: dict[str, frozenset[str]]
    # Each phrase's and label's words less stop words: two phrases alike here are one.
    counted: dict[str, tuple[str, ...]]


def _phrase_index(lex: Lexicon) -> _PhraseIndex:
    wanted = _phrases_of_codes(lex)
    by_code: dict[tuple[str, str], list[tuple[str, _Wanted]]] = {}
    for phrase, by_param in wanted.items():
        frozen = {param: frozenset(codes) for param, codes in by_param.items()}
        for param, codes in frozen.items():
            for code in codes:
                by_code.setdefault((param, code), []).append((phrase, frozen))
    counted = {phrase: _words_that_count(phrase) for phrase in wanted}
    labels = {
        label: _words_that_count(label) for term in _TERMS.values() for label in (term.en, term.es)
    }
    held_in = {
        phrase: frozenset(o for o, long in counted.items() if _within(short, long))
        for phrase, short in counted.items()
    }
    return _PhraseIndex(
        by_code={key: tuple(found) for key, found in by_code.items()},
        held_in={phrase: held for phrase, held in held_in.items() if held},
        counted=labels | counted,
    )


_STOP: Final = frozenset(STOP_WORDS)
_TERMS: Final = {(f.param, t.code): t for f in FILTER_FIELDS for t in f.vocabulary.terms}
_PHRASES: Final = _phrase_index(lexicon())


def _codes(doc: IndexDocument) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.param, filter_codes(doc, f)) for f in FILTER_FIELDS if f.keywords]


def code_keywords(doc: IndexDocument) -> tuple[str, ...]:
    """The English and Spanish labels and the lexicon phrases of the document's codes.

    A phrase that reads as several parameters ("AA": a meeting, for alcohol) is only for
    documents holding a code of each, so alcohol treatment does not read as "AA"; a phrase
    that a longer one of the document holds word for word ("test strips" in "fentanyl test
    strips"), or that folds to words already there, adds nothing and is left out.
    """
    codes = _codes(doc)
    held = {param: frozenset(values) for param, values in codes}
    labels: list[str] = []
    phrases: list[str] = []
    for param, values in codes:
        for code in values:
            term = _TERMS.get((param, code))
            if term is not None:
                labels.extend((term.en, term.es))
            phrases.extend(
                phrase
                for phrase, wanted in _PHRASES.by_code.get((param, code), ())
                if all(c & held.get(p, frozenset()) for p, c in wanted.items())
            )
    chosen = set(phrases)
    seen = {_PHRASES.counted[label] for label in labels}
    kept: list[str] = []
    for phrase in unique(phrases):
        counted = _PHRASES.counted[phrase]
        if counted and counted not in seen and not _PHRASES.held_in.get(phrase, set()) & chosen:
            seen.add(counted)
            kept.append(phrase)
    return unique(labels) + tuple(kept)


def with_keywords(doc: IndexDocument) -> IndexDocument:
    """The document with `keywords` set from its codes (`code_keywords`)."""
    return msgspec.structs.replace(doc, keywords=code_keywords(doc))
