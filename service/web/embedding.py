"""How an embed request is admitted (partner key, origin, rate) and searched with presets.

A browser always sends Origin on a cross-origin fetch; the embed API answers only the origins
a partner declared, and its errors carry CORS headers so the widget can read and show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Request, Response

from service.errors import PathwaysError, SearchUnavailableError
from service.http.partners import (
    Partner,
    PartnerRegistry,
    narrow_filters,
    narrow_radius_km,
    origin_allowed,
)
from service.http.problems import problem_response
from service.http.rate_limit import PartnerQuota, client_address, visitor_share
from service.plan.assemble import PlanScope
from service.search.query import validate_codes
from service.search.request import SearchRequest, filter_params, search_request
from service.search.run import SearchDeps, SearchResponse, empty_response, run_search
from service.web.page_query import SCHEDULE_PARAMS, page_query

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
    quota: PartnerQuota = request.app.state.partner_quota
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
    limit = partner.rate_limit_per_min
    over = quota.retry_after_s(partner.key, limit, client_address(request.scope))
    if over is not None:
        wait_s, alone = over
        who = (
            f"More than {visitor_share(limit)} searches a minute came from your address"
            if alone
            else f"More than {limit} searches a minute came"
        )
        raise PartnerRateLimitedError(
            f"{who} through this site. Try again in {wait_s} seconds.", retry_after_s=wait_s
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
    if isinstance(exc, PartnerRateLimitedError | SearchUnavailableError):
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


def embed_request(query: Mapping[str, list[str]], partner: Partner) -> SearchRequest | None:
    """The visitor's search with the partner's presets applied; None when nothing can match."""
    request = search_request(query)
    asked = {p: list(validate_codes(p, request.filters.get(p))) for p in filter_params()}
    narrowed = narrow_filters(partner.presets, asked)
    if narrowed.impossible:
        return None
    return msgspec.structs.replace(
        request,
        filters=narrowed.filters,
        near=partner.presets.near or request.near,
        radius_km=narrow_radius_km(partner.presets, request.radius_km),
        per_page=min(request.per_page or partner.per_page, partner.per_page),
        # Online meetings from the whole state would widen what the partner chose to show.
        include_online=None,
    )


def preset_params(partner: Partner) -> frozenset[str]:
    """The parameters the partner presets: alternatives to a thin answer keep them."""
    presets = partner.presets
    named = {p for p in filter_params() if presets.codes(p)}
    named |= {"near"} if presets.near else set()
    named |= {"radius_km"} if presets.radius_km is not None else set()
    return frozenset(named)


def partner_scope(partner: Partner) -> PlanScope:
    """Every search of a plan opened through the partner, narrowed by its presets."""
    presets = partner.presets

    def narrow(request: SearchRequest) -> SearchRequest | None:
        narrowed = narrow_filters(presets, request.filters)
        if narrowed.impossible:
            return None
        return msgspec.structs.replace(
            request,
            filters=narrowed.filters,
            near=presets.near or request.near,
            radius_km=narrow_radius_km(presets, request.radius_km),
            # Online meetings from the whole state would reach past the partner's place.
            include_online=None if presets.near else request.include_online,
        )

    return PlanScope(narrow=narrow, fixed=preset_params(partner))


async def partner_search(request: AnyRequest, partner: Partner, deps: SearchDeps) -> SearchResponse:
    """Run the visitor's search through the partner's presets."""
    pq = page_query(request.query_params.dict(), schedule=SCHEDULE_PARAMS)
    asked = embed_request(pq.as_query(), partner)
    if asked is None:
        return empty_response(partner.per_page)
    # The widget shows no facet counts: skip their cost.
    return await run_search(
        msgspec.structs.replace(asked, facets="none"), deps, fixed=preset_params(partner)
    )
