"""Who is reviewing: a steward's token from the session cookie or a bearer header, and the
per-steward token that every review form carries (pure, apart from the store lookup)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, Final

from litestar import Request

from service.store.records import Steward
from service.store.repository import Store

COOKIE: Final = "pathways_steward"
COOKIE_PATH: Final = "/review"
COOKIE_MAX_AGE_S: Final = 12 * 3600
CSRF_FIELD: Final = "csrf"
BEARER: Final = "bearer "
AnyRequest = Request[Any, Any, Any]


class ReviewForms:
    """Form tokens bound to a steward: another site cannot make a steward's browser act."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def token(self, steward: Steward) -> str:
        """The token this steward's forms carry."""
        message = f"review\0{steward.name}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def valid(self, steward: Steward, offered: object) -> bool:
        """Whether a posted token is this steward's."""
        return isinstance(offered, str) and hmac.compare_digest(offered, self.token(steward))


def offered_token(request: AnyRequest) -> str | None:
    """The steward token sent: `Authorization: Bearer`, else the session cookie."""
    header = request.headers.get("authorization") or ""
    if header[: len(BEARER)].lower() == BEARER:
        return header[len(BEARER) :].strip() or None
    return request.cookies.get(COOKIE) or None


async def current_steward(request: AnyRequest, store: Store) -> Steward | None:
    """The steward making this request, or None."""
    token = offered_token(request)
    return await store.steward_for_token(token) if token else None


def cross_site(request: AnyRequest) -> bool:
    """Whether the browser says the request comes from another site."""
    return request.headers.get("sec-fetch-site", "") == "cross-site"
