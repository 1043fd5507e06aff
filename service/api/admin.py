"""Operator endpoints under `/admin/`: they change configuration or show the process's
counters, so they need a credential.

They exist only when PATHWAYS_ADMIN_TOKEN is set (create_app registers them then), and every
call must send `Authorization: Bearer <token>`, compared in constant time. They never touch
the index: the API holds a search-only key, so re-indexing stays with the indexer CLI,
which holds the master key (docs/security.md says why).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Final

import msgspec
from litestar import Request, Response, get, post
from litestar.types import ControllerRouterHandler

from service.http.partners import PartnerConfigError, PartnerRegistry, load_partners
from service.http.problems import problem_response
from service.search.result_cache import ResultCache

logger = logging.getLogger("pathways.admin")

AnyRequest = Request[Any, Any, Any]
BEARER: Final = "bearer "


class PartnersReloaded(msgspec.Struct, frozen=True, kw_only=True):
    """What the partners file now declares."""

    partners: int
    keys: list[str]


def token_matches(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries exactly this bearer token (constant time)."""
    if not header or not header[: len(BEARER)].lower() == BEARER:
        return False
    offered = header[len(BEARER) :].strip().encode("utf-8", "surrogateescape")
    return hmac.compare_digest(offered, token.encode("utf-8"))


def _refused(request: AnyRequest) -> Response[bytes] | None:
    token: str = request.app.state.admin_token
    header = request.headers.get("authorization")
    if token_matches(header, token):
        return None
    detail = (
        "Send the admin token as `Authorization: Bearer <token>`."
        if not header
        else "The admin token is not valid."
    )
    return problem_response(
        status=401,
        slug="admin-token-required",
        title="An admin token is required",
        detail=detail,
        instance=request.url.path,
        headers={"WWW-Authenticate": 'Bearer realm="pathways-admin"'},
    )


@post("/admin/reload-partners", include_in_schema=False, status_code=200)
async def reload_partners(request: AnyRequest) -> Response[Any]:
    """Read the partners file again and use it from the next request on."""
    refused = _refused(request)
    if refused is not None:
        return refused
    try:
        registry: PartnerRegistry = load_partners(request.app.state.partners_file)
    except PartnerConfigError as exc:
        # The operator asked and is authenticated: say what is wrong with the file.
        return problem_response(
            status=422,
            slug="partners-file-invalid",
            title="The partners file is not valid",
            detail=f"{exc}. The partners in use are unchanged.",
            instance=request.url.path,
        )
    request.app.state.partners = registry
    logger.info("partners reloaded by an admin request: %d partner(s)", len(registry))
    return Response(PartnersReloaded(partners=len(registry), keys=registry.keys))


class ResultCacheStats(msgspec.Struct, frozen=True, kw_only=True):
    """How the search result cache is doing since the process started."""

    max_entries: int
    entries: int
    hits: int
    misses: int
    version_reads: int


class Stats(msgspec.Struct, frozen=True, kw_only=True):
    """Counters for operators and the benchmark; nothing about who searched for what."""

    result_cache: ResultCacheStats


@get("/admin/stats", include_in_schema=False)
async def stats(request: AnyRequest) -> Response[Any]:
    """The process's counters."""
    refused = _refused(request)
    if refused is not None:
        return refused
    cache: ResultCache[Any] = request.app.state.result_cache
    return Response(
        Stats(
            result_cache=ResultCacheStats(
                max_entries=cache.max_entries,
                entries=len(cache),
                hits=cache.hits,
                misses=cache.misses,
                version_reads=cache.version.reads,
            )
        )
    )


ADMIN_ROUTES: Final[list[ControllerRouterHandler]] = [reload_partners, stats]
