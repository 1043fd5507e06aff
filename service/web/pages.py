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
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

from service.contract.documents import DOCUMENT_ID_RE, SearchHit
from service.contract.filters import quote_value
from service.contract.short_codes import SHORT_CODE_CHARS, short_code, split_codes
from service.errors import PathwaysError, SearchUnavailableError
from service.search.client import SearchIndex
from service.search.freshness import with_stale
from service.search.query import RETRIEVED_ATTRIBUTES
from service.search.request import SearchRequest, search_request
from service.search.run import SearchDeps, empty_response, run_search
from service.store.repository import Store
from service.values import is_true
from service.web.cards import Card, build_card, shortlist_text
from service.web.forms import form_view
from service.web.i18n import LANGS, Lang, choose_lang, text
from service.web.marks import marked_hits, marked_response, read_marks, response_ids
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
# A path longer than a full shortlist's codes (and then some) is not read further.
MAX_PATH_CODES_CHARS: Final = 4 * MAX_SHORTLIST * SHORT_CODE_CHARS
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


class Ticks(msgspec.Struct, frozen=True, kw_only=True):
    """The shortlist ticks a page's URL keeps (`s`), for visitors without JavaScript."""

    codes: list[str]
    pairs: list[tuple[str, str]]
    url: str


def url_ticks(request: AnyRequest, who: Visitor) -> Ticks:
    """The codes in `s`, the query pair that keeps them, and the shortlist link they make."""
    codes, _ = shortlist_codes(request.query_params.getall("s", []))
    pairs = [("s", "".join(codes))] if codes else []
    return Ticks(codes=codes, pairs=pairs, url=shortlist_url(codes, who.keep))


def search_pairs(pq: PageQuery) -> list[tuple[str, str]]:
    """The search and its page, as the pick form's hidden fields carry them back to `/`."""
    paging = [("page", pq.page)] if pq.page else []
    per_page = [("per_page", pq.per_page)] if pq.per_page else []
    return [*pq.pairs, *per_page, *paging]


@get("/", include_in_schema=False)
async def search_page(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[str]:
    """The search page: the form, and results when the URL asks for some."""
    who = visitor(request)
    ticks = url_ticks(request, who)
    pq = page_query(_query(request), schedule=SCHEDULE_PARAMS)
    keep = [*who.keep, *ticks.pairs]
    results, status = await search_results(
        pq, who.lang, search_deps, path="/", keep=keep, store=request.app.state.store
    )
    body = render(
        "search.html",
        lang=who.lang,
        frame=False,
        mode="page",
        home_url=build_url("/", keep),
        switch_url=switch_url("/", pq, who.lang) + "".join(f"&s={v}" for _, v in ticks.pairs),
        form_action="/",
        fragment_url="/partials/results",
        hidden_fields=keep,
        shortlist_hidden=who.keep,
        kept=ticks.codes,
        kept_url=ticks.url,
        search_pairs=search_pairs(pq),
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
    ticks = url_ticks(request, who)
    pq = page_query(_query(request), schedule=SCHEDULE_PARAMS)
    keep = [*who.keep, *ticks.pairs]
    results, status = await search_results(
        pq, who.lang, search_deps, path="/", keep=keep, store=request.app.state.store
    )
    body = render(
        "_results.html",
        lang=who.lang,
        mode="page",
        results=results,
        shortlist_hidden=who.keep,
        kept=ticks.codes,
        search_pairs=search_pairs(pq),
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


def shortlist_codes(values: Sequence[str]) -> tuple[list[str], int]:
    """Distinct short codes from `s=` values (each one code or several run together), capped;
    and how many values or codes were dropped."""
    codes: list[str] = []
    dropped = 0
    for value in values:
        found = split_codes(value)
        if found is None:
            dropped += bool(value.strip())
            continue
        for code in found:
            if code in codes:
                continue
            if len(codes) < MAX_SHORTLIST:
                codes.append(code)
            else:
                dropped += 1
    return codes, dropped


async def hits_by_code(index: SearchIndex, codes: Sequence[str]) -> list[SearchHit]:
    """The listings of these codes, in the codes' order, with one search."""
    if not codes:
        return []
    quoted = ", ".join(quote_value(c) for c in codes)
    result = await index.search(
        {
            "q": "",
            "filter": [f"short_code IN [{quoted}]"],
            # Two listings may share a code: room for both of every pair.
            "limit": 2 * len(codes),
            "attributesToRetrieve": RETRIEVED_ATTRIBUTES,
        }
    )
    order = {c: i for i, c in enumerate(codes)}
    return sorted(result.hits, key=lambda h: (order.get(short_code(h.id), len(order)), h.id))


class Shortlist(msgspec.Struct, frozen=True, kw_only=True):
    """The listings of a shortlist link, as cards, and the link that makes it again."""

    who: Visitor
    cards: list[Card]
    missing: int
    link: str


async def _listing_or_successor(index: SearchIndex, resource_id: str) -> SearchHit | None:
    """The listing of an id, or of the listing it was merged into (one per meeting)."""
    hit = await index.get_document(resource_id)
    if hit is not None:
        return hit
    new_id = await index.successor_id(resource_id)
    return await index.get_document(new_id) if new_id is not None else None


async def _shortlist(request: AnyRequest, deps: SearchDeps, path_codes: str = "") -> Shortlist:
    who = visitor(request)
    codes, bad_codes = shortlist_codes([path_codes, *request.query_params.getall("s", [])])
    # Links made before short codes name the ids themselves: they keep working.
    ids, bad_ids = shortlist_ids(request.query_params.getall("ids", []))
    found = await hits_by_code(deps.index, codes)
    by_id = await asyncio.gather(*(_listing_or_successor(deps.index, i) for i in ids))
    hits = list({h.id: h for h in [*found, *(h for h in by_id if h is not None)]}.values())
    hits = hits[:MAX_SHORTLIST]
    now = deps.clock()
    hits = with_stale(hits, deps.freshness, now=now)
    marks = await read_marks(request.app.state.store, [h.id for h in hits])
    hits = marked_hits(hits, marks, deps.freshness, now=now)
    cards = [build_card(h, who.lang, reported=h.id in marks.reported) for h in hits]
    shown = {short_code(h.id) for h in hits}
    missing = bad_codes + bad_ids + sum(c not in shown for c in codes)
    missing += sum(h is None for h in by_id)
    link = str(request.base_url).rstrip("/") + shortlist_url([c.code for c in cards], who.keep)
    return Shortlist(who=who, cards=cards, missing=missing, link=link)


def shortlist_url(codes: Sequence[str], keep: Sequence[tuple[str, str]] = ()) -> str:
    """`/s/{codes}`: the shortlist as a short link (`/shortlist` when it is empty)."""
    codes = list(dict.fromkeys(codes))
    return build_url(f"/s/{''.join(codes)}" if codes else "/shortlist", keep)


async def _shortlist_page(
    request: AnyRequest, deps: SearchDeps, path_codes: str = ""
) -> Response[str]:
    try:
        found = await _shortlist(request, deps, path_codes)
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
            **_chrome(who, request.url.path, request),
        )
        return html_response(body, status=error.status, lang=who.lang)
    who, cards, link = found.who, found.cards, found.link
    codes = [c.code for c in cards]
    body = render(
        "shortlist.html",
        lang=who.lang,
        cards=cards,
        missing=found.missing,
        link=link,
        plain=shortlist_text(cards, who.lang, link=link) if cards else "",
        remove_urls={c: shortlist_url([d for d in codes if d != c], who.keep) for c in codes},
        text_url=build_url("/shortlist.txt", [("s", "".join(codes)), *who.keep]),
        sms_url=shortlist_sms(cards, link),
        error=None,
        **_chrome(who, request.url.path, request),
    )
    return html_response(body, lang=who.lang)


@get("/shortlist", include_in_schema=False)
async def shortlist_page(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[str]:
    """A printable page of the resources in the link, with a message-ready text version."""
    return await _shortlist_page(request, search_deps)


@get("/s/{codes:str}", include_in_schema=False)
async def short_shortlist_page(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps], codes: FromPath[str]
) -> Response[str]:
    """The shortlist page of a short link: the listings' codes run together in the path."""
    return await _shortlist_page(request, search_deps, codes[:MAX_PATH_CODES_CHARS])


def shortlist_sms(cards: Sequence[Card], link: str) -> str:
    """An `sms:` link whose text is the names and the shortlist's link."""
    body = "\n".join([*(c.name for c in cards), link])
    return "sms:?&body=" + quote(body, safe="")


def _chrome(who: Visitor, path: str, request: AnyRequest) -> dict[str, Any]:
    other = "es" if who.lang == "en" else "en"
    pairs = [(k, v) for k, v in request.query_params.items() if k in {"ids", "s"}]
    return {
        "home_url": build_url("/", who.keep),
        "switch_url": build_url(path, [*pairs, ("lang", other)]),
    }


@get("/shortlist.txt", include_in_schema=False)
async def shortlist_plain(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[str]:
    """The shortlist as plain text, to paste into a text message or an email."""
    found = await _shortlist(request, search_deps)
    who, cards = found.who, found.cards
    body = (
        shortlist_text(cards, who.lang, link=found.link)
        if cards
        else text(who.lang, "shortlist_empty")
    )
    cache: dict[str, str] = {"Cache-Control": "no-store", "Content-Language": who.lang}
    return Response(content=body, media_type=MediaType.TEXT, headers=cache)


PAGE_ROUTES: Final[list[ControllerRouterHandler]] = [
    search_page,
    results_fragment,
    shortlist_page,
    short_shortlist_page,
    shortlist_plain,
    static_file,
]
