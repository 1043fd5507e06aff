"""Permanent redirects for old ids: a record merged into another document keeps its links.

The indexer makes one document of a meeting listed once per weekly time, and of one resource
listed by several sources (indexer/consolidate.py, indexer/dedupe.py); the members' ids are
kept in the document's `former_ids`, so a saved `/r/{old}` or `/v1/resources/{old}.ics`
answers 308 to the same path under the new id, query string kept.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import MediaType, Request
from litestar.response import Redirect

from service.search.client import SearchIndex

# Permanent, and the method and body are kept (unlike 301, which clients may turn into GET).
MOVED_STATUS: Final = 308


def moved_path(path: str, old_id: str, new_id: str) -> str | None:
    """The path with the segment naming `old_id` (also `{old_id}.ics`) naming `new_id`."""
    segments = path.split("/")
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        if segment == old_id or segment.startswith(f"{old_id}."):
            segments[index] = new_id + segment.removeprefix(old_id)
            return "/".join(segments)
    return None


async def moved_to(
    index: SearchIndex, request: Request[Any, Any, Any], old_id: str
) -> Redirect | None:
    """A permanent redirect to the document an unknown id was merged into, else None."""
    new_id = await index.successor_id(old_id)
    if new_id is None:
        return None
    path = moved_path(request.url.path, old_id, new_id)
    if path is None:
        return None
    query = request.url.query
    target = f"{path}?{query}" if query else path
    # A route's own media type (text/calendar) is not one a redirect may carry: say text.
    return Redirect(target, status_code=MOVED_STATUS, media_type=MediaType.TEXT)
