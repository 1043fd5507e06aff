"""`/r/{id}`: the page of one listing, server-rendered in English and Spanish."""

from __future__ import annotations

from typing import Any, Final

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

from service.contract.documents import SearchHit
from service.contract.filters import quote_value
from service.errors import ResourceNotFoundError
from service.http.moved import moved_to
from service.places.cells import geo_key
from service.schedules.params import Clock
from service.search.client import SearchIndex
from service.search.freshness import Freshness, with_stale
from service.search.query import RETRIEVED_ATTRIBUTES
from service.web.listing_view import listing_view
from service.web.marks import marked_hits, read_marks
from service.web.page_query import build_url
from service.web.pages import html_response, visitor
from service.web.render import render

AnyRequest = Request[Any, Any, Any]
MAX_SAME_PLACE: Final = 20


async def same_place(index: SearchIndex, hit: SearchHit) -> list[SearchHit]:
    """Active listings at exactly the hit's point (none for approximate places)."""
    if hit.geo is None or (hit.address is not None and hit.address.approximate):
        return []
    key = geo_key(hit.geo.lat, hit.geo.lng)
    result = await index.search(
        {
            "q": "",
            "filter": ['status = "active"', f"geo_key = {quote_value(key)}"],
            "limit": MAX_SAME_PLACE + 1,
            "attributesToRetrieve": RETRIEVED_ATTRIBUTES,
        }
    )
    return result.hits


@get("/r/{resource_id:str}", include_in_schema=False)
async def listing_page(
    request: AnyRequest,
    resource_id: FromPath[str],
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    freshness: NamedDependency[Freshness],
) -> Response[str]:
    """Everything known about one listing; a 404 page when there is none."""
    who = visitor(request)
    hit = await search_index.get_document(resource_id)
    if hit is None:
        if (moved := await moved_to(search_index, request, resource_id)) is not None:
            return moved
        raise ResourceNotFoundError(f"No resource has the id {resource_id[:100]!r}.")
    now = clock()
    hit = with_stale([hit], freshness, now=now)[0]
    marks = await read_marks(request.app.state.store, [hit.id])
    hit = marked_hits([hit], marks, freshness, now=now)[0]
    view = listing_view(
        hit,
        who.lang,
        reported=hit.id in marks.reported,
        now=now,
        base_url=str(request.base_url),
        same_place=await same_place(search_index, hit),
    )
    other = "es" if who.lang == "en" else "en"
    body = render(
        "listing.html",
        view=view,
        c=view.card,
        home_url=build_url("/", who.keep),
        switch_url=build_url(request.url.path, [("lang", other)]),
        keep_query=build_url("", who.keep),
        lang=who.lang,
    )
    return html_response(body, lang=who.lang)


LISTING_ROUTES: Final[list[ControllerRouterHandler]] = [listing_page]
