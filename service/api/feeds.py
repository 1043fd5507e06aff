"""`GET /v1/feeds/meeting-guide.json`: every meeting as a Meeting Guide feed.

Other sites' meeting finders (TSML UI on an intergroup's site, apps) read it, so it is
public: any origin may GET it (no credentials), and apps that poll it get 304 while the
index has not changed. A client that accepts gzip gets the body gzipped (a 4.6 MB feed
is about 0.8 MB). The ETag is computed without building the body, from the index's
`updatedAt` (which changes with every write and every swap), the exact Meilisearch query
and the mapping version, so a 304 costs one small request to Meilisearch.

It filters like `/v1/search` (`near`, `radius_km`, the vocabulary parameters and
`include_online`, checked the same way), but always lists every matching meeting, in a
stable order, including temporarily closed ones (marked `TC` / `inactive`, as feeds do).
Text search, sorting, paging and the schedule filters of `/v1/search` do not apply.
"""

from __future__ import annotations

import asyncio
import gzip
from typing import Any, Final

import msgspec
from litestar import Request, Response, Router, get, route
from litestar.datastructures import MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.contract.documents import SearchHit
from service.formats.conditional import accepts_gzip, none_match, strong_etag
from service.formats.meeting_guide import FORMAT_VERSION, MeetingGuideMeeting, encode_feed
from service.http.dependencies import search_request_dependency
from service.places.geocoder import GazetteerGeocoder
from service.search.client import SearchIndex
from service.search.query import RETRIEVED_ATTRIBUTES, Limits, filter_expression, validate_params
from service.search.request import FEED_PARAMS, SearchRequest
from service.search.run import SearchDeps, resolve_near_state
from service.values import parse_flag

FEED_PATH: Final = "/v1/feeds/meeting-guide.json"
CACHE_CONTROL: Final = "public, max-age=300"
# Public data: any site may read it, and read the ETag to poll it; no cookies are involved.
CORS_HEADERS: Final = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
}
# A write or swap during the fetch could mix two versions of the index into one body.
_FETCH_ATTEMPTS: Final = 3


def public_cors(app: ASGIApp) -> ASGIApp:
    """Middleware adding the CORS headers to every response of a route, errors included."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in CORS_HEADERS.items():
                    headers[name] = value
            await send(message)

        await app(scope, receive, send_with_cors)

    return middleware


@get(
    "/",
    summary="Meeting Guide feed",
    description="Every meeting as a Meeting Guide JSON array (code4recovery spec); "
    "filters as /v1/search; CORS and ETag / If-None-Match.",
    # The body is encoded by hand (bytes): say what it holds.
    responses={
        200: ResponseSpec(
            list[MeetingGuideMeeting], description="The meetings", generate_examples=False
        ),
        304: ResponseSpec(None, description="Not modified since the ETag sent"),
    },
    dependencies={"search_request": search_request_dependency(FEED_PARAMS)},
)
async def meeting_guide_feed(
    request: Request[Any, Any, Any],
    search_request: NamedDependency[SearchRequest],
    search_deps: NamedDependency[SearchDeps],
) -> Response[bytes]:
    """The meetings matching the filters, one entry per weekly slot."""
    search_index = search_deps.index
    query = feed_query(search_deps.geocoder, search_deps.limits, search_request)
    gzipped = accepts_gzip(request.headers.get("accept-encoding"))
    etag = await _etag(search_index, query, gzipped=gzipped)
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag, "Vary": "Accept-Encoding"}
    if none_match(request.headers.get("if-none-match"), etag):
        return Response(b"", status_code=304, headers=headers)
    docs, stable_etag = await _fetch_stable(search_index, query, etag, gzipped=gzipped)
    if stable_etag is None:
        # The index kept changing during the fetch: serve what we have, promise nothing.
        headers = {"Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    else:
        headers["ETag"] = stable_etag
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    # Mapping and compressing ~8k meetings takes a few hundred ms: off the event loop.
    body = await asyncio.to_thread(_render, docs, gzipped=gzipped)
    return Response(body, media_type="application/json", headers=headers)


def _render(docs: list[SearchHit], *, gzipped: bool) -> bytes:
    body = encode_feed(docs)
    return gzip.compress(body, compresslevel=6) if gzipped else body


@route("/", http_method=[HttpMethod.OPTIONS], include_in_schema=False)
async def meeting_guide_feed_preflight() -> Response[None]:
    """CORS preflight: pages that send If-None-Match themselves need one."""
    return Response(
        None,
        status_code=204,
        headers={
            "Access-Control-Allow-Methods": "GET, OPTIONS",
            "Access-Control-Allow-Headers": "If-None-Match",
            "Access-Control-Max-Age": "86400",
        },
    )


# The preflight handler is registered first: Litestar adds a default OPTIONS handler to a
# path whose first handler has none, and that one would answer instead of ours.
FEED_ROUTER: Final = Router(
    path=FEED_PATH,
    route_handlers=[meeting_guide_feed_preflight, meeting_guide_feed],
    middleware=[public_cors],
    tags=["feeds"],
)


def feed_query(
    geocoder: GazetteerGeocoder, limits: Limits, request: SearchRequest
) -> dict[str, Any]:
    """The documents-endpoint query for the feed's parameters, checked as search checks them."""
    params = validate_params(
        q="",
        near=request.near,
        radius_km=request.radius_km,
        sort=None,
        page=1,
        per_page=1,
        filters={**request.filters, "kind": ["meeting"]},
        limits=limits,
        include_closed=True,
        include_online=parse_flag("include_online", request.include_online),
    )
    origin, state = resolve_near_state(geocoder, params.near) if params.near else (None, None)
    # No `sort`: Meilisearch 1.21 drops and repeats documents when the documents endpoint
    # pages with `sort` and `offset` (seen on the seed index); encode_feed orders the entries.
    return {
        "filter": filter_expression(params, origin, origin_state=state),
        "fields": RETRIEVED_ATTRIBUTES,
    }


async def _etag(search_index: SearchIndex, query: dict[str, Any], *, gzipped: bool) -> str:
    info = await search_index.index_info()
    encoded = msgspec.json.encode(query, order="deterministic")
    # A strong ETag names one representation: the gzipped body gets its own.
    coding = "gzip" if gzipped else "identity"
    return strong_etag((FORMAT_VERSION, coding, *info.version, encoded))


async def _fetch_stable(
    search_index: SearchIndex, query: dict[str, Any], etag: str, *, gzipped: bool
) -> tuple[list[SearchHit], str | None]:
    """Every matching document, and the ETag of the index version they all come from."""
    docs: list[SearchHit] = []
    for _ in range(_FETCH_ATTEMPTS):
        docs = await search_index.all_documents(query)
        current = await _etag(search_index, query, gzipped=gzipped)
        if current == etag:
            return docs, etag
        etag = current
    return docs, None
