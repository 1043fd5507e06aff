"""Entity tags for conditional GETs (RFC 9110 sections 8.8.3 and 13.1.2). Pure functions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def strong_etag(parts: Iterable[str | bytes]) -> str:
    """A quoted strong entity tag: a SHA-256 over the parts, each length-prefixed."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        # Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return f'"{digest.hexdigest()[:32]}"'


def none_match(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` matches `etag`, so a GET may answer 304.

    GET uses the weak comparison: `W/"x"` matches `"x"`; `*` matches any current entity.
    """
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*":
            return True
        if tag.removeprefix("W/") == etag:
            return True
    return False


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an `Accept-Encoding` header accepts gzip (RFC 9110 section 12.5.3)."""
    if not accept_encoding:
        return False
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        weight = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        weights[coding.strip().lower()] = weight
    if "gzip" in weights:
        return weights["gzip"] > 0
    return weights.get("*", 0.0) > 0
