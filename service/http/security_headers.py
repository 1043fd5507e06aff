"""Security headers: a Content-Security-Policy that says our pages load nothing third-party.

Every script, style and font of Pathways is served by Pathways, so the page policy allows
'self' only, with no inline script or style. A handler that needs another policy (the
partner iframe names its partner's origins in frame-ancestors) sets its own header, and the
hook leaves it alone. It is a `before_send` hook rather than a middleware because Litestar
runs middleware only on matched routes: a 404 or 405 would otherwise go out bare.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CSP: Final = "Content-Security-Policy"


def page_policy(*, frame_ancestors: Sequence[str] = ()) -> str:
    """The CSP of an HTML page; `frame_ancestors` are origins allowed to frame it."""
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            f"frame-ancestors {ancestors}",
        )
    )


# Non-HTML answers (JSON, text, scripts) never need to load or frame anything.
RESOURCE_POLICY: Final = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY: Final = page_policy()

BASE_HEADERS: Final[dict[str, str]] = {
    "X-Content-Type-Options": "nosniff",
    # Following a directions or website link must not tell that site what was searched.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
}
# For browsers that predate frame-ancestors; only where our own policy forbids framing.
NO_FRAMING: Final[dict[str, str]] = {"X-Frame-Options": "DENY"}
# A page opened from ours (a directions link) gets no handle back to it.
HTML_HEADERS: Final[dict[str, str]] = {"Cross-Origin-Opener-Policy": "same-origin"}
HSTS: Final = "max-age=31536000"
# An answer that says nothing about caching may be kept by a shared cache on heuristics;
# searches name what and where someone looked, so only answers that opt in are cached.
DEFAULT_CACHE_CONTROL: Final = "no-store"


def security_headers(headers: MutableScopeHeaders, *, https: bool) -> None:
    """Add the CSP, the base headers and Cache-Control where a response has not set its own."""
    is_html = headers.get("content-type", "").startswith("text/html")
    extra: dict[str, str] = dict(BASE_HEADERS)
    if CSP not in headers:
        headers[CSP] = PAGE_POLICY if is_html else RESOURCE_POLICY
        extra |= NO_FRAMING
    if is_html:
        extra |= HTML_HEADERS
    if https:
        extra["Strict-Transport-Security"] = HSTS
    extra["Cache-Control"] = DEFAULT_CACHE_CONTROL
    for name, value in extra.items():
        if name not in headers:
            headers[name] = value


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: every answer gets the headers, routed or not (404, 405)."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        security_headers(headers, https=scope.get("scheme") == "https")
