"""A short, stable code per listing, for shortlist links that fit a text message (pure).

The code is the first 35 bits of the SHA-256 of the listing's id, as 7 characters of
Crockford's base32 in lower case (no i, l, o or u, so nothing reads as another character).
It depends on the id alone, so it is the same in every index run and on every replica; the
indexer stores it as the filterable `short_code` (service/search/indexed.py) and a link
holds the codes one after another: 10 listings are 70 characters. Two ids may share a
code (about one chance in 2,000 per pair of listings among 100,000); a link with that code
then shows both, which is why the code never replaces the id anywhere else.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

ALPHABET: Final = "0123456789abcdefghjkmnpqrstvwxyz"
SHORT_CODE_CHARS: Final = 7
SHORT_CODE_RE: Final = re.compile(rf"^[{ALPHABET}]{{{SHORT_CODE_CHARS}}}$")
_CODES_RE: Final = re.compile(rf"^(?:[{ALPHABET}]{{{SHORT_CODE_CHARS}}})+$")
_BITS: Final = 5 * SHORT_CODE_CHARS


def short_code(resource_id: str) -> str:
    """The listing's 7-character code."""
    digest = hashlib.sha256(resource_id.encode("utf-8")).digest()
    number = int.from_bytes(digest[:5]) >> (40 - _BITS)
    chars = []
    for _ in range(SHORT_CODE_CHARS):
        chars.append(ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def split_codes(value: str) -> list[str] | None:
    """`value` as codes, in order (7 characters each); None when it is not only codes."""
    value = value.strip().lower()
    if not _CODES_RE.match(value):
        return None
    return [value[i : i + SHORT_CODE_CHARS] for i in range(0, len(value), SHORT_CODE_CHARS)]
