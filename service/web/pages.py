"""The public search page (`/`), its results fragment, and the outreach shortlist.

The page works as a plain GET form with JavaScript off; with it on, /static/pathways.js
fetches `/partials/results` and swaps the results in place. Nothing about a visitor is kept
on the server: a shortlist lives in the browser and in its link.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from typing import Any, Final
from urllib.parse import quote

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.types import ControllerRouterHandler

from service.contract.documents import DOCUMENT_ID_RE
from service.errors import PathwaysError, SearchUnavailableError
from service.search.client import SearchIndex
from service.search.request import SearchRequest, search_request
from service.search.run import SearchDeps, empty_response, run_search
from service.store.repository import Store
from service.values import is_true
from service.web.cards import Card, build_card, shortlist_text
from service.web.forms import form_view
from service.web.i18n import LANGS, Lang, choose_lang, text
from service.web.marks import marked_response, read_marks, response_ids
from service.web.page_query import SCHEDULE_PARAMS, PageQuery, build_url, page_query
from service.web.render import render
from service.web.static_files import static_file
from service.web.views import (
    ResultsView,
    error_view,
    failed_view,
    idle_view,
    results_view,
    search_summary,
)

PAGE_PER_PAGE: Final = 10
MAX_SHORTLIST: Final = 20
AnyRequest = Request[Any, Any, Any]


class Visitor(msgspec.Struct, frozen=True, kw_only=True):
    """The interface language, and whether the visitor chose it (then links keep it)."""

    lang: Lang
    explicit: bool

    @property
    def keep(self) -> list[tuple[str, str]]:
        """Query pairs every link of the page carries."""
        return [("lang", self.lang)] if self.explicit else []


def visitor(request: AnyRequest) -> Visitor:
    """Language from ?lang=, else from Accept-Language."""
    explicit = request.query_params.get("lang")
    lang = choose_lang(explicit, request.headers.get("accept-language"))
    return Visitor(lang=lang, explicit=explicit in LANGS)


def html_response(body: str, *, status: int = 200, lang: Lang) -> Response[str]:
    """An HTML answer; never cached, as it may name a place the visitor searched."""
    headers = {"Content-Language": lang, "Vary": "Accept-Language", "Cache-Control": "no-store"}
    if status == SearchUnavailableError.status_code:
        headers["Retry-After"] = str(SearchUnavailableError.retry_after_s)
    return Response(content=body, status_code=status, media_type=MediaType.HTML, headers=headers)


def switch_url(path: str, pq: PageQuery, lang: Lang) -> str:
    """This page in the other language."""
    other = "es" if lang == "en" else "en"
    paging = [("page", pq.page)] if pq.page else []
    return build_url(path, [*pq.pairs, *paging, ("lang", other)])


RequestBuilder = Callable[[dict[str, list[str]]], SearchRequest | None]


def page_request(query: dict[str, list[str]]) -> SearchRequest:
    """The page's search: the visitor's query, ten results a page by default, and happening
    now first when the visitor asks by time without choosing an order."""
    request = search_request(query)
    if request.per_page is None:
        request = msgspec.structs.replace(request, per_page=PAGE_PER_PAGE)
    if not request.sort and asks_by_time(request):
        request = msgspec.structs.replace(request, sort="soonest")
    return request


def asks_by_time(request: SearchRequest) -> bool:
    """Open now, or starting within a span: a question about what is on soon."""
    return is_true(request.open_now) or request.starts_within_min is not None


async def search_results(
    pq: PageQuery,
    lang: Lang,
    deps: SearchDeps,
    *,
    path: str,
    keep: Sequence[tuple[str, str]],
    build: RequestBuilder = page_request,
    always: bool = False,
    fixed: Collection[str] = (),
    store: Store | None = None,
) -> tuple[ResultsView, int]:
    """The results area for a query, and the HTTP status it deserves.

    `build` turns the query into a SearchRequest (None: nothing can match);
    `always` searches even when the visitor has asked for nothing yet; `fixed` names the
    parameters a partner presets; `store` gives the stewards' marks on the cards.
    """
    if not pq.searched and not always:
        return idle_view(lang), 200
    try:
        request = build(pq.as_query())
        result = (
            empty_response(PAGE_PER_PAGE)
            if request is None
            else await run_search(without_facets(request), deps, fixed=fixed)
        )
    except PathwaysError as exc:
        error = error_view(exc, lang, near=pq.first("near"))
        return failed_view(error, search_summary(pq, lang)), error.status
    marks = await read_marks(store, response_ids(result))
    result = marked_response(result, marks, deps.freshness, now=deps.clock())
    view = results_view(result, pq, lang, path=path, keep=keep, reported=marks.reported)
    return view, 200


def without_facets(request: SearchRequest) -> SearchRequest:
    """Pages and the widget show no facet counts: skip their cost unless asked for."""
    return msgspec.structs.replace(request, facets=request.facets or "none")


def _query(request: AnyRequest) -> dict[str, list[str]]:
    query: dict[str, list[str]] = request.query_params.dict()
    return query


@get("/", include_in_schema=False)
async def search_page(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[str]:
    """The search page: the form, and results when the URL asks for some."""
    who = visitor(request)
    pq = page_query(_query(request), schedule=SCHEDULE_PARAMS)
    results, status = await search_results(
        pq, who.lang, search_deps, path="/", keep=who.keep, store=request.app.state.store
    )
    body = render(
        "search.html",
        lang=who.lang,
        frame=False,
        mode="page",
        home_url=build_url("/", who.keep),
        switch_url=switch_url("/", pq, who.lang),
        form_action="/",
        fragment_url="/partials/results",
        hidden_fields=who.keep,
        shortlist_hidden=who.keep,
        form=form_view(pq, who.lang, search_deps.limits, schedule=SCHEDULE_PARAMS),
        results=results,
    )
    return html_response(body, status=status, lang=who.lang)


@get("/partials/results", include_in_schema=False)
async def results_fragment(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[str]:
    """Only the results area of `/` for the same query, for the page's script."""
    who = visitor(request)
    pq = page_query(_query(request), schedule=SCHEDULE_PARAMS)
    results, status = await search_results(
        pq, who.lang, search_deps, path="/", keep=who.keep, store=request.app.state.store
    )
    body = render(
        "_results.html", lang=who.lang, mode="page", results=results, shortlist_hidden=who.keep
    )
    return html_response(body, status=status, lang=who.lang)


def shortlist_ids(values: Sequence[str]) -> tuple[list[str], int]:
    """Valid, distinct ids from `ids=a,b` or repeated `ids=`, capped; and how many were dropped."""
    ids: list[str] = []
    dropped = 0
    for value in values:
        for raw in value.split(","):
            item = raw.strip()
            if not item or item in ids:
                continue
            if DOCUMENT_ID_RE.match(item) and len(ids) < MAX_SHORTLIST:
                ids.append(item)
            else:
                dropped += 1
    return ids, dropped


async def _fetch_cards(index: SearchIndex, ids: Sequence[str], lang: Lang) -> list[Card]:
    hits = await asyncio.gather(*(index.get_document(i) for i in ids))
    return [build_card(hit, lang) for hit in hits if hit is not None]


async def _shortlist(
    request: AnyRequest, index: SearchIndex
) -> tuple[Visitor, list[str], list[Card], int, str]:
    who = visitor(request)
    ids, dropped = shortlist_ids(request.query_params.getall("ids", []))
    cards = await _fetch_cards(index, ids, who.lang) if ids else []
    missing = dropped + len(ids) - len(cards)
    link = str(request.base_url).rstrip("/") + shortlist_url([c.id for c in cards], who.keep)
    return who, ids, cards, missing, link


def shortlist_url(ids: Sequence[str], keep: Sequence[tuple[str, str]] = ()) -> str:
    """`/shortlist?ids=a,b,c`: the shortlist as a link."""
    return build_url("/shortlist", [("ids", ",".join(ids)), *keep] if ids else list(keep))


@get("/shortlist", include_in_schema=False)
async def shortlist_page(
    request: AnyRequest, search_index: NamedDependency[SearchIndex]
) -> Response[str]:
    """A printable page of the resources in the link, with a message-ready text version."""
    try:
        who, _ids, cards, missing, link = await _shortlist(request, search_index)
    except PathwaysError as exc:
        who = visitor(request)
        error = error_view(exc, who.lang)
        body = render(
            "shortlist.html",
            lang=who.lang,
            cards=[],
            missing=0,
            link="",
            plain="",
            error=error,
            **_chrome(who, "/shortlist", request),
        )
        return html_response(body, status=error.status, lang=who.lang)
    ids = [c.id for c in cards]
    body = render(
        "shortlist.html",
        lang=who.lang,
        cards=cards,
        missing=missing,
        link=link,
        plain=shortlist_text(cards, who.lang, link=link) if cards else "",
        remove_urls={i: shortlist_url([j for j in ids if j != i], who.keep) for i in ids},
        text_url=build_url("/shortlist.txt", [("ids", ",".join(ids)), *who.keep]),
        sms_url=shortlist_sms(cards, link),
        error=None,
        **_chrome(who, "/shortlist", request),
    )
    return html_response(body, lang=who.lang)


def shortlist_sms(cards: Sequence[Card], link: str) -> str:
    """An `sms:` link whose text is the names and the shortlist's link."""
    body = "\n".join([*(c.name for c in cards), link])
    return "sms:?&body=" + quote(body, safe="")


def _chrome(who: Visitor, path: str, request: AnyRequest) -> dict[str, Any]:
    other = "es" if who.lang == "en" else "en"
    pairs = [(k, v) for k, v in request.query_params.items() if k == "ids"]
    return {
        "home_url": build_url("/", who.keep),
        "switch_url": build_url(path, [*pairs, ("lang", other)]),
    }


@get("/shortlist.txt", include_in_schema=False)
async def shortlist_plain(
    request: AnyRequest, search_index: NamedDependency[SearchIndex]
) -> Response[str]:
    """The shortlist as plain text, to paste into a text message or an email."""
    who, _ids, cards, _missing, link = await _shortlist(request, search_index)
    body = (
        shortlist_text(cards, who.lang, link=link) if cards else text(who.lang, "shortlist_empty")
    )
    cache: dict[str, str] = {"Cache-Control": "no-store", "Content-Language": who.lang}
    return Response(content=body, media_type=MediaType.TEXT, headers=cache)


PAGE_ROUTES: Final[list[ControllerRouterHandler]] = [
    search_page,
    results_fragment,
    shortlist_page,
    shortlist_plain,
    static_file,
]
