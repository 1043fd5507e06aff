"""Security headers: a Content-Security-Policy that says our pages load nothing third-party.

Every script, style and font of Pathways is served by Pathways, so the page policy allows
'self' only, with no inline script or style. A handler that needs another policy (the
partner iframe names its partner's origins in frame-ancestors) sets its own header, and the
middleware leaves it alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

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


class SecurityHeadersMiddleware(ASGIMiddleware):
    """Adds the CSP and base headers to every HTTP answer that does not set its own."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Wrap `send` to add the headers to the response start."""

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if CSP not in headers:
                    is_html = headers.get("content-type", "").startswith("text/html")
                    headers[CSP] = PAGE_POLICY if is_html else RESOURCE_POLICY
                for name, value in BASE_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await next_app(scope, receive, send_with_headers)
