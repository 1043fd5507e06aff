"""`GET /v1/search.csv`: a search result as a spreadsheet file.

It takes every parameter of `/v1/search` and runs the same search (`run_search`), so
validation, filters and order are the search's own. Instead of one page it returns every hit
up to `CSV_MAX_ROWS`, in the search's order; `page` and `per_page` are ignored.
`X-Total-Count` says how many hits the search had, so a client can tell when the file
stopped at the cap.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency

from service.formats.csv_export import encode_csv
from service.http.dependencies import search_request_dependency
from service.search.request import SearchRequest
from service.search.run import SearchDeps, run_search

CSV_MAX_ROWS: Final = 1000
# Litestar adds "; charset=utf-8" to text types.
CSV_MEDIA_TYPE: Final = "text/csv"


@get(
    "/v1/search.csv",
    summary="Search results as CSV",
    description="Takes every parameter of /v1/search; returns all hits up to "
    f"{CSV_MAX_ROWS} (page and per_page are ignored) as a UTF-8 CSV attachment.",
    tags=["search"],
    media_type=CSV_MEDIA_TYPE,
    dependencies={"search_request": search_request_dependency()},
)
async def search_csv(
    request: Request[Any, Any, Any],
    search_request: NamedDependency[SearchRequest],
    search_deps: NamedDependency[SearchDeps],
) -> Response[bytes]:
    """The hits of a search, as a CSV file to open in a spreadsheet."""
    # A file shows no facet counts: skip their cost unless asked for.
    whole = msgspec.structs.replace(
        search_request, page=1, per_page=CSV_MAX_ROWS, facets=search_request.facets or "none"
    )
    limits = msgspec.structs.replace(search_deps.limits, max_per_page=CSV_MAX_ROWS)
    result = await run_search(
        whole, msgspec.structs.replace(search_deps, limits=limits), offer_alternatives=False
    )
    base_url = str(request.base_url).rstrip("/")
    filename = f"pathways-search-{search_deps.clock().date().isoformat()}.csv"
    return Response(
        encode_csv(result.hits, base_url=base_url),
        media_type=CSV_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Total-Count": str(result.total),
            # A worker's search can say where their client is: keep it out of caches.
            "Cache-Control": "no-store",
        },
    )
