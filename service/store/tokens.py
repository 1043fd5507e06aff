"""Steward tokens: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

TOKEN_BYTES: Final = 32
MAX_TOKEN_CHARS: Final = 200


def new_token() -> str:
    """A fresh token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps. The tokens are random, so a fast hash suffices: there is no
    dictionary of likely tokens to try against it."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()
