"""The partner embed: widget.js, its API (CORS by partner origin) and the iframe page.

A partner's page loads `/embed/v1/widget.js` with `data-partner="KEY"`; the widget calls
`/embed/v1/config` and `/embed/v1/results` (HTML) or `/embed/v1/search` (JSON) from the
partner's origin. They answer only origins the partner declared; anything else, and an
unknown key, gets a 403 problem that the widget can read and show. The partner's preset
filters are ANDed with the visitor's, so they can be narrowed but never widened.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.types import ControllerRouterHandler

from service.contract.documents import FILTER_FIELDS
from service.errors import PathwaysError, SearchUnavailableError
from service.http.partners import FILTER_PARAMS, Partner, PartnerRegistry
from service.http.security_headers import CSP, page_policy
from service.search.run import SearchDeps, SearchResponse
from service.web.cards import labels
from service.web.embedding import (
    admit,
    cors_headers,
    embed_request,
    partner_search,
    preset_params,
    problem_for,
)
from service.web.forms import form_view
from service.web.i18n import STRINGS, Lang, text
from service.web.marks import marked_response, read_marks, response_ids
from service.web.page_query import SCHEDULE_PARAMS, build_url, page_query
from service.web.pages import html_response, search_results, switch_url, visitor
from service.web.render import STATIC_DIR, render
from service.web.views import error_view, failed_view, results_view

AnyRequest = Request[Any, Any, Any]
WIDGET_FILTERS: Final[tuple[str, ...]] = ("kind", "language", "attendance")
WIDGET_STRINGS: Final[tuple[str, ...]] = (
    "embed_title",
    "embed_by",
    "embed_open_full",
    "embed_open_plan",
    "q_label",
    "near_label",
    "near_hint",
    "submit",
    "searching",
    "filter_kind",
    "filter_language",
    "filter_attendance",
    "prev",
    "next",
    "crisis_title",
    "crisis_988",
    "crisis_call_988",
    "crisis_samhsa",
    "crisis_samhsa_call",
    "crisis_988_es",
)
ASSET_HEADERS: Final[dict[str, str]] = {
    "Cache-Control": "public, max-age=300",
    # The widget and its stylesheet are loaded by partners' pages on other origins.
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Allow-Origin": "*",
}


def _asset(name: str) -> str:
    # Read on each request (a few KB): a deploy that replaces the file needs no restart.
    return (STATIC_DIR / name).read_text(encoding="utf-8")


@get("/embed/v1/widget.js", include_in_schema=False, sync_to_thread=False)
def widget_js() -> Response[str]:
    """The embeddable widget script."""
    return Response(_asset("widget.js"), media_type="text/javascript", headers=ASSET_HEADERS)


@get("/embed/v1/widget.css", include_in_schema=False, sync_to_thread=False)
def widget_css() -> Response[str]:
    """The widget's styles, adopted inside its Shadow DOM."""
    return Response(_asset("widget.css"), media_type="text/css", headers=ASSET_HEADERS)


def _widget_config(partner: Partner, lang: Lang, base_url: str) -> dict[str, Any]:
    vocab = {f.param: f.vocabulary for f in FILTER_FIELDS}
    filters = {}
    for param in WIDGET_FILTERS:
        allowed = partner.presets.codes(param)
        if len(allowed) == 1:
            continue
        terms = [t for t in vocab[param].terms if not allowed or t.code in allowed]
        filters[param] = [{"code": t.code, "label": getattr(t, lang)} for t in terms]
    presets = {p: list(partner.presets.codes(p)) for p in FILTER_PARAMS if partner.presets.codes(p)}
    return {
        "partner": {"key": partner.key, "name": partner.name},
        "lang": lang,
        "per_page": partner.per_page,
        "near": partner.presets.near,
        "presets": presets,
        "preset_labels": {p: labels(vocab[p], v, lang) for p, v in presets.items()},
        "filters": filters,
        "strings": {k: STRINGS[lang][k] for k in WIDGET_STRINGS},
        "full_search_url": base_url.rstrip("/") + build_url("/", [("lang", lang)]),
        # The plan with the partner's presets (service/web/plan.py), answered on our page.
        "plan_url": base_url.rstrip("/")
        + build_url("/plan", [("lang", lang), ("partner", partner.key)]),
    }


@get("/embed/v1/config", include_in_schema=False)
async def widget_config(request: AnyRequest) -> Response[Any]:
    """Who the partner is, what it presets, and the widget's words in the visitor's language."""
    try:
        partner = admit(request)
    except PathwaysError as exc:
        return problem_for(request, exc)
    lang = visitor(request).lang
    config = _widget_config(partner, lang, str(request.base_url))
    return Response(config, media_type=MediaType.JSON, headers=cors_headers(request))


@get("/embed/v1/search", summary="Search through a partner's embed", tags=["embed"])
async def embed_search(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[Any]:
    """`/v1/search` with the partner's presets, for its allowed origins only (CORS)."""
    try:
        result = await partner_search(request, admit(request), search_deps)
    except PathwaysError as exc:
        return problem_for(request, exc)
    return Response(result, media_type=MediaType.JSON, headers=cors_headers(request))


@get("/embed/v1/results", include_in_schema=False)
async def embed_results(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[Any]:
    """The widget's results as an HTML fragment, in the visitor's language."""
    who = visitor(request)
    try:
        partner = admit(request)
        result = await partner_search(request, partner, search_deps)
    except PathwaysError as exc:
        if exc.status_code in {403, 429}:
            return problem_for(request, exc)
        return _fragment(request, who.lang, exc)
    marks = await read_marks(request.app.state.store, response_ids(result))
    now = search_deps.clock()
    result = marked_response(result, marks, search_deps.freshness, now=now)
    return _fragment(request, who.lang, result, reported=marks.reported)


def _fragment(
    request: AnyRequest,
    lang: Lang,
    outcome: SearchResponse | PathwaysError,
    *,
    reported: Collection[str] = (),
) -> Response[Any]:
    pq = page_query(request.query_params.dict(), schedule=SCHEDULE_PARAMS)
    status = 200
    if isinstance(outcome, PathwaysError):
        view = failed_view(error_view(outcome, lang, near=pq.first("near")))
        status = outcome.status_code
    else:
        # Links of readings and alternatives open the full search, outside the partner's page.
        full = str(request.base_url).rstrip("/") + "/"
        view = results_view(
            outcome,
            pq,
            lang,
            path="/embed/v1/results",
            removable=False,
            link_path=full,
            reported=reported,
        )
    body = render(
        "_results.html",
        lang=lang,
        mode="embed",
        results=view,
        shortlist_hidden=[],
        listing_base=str(request.base_url).rstrip("/"),
        listing_query=f"?lang={lang}",
    )
    headers = cors_headers(request) | {"Content-Language": lang}
    if isinstance(outcome, SearchUnavailableError):
        headers["Retry-After"] = str(outcome.retry_after_s)
    return Response(body, status_code=status, media_type=MediaType.HTML, headers=headers)


@get("/embed/v1/frame", include_in_schema=False)
async def embed_frame(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[str]:
    """The search for partners who cannot run scripts: a page only their origins may frame."""
    who = visitor(request)
    registry: PartnerRegistry = request.app.state.partners
    partner = registry.get(request.query_params.get("partner", ""))
    if partner is None:
        body = render(
            "embed_error.html",
            lang=who.lang,
            frame=True,
            home_url="/",
            switch_url=build_url("/", [("lang", "es" if who.lang == "en" else "en")]),
            message=text(who.lang, "embed_unknown_partner"),
        )
        response = html_response(body, status=403, lang=who.lang)
        # A static error says nothing worth hiding: let any page frame it so it is seen.
        response.headers[CSP] = page_policy(frame_ancestors=["*"])
        return response
    return await _frame_page(request, partner, who.lang, who.keep, search_deps)


async def _frame_page(
    request: AnyRequest,
    partner: Partner,
    lang: Lang,
    keep: list[tuple[str, str]],
    deps: SearchDeps,
) -> Response[str]:
    pq = page_query(request.query_params.dict(), schedule=SCHEDULE_PARAMS)
    keep = [("partner", partner.key), *keep]
    results, status = await search_results(
        pq,
        lang,
        deps,
        path="/embed/v1/frame",
        keep=keep,
        build=lambda query: embed_request(query, partner),
        always=partner.presets.near is not None,
        fixed=preset_params(partner),
        store=request.app.state.store,
    )
    body = render(
        "search.html",
        lang=lang,
        frame=True,
        mode="frame",
        partner_name=partner.name,
        home_url=build_url("/", [("lang", lang)]),
        switch_url=switch_url("/embed/v1/frame", pq, lang) + f"&partner={partner.key}",
        form_action="/embed/v1/frame",
        fragment_url="",
        hidden_fields=keep,
        shortlist_hidden=[],
        listing_base=str(request.base_url).rstrip("/"),
        results=results,
        form=form_view(pq, lang, deps.limits, presets=partner.presets, schedule=SCHEDULE_PARAMS),
        plan_url=str(request.base_url).rstrip("/")
        + build_url("/plan", [("lang", lang), ("partner", partner.key)]),
    )
    response = html_response(body, status=status, lang=lang)
    response.headers[CSP] = page_policy(frame_ancestors=partner.origins)
    return response


EMBED_ROUTES: Final[list[ControllerRouterHandler]] = [
    widget_js,
    widget_css,
    widget_config,
    embed_search,
    embed_results,
    embed_frame,
]
