"""How an embed request is admitted (partner key, origin, rate) and searched with presets.

A browser always sends Origin on a cross-origin fetch; the embed API answers only the origins
a partner declared, and its errors carry CORS headers so the widget can read and show them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response

from service.errors import PathwaysError
from service.http.partners import (
    FILTER_PARAMS,
    Partner,
    PartnerRegistry,
    RateLimiter,
    narrow_filters,
    narrow_radius_km,
    origin_allowed,
)
from service.http.problems import problem_response
from service.search.query import validate_codes
from service.web.page_query import page_query
from service.web.searching import (
    app_dependencies,
    empty_result,
    handler_args,
    run_search,
    schedule_params_available,
)

AnyRequest = Request[Any, Any, Any]


class PartnerDeniedError(PathwaysError):
    """An unknown partner key, or a page whose origin the partner did not declare."""

    status_code = 403
    slug = "partner-not-allowed"
    title = "This site may not use Pathways search"


class PartnerRateLimitedError(PathwaysError):
    """A partner's visitors made more requests this minute than its limit."""

    status_code = 429
    slug = "rate-limited"
    title = "Too many searches right now"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


def admit(request: AnyRequest) -> Partner:
    """The partner named by `?partner=`, if this request may use it; else raises."""
    registry: PartnerRegistry = request.app.state.partners
    limiter: RateLimiter = request.app.state.partner_limiter
    key = request.query_params.get("partner", "")
    partner = registry.get(key)
    if partner is None:
        raise PartnerDeniedError(
            f"No partner has the key {key[:64]!r}. Check data-partner (or ?partner=) against "
            "the partners file of this Pathways server."
        )
    origin = request.headers.get("origin")
    # A browser always sends Origin on a cross-origin fetch; without one the request is
    # same-origin (our own iframe page) or not from a browser at all.
    if origin is not None and not origin_allowed(partner, origin):
        raise PartnerDeniedError(
            f"Pages from {origin[:100]} may not use the partner key {key!r}: the partner has "
            "not declared this origin."
        )
    wait_s = limiter.retry_after_s(partner.key, partner.rate_limit_per_min, now_s=time.time())
    if wait_s is not None:
        raise PartnerRateLimitedError(
            f"More than {partner.rate_limit_per_min} searches a minute came through this site. "
            f"Try again in {wait_s} seconds.",
            retry_after_s=wait_s,
        )
    return partner


def cors_headers(request: AnyRequest) -> dict[str, str]:
    """CORS for an admitted request, or for an error the widget must be able to read."""
    origin = request.headers.get("origin")
    headers = {"Vary": "Origin", "Cache-Control": "no-store"}
    if origin and origin != "null":
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Expose-Headers"] = "Retry-After"
    return headers


def problem_for(request: AnyRequest, exc: PathwaysError) -> Response[bytes]:
    """The problem+json answer of an embed request, readable by the widget."""
    headers = cors_headers(request)
    if isinstance(exc, PartnerRateLimitedError):
        headers["Retry-After"] = str(exc.retry_after_s)
    return problem_response(
        status=exc.status_code,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        instance=request.url.path,
        extensions=exc.extensions(),
        headers=headers,
    )


def embed_args(query: Mapping[str, list[str]], partner: Partner) -> dict[str, Any] | None:
    """Handler arguments with the partner's presets applied; None when nothing can match."""
    args = handler_args(query)
    asked = {p: list(validate_codes(p, args.get(p))) for p in FILTER_PARAMS}
    narrowed = narrow_filters(partner.presets, asked)
    if narrowed.impossible:
        return None
    for param in FILTER_PARAMS:
        args.pop(param, None)
    args.update(narrowed.filters)
    if partner.presets.near:
        args["near"] = partner.presets.near
    radius_km = narrow_radius_km(partner.presets, args.get("radius_km"))
    if radius_km is not None:
        args["radius_km"] = radius_km
    args.setdefault("per_page", partner.per_page)
    return args


async def partner_search(request: AnyRequest, partner: Partner) -> dict[str, Any]:
    """Run the visitor's search through the partner's presets."""
    pq = page_query(request.query_params.dict(), schedule=schedule_params_available())
    args = embed_args(pq.as_query(), partner)
    if args is None:
        return empty_result(partner.per_page)
    return await run_search(args, await app_dependencies(request.app))
