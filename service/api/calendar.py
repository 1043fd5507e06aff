"""`GET /v1/resources/{id}.ics` (and `/v1/resources/{id}/calendar.ics`): a weekly calendar.

Litestar matches whole path segments, so `{id}.ics` reaches the `/v1/resources/{id}` handler,
which hands ids ending in `.ics` to `calendar_response` here; the `/calendar.ics` route is
the same calendar under a path a router can match, and the one in the OpenAPI document.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from service.errors import PathwaysError, ResourceNotFoundError
from service.http.moved import moved_to
from service.schedules.ics import calendar_text
from service.schedules.params import Clock
from service.schedules.weekly import is_known_zone, is_timed
from service.search.client import SearchIndex

ICS_SUFFIX: Final = ".ics"
CALENDAR_MEDIA_TYPE: Final = "text/calendar"


class NoWeeklyScheduleError(PathwaysError, LookupError):
    """The resource exists but has no weekly times in a known zone, so no calendar."""

    status_code = 404
    slug = "no-weekly-schedule"
    title = "This resource has no weekly schedule"


async def calendar_response(
    search_index: SearchIndex, resource_id: str, clock: Clock, request: Request[Any, Any, Any]
) -> Response[bytes]:
    """The resource's weekly schedule as `text/calendar`, a 308 from a merged id; else 404."""
    hit = await search_index.get_document(resource_id)
    if hit is None:
        if (moved := await moved_to(search_index, request, resource_id)) is not None:
            return moved
        raise ResourceNotFoundError(f"No resource has the id {resource_id[:100]!r}.")
    schedule = hit.schedule
    if schedule is None or not is_timed(schedule):
        raise NoWeeklyScheduleError(
            f"{resource_id!r} has no weekly times (it may be by appointment), so there is no "
            "calendar for it."
        )
    if schedule.timezone is None or not is_known_zone(schedule.timezone):
        raise NoWeeklyScheduleError(
            f"The time zone of {resource_id!r} is not known, so its times cannot be placed "
            "in a calendar."
        )
    url = hit.contact.website or hit.provenance.source_url
    text = calendar_text(hit, schedule, schedule.timezone, clock(), url=url)
    return Response(
        content=text.encode("utf-8"),
        media_type=f"{CALENDAR_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{resource_id}.ics"'},
    )


@get(
    "/v1/resources/{resource_id:str}/calendar.ics",
    summary="A resource's weekly schedule as an iCalendar file",
    description="Also served at /v1/resources/{resource_id}.ics.",
    tags=["resources"],
    media_type=CALENDAR_MEDIA_TYPE,
)
async def get_calendar(
    request: Request[Any, Any, Any],
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    resource_id: FromPath[str],
) -> Response[bytes]:
    """The weekly calendar of a resource, or a 404 problem."""
    return await calendar_response(search_index, resource_id, clock, request)
