"""Errors on the HTML pages as HTML pages, and on the embed API with its CORS headers.

Errors raised before a page's handler runs (the per-client rate limit, request limits) or
that no handler catches reach the app's exception handlers, which speak problem+json. A
person on `/`, `/shortlist` or the partner frame must instead get a page in their language
with the crisis lines first (base.html); a widget on a partner's page must be able to read
the problem, so the embed API's answers carry CORS headers whatever their status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from litestar import Request, Response
from litestar.enums import MediaType
from litestar.types import ExceptionHandlersMap

from service.http.security_headers import CSP, page_policy
from service.web.embedding import cors_headers
from service.web.i18n import Lang, choose_lang, text
from service.web.page_query import build_url
from service.web.render import render

AnyRequest = Request[Any, Any, Any]
Handler = Callable[[AnyRequest, Any], Response[Any]]
HTML_PATHS: Final[frozenset[str]] = frozenset({"/", "/shortlist", "/embed/v1/frame"})
EMBED_API_PREFIX: Final = "/embed/v1/"
# What the answer keeps of the problem's headers.
KEPT_HEADERS: Final[tuple[str, ...]] = ("Retry-After", "Allow")


def _words(status: int, retry_after: str | None, lang: Lang) -> tuple[str, str]:
    if status == 429:
        return text(lang, "error_title_rate"), text(lang, "error_rate", seconds=retry_after or 60)
    if status == 503:
        return text(lang, "error_title_unavailable"), text(lang, "error_unavailable")
    return text(lang, "error_title_generic"), text(lang, "error_generic")


def error_page(request: AnyRequest, problem: Response[Any]) -> Response[str]:
    """The HTML page for a problem answer on one of the pages: same status, same Retry-After."""
    explicit = request.query_params.get("lang")
    lang = choose_lang(explicit, request.headers.get("accept-language"))
    retry_after = problem.headers.get("Retry-After")
    status = problem.status_code or 500
    title, message = _words(status, retry_after, lang)
    frame = request.url.path == "/embed/v1/frame"
    body = render(
        "error.html",
        lang=lang,
        frame=frame,
        home_url=build_url("/", [("lang", lang)]),
        switch_url=build_url("/", [("lang", "es" if lang == "en" else "en")]),
        title=title,
        message=message,
    )
    headers = {k: v for k in KEPT_HEADERS if (v := problem.headers.get(k))}
    headers |= {"Content-Language": lang, "Vary": "Accept-Language", "Cache-Control": "no-store"}
    if frame:
        # Says nothing about the visitor or the partner: any page may frame it so it is seen.
        headers[CSP] = page_policy(frame_ancestors=["*"])
    return Response(body, status_code=status, media_type=MediaType.HTML, headers=headers)


def _for_pages(handler: Handler) -> Handler:
    def handle(request: AnyRequest, exc: Any) -> Response[Any]:
        answer = handler(request, exc)
        path = request.url.path
        if path in HTML_PATHS:
            return error_page(request, answer)
        if path.startswith(EMBED_API_PREFIX):
            for name, value in cors_headers(request).items():
                answer.headers.setdefault(name, value)
        return answer

    return handle


def with_error_pages(handlers: Mapping[Any, Handler]) -> ExceptionHandlersMap:
    """The app's exception handlers, answering HTML pages with pages and the embed with CORS."""
    return {kind: _for_pages(handler) for kind, handler in handlers.items()}
