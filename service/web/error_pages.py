"""Errors as a browser should see them: a page in the visitor's language with the crisis
lines, while API clients keep problem+json (service/http/problems.py).

The pages (`/`, `/shortlist`, the partner frame) always answer an error with a page: errors
raised before a page's handler runs (the per-client rate limit, request limits) reach the
app's exception handlers, and a person there must meet the crisis lines, not JSON. Elsewhere
the choice is content negotiation on `Accept`: a browser's navigation asks for text/html
first; curl, httpx and fetch() without an Accept header ask for */*, which problem+json
answers. Machine endpoints always answer problem+json, whatever the Accept header says; the
embed API's answers carry CORS headers whatever their status, so a widget on a partner's
page can read the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from litestar import Request, Response
from litestar.enums import MediaType
from litestar.types import ExceptionHandlersMap

from service.http.problems import PROBLEM_JSON
from service.http.security_headers import CSP, page_policy
from service.web.embedding import cors_headers
from service.web.i18n import Lang, choose_lang
from service.web.page_query import build_url
from service.web.render import render

AnyRequest = Request[Any, Any, Any]
Handler = Callable[[AnyRequest, Any], Response[Any]]

# Paths whose clients are programs: the API, HSDS, feeds, health, the schema, the widget's API.
MACHINE_PREFIXES: Final = ("/v1/", "/hsds", "/healthz", "/readyz", "/schema")
PAGE_PATHS: Final[frozenset[str]] = frozenset({"/", "/shortlist", "/embed/v1/frame"})
FRAME_PATH: Final = "/embed/v1/frame"
EMBED_API_PREFIX: Final = "/embed/v1/"
FRAGMENT_PREFIX: Final = "/partials/"
# Each status's words (strings/*.json `errpage_<key>_title` and `errpage_<key>_text`).
PAGE_KEYS: Final[Mapping[int, str]] = {
    400: "400",
    404: "404",
    405: "400",
    413: "400",
    422: "422",
    429: "429",
    503: "503",
}
KEPT_HEADERS: Final = ("retry-after", "allow")


def wants_html(request: AnyRequest) -> bool:
    """Whether the client prefers an HTML page to problem+json."""
    path = request.url.path
    if path in PAGE_PATHS:
        return True
    if path.startswith(MACHINE_PREFIXES) or path.startswith(EMBED_API_PREFIX):
        return False
    offered = [PROBLEM_JSON, MediaType.JSON.value, MediaType.HTML.value]
    return request.accept.best_match(offered) == MediaType.HTML.value


def page_key(status: int) -> str:
    """Which words a status gets: its own, or the generic ones."""
    return PAGE_KEYS.get(status, "500")


def error_page(request: AnyRequest, status: int, headers: Mapping[str, str]) -> Response[str]:
    """The HTML page (or, for the page's script, the results fragment) for an error status."""
    explicit = request.query_params.get("lang")
    lang: Lang = choose_lang(explicit, request.headers.get("accept-language"))
    keep = [("lang", lang)] if explicit == lang else []
    other = "es" if lang == "en" else "en"
    fragment = request.url.path.startswith(FRAGMENT_PREFIX)
    frame = request.url.path == FRAME_PATH
    body = render(
        "_error_fragment.html" if fragment else "error.html",
        lang=lang,
        frame=frame,
        status=status,
        key=page_key(status),
        home_url=build_url("/", keep),
        switch_url=build_url(request.url.path, [("lang", other)]),
    )
    kept = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    kept |= {
        "Content-Language": lang,
        "Vary": "Accept, Accept-Language",
        "Cache-Control": "no-store",
    }
    if frame:
        # Says nothing about the visitor or the partner: any page may frame it so it is seen.
        kept[CSP] = page_policy(frame_ancestors=["*"])
    return Response(content=body, status_code=status, media_type=MediaType.HTML, headers=kept)


def _negotiated(handler: Handler) -> Handler:
    def handle(request: AnyRequest, exc: Any) -> Response[Any]:
        # The problem handler runs either way: it logs, and its status and headers are kept.
        problem = handler(request, exc)
        if not wants_html(request):
            if request.url.path.startswith(EMBED_API_PREFIX):
                for name, value in cors_headers(request).items():
                    problem.headers.setdefault(name, value)
            return problem
        return error_page(request, problem.status_code or 500, dict(problem.headers))

    return handle


def with_error_pages(handlers: ExceptionHandlersMap) -> ExceptionHandlersMap:
    """The same handlers, answering browsers with an HTML page instead of problem+json."""
    return {kind: _negotiated(handler) for kind, handler in handlers.items()}
