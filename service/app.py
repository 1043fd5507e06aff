"""The Litestar application: routes, dependencies, lifespan and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from service import __version__
from service.api.admin import ADMIN_ROUTES
from service.api.calendar import get_calendar
from service.api.export import search_csv
from service.api.feeds import FEED_ROUTER
from service.api.health import healthz, readyz
from service.api.hsds import hsds_root, hsds_service, hsds_services
from service.api.plan import get_plan
from service.api.reports import document_reports, post_report
from service.api.resources import get_resource
from service.api.search import search
from service.api.vocabularies import list_vocabularies
from service.http.dependencies import search_deps
from service.http.head import answer_head_as_get
from service.http.limits import MAX_BODY_BYTES, RequestLimitsMiddleware
from service.http.openapi import apply_contract
from service.http.partners import load_partners
from service.http.problems import EXCEPTION_HANDLERS
from service.http.rate_limit import ClientRateLimitMiddleware, PartnerQuota
from service.http.security_headers import add_security_headers
from service.logs import configure_logging
from service.places.geocoder import Gazetteer, GazetteerGeocoder
from service.reporting.guards import FormTokens, ReportLimiter
from service.review.auth import ReviewForms
from service.review.pages import REVIEW_ROUTES
from service.schedules.params import Clock, utc_now
from service.search.client import SearchIndex
from service.search.deadline import SearchDeadlineMiddleware
from service.search.freshness import Freshness
from service.search.keys import with_search_key
from service.search.nearby import PlaceCaches
from service.search.query import Limits
from service.search.result_cache import ResultCache
from service.settings import Settings, from_env, meili_admin_key
from service.store.repository import Store
from service.web.embed import EMBED_ROUTES
from service.web.error_pages import with_error_pages
from service.web.listing import LISTING_ROUTES
from service.web.pages import PAGE_ROUTES
from service.web.plan import PLAN_ROUTES
from service.web.report_form import report_page


def _search_index(state: State) -> SearchIndex:
    index: SearchIndex = state.search_index
    return index


def _geocoder(state: State) -> GazetteerGeocoder:
    geocoder: GazetteerGeocoder = state.geocoder
    return geocoder


def _limits(state: State) -> Limits:
    limits: Limits = state.limits
    return limits


def _clock(state: State) -> Clock:
    clock: Clock = state.clock
    return clock


def _result_cache(state: State) -> ResultCache[bytes]:
    cache: ResultCache[bytes] = state.result_cache
    return cache


def _freshness(state: State) -> Freshness:
    freshness: Freshness = state.freshness
    return freshness


def create_app(
    settings: Settings, *, gazetteer: Gazetteer | None = None, clock: Clock | None = None
) -> Litestar:
    """Build the API for these settings; tests pass their own Settings, Gazetteer and clock."""
    configure_logging(settings.log_level)
    geocoder = GazetteerGeocoder(gazetteer or Gazetteer.load())
    partners = load_partners(settings.partners_file)
    limits = Limits(
        default_radius_km=settings.default_radius_km,
        max_radius_km=settings.max_radius_km,
        max_per_page=settings.max_per_page,
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # One pooled client for the life of the process: connections are reused. Each call
        # waits at most what is left of its request's deadline (service/search/deadline.py).
        index = SearchIndex(
            urls=settings.replica_urls,
            api_key=settings.meili_api_key,
            index_name=settings.index_name,
            timeout_s=max(settings.search_timeout_s, settings.export_timeout_s),
        )
        app.state.search_index = index
        app.state.place_caches = PlaceCaches()
        app.state.result_cache = ResultCache[bytes](
            index,
            timeout_s=settings.search_timeout_s,
            max_entries=settings.result_cache_entries,
        )
        store = _store(settings)
        app.state.store = store
        if store is not None:
            await store.start()
        try:
            yield
        finally:
            await index.aclose()
            if store is not None:
                await store.aclose()

    app = Litestar(
        route_handlers=[
            search,
            get_plan,
            get_resource,
            post_report,
            get_calendar,
            list_vocabularies,
            healthz,
            readyz,
            # Outputs other clients consume: Meeting Guide feed, HSDS API, CSV export.
            FEED_ROUTER,
            hsds_root,
            hsds_services,
            hsds_service,
            search_csv,
            # The search page, the shortlist and the partner embed.
            *PAGE_ROUTES,
            *LISTING_ROUTES,
            *PLAN_ROUTES,
            *EMBED_ROUTES,
            report_page,
            # Operator endpoints exist only with an admin token.
            *(ADMIN_ROUTES if settings.admin_token else []),
            # Stewards' review of reports, with a database.
            *(REVIEW_ROUTES if settings.database_url else []),
        ],
        dependencies={
            "search_index": Provide(_search_index, sync_to_thread=False),
            "geocoder": Provide(_geocoder, sync_to_thread=False),
            "limits": Provide(_limits, sync_to_thread=False),
            "clock": Provide(_clock, sync_to_thread=False),
            "freshness": Provide(_freshness, sync_to_thread=False),
            "result_cache": Provide(_result_cache, sync_to_thread=False),
            "search_deps": Provide(search_deps, sync_to_thread=False),
        },
        state=State(
            {
                "geocoder": geocoder,
                "limits": limits,
                "clock": clock or utc_now,
                "freshness": Freshness(stale_after_days=settings.stale_after_days),
                "partners": partners,
                "partner_quota": PartnerQuota(),
                "partners_file": settings.partners_file,
                "admin_token": settings.admin_token,
                "form_tokens": FormTokens(),
                "review_forms": ReviewForms(),
                "report_limiter": ReportLimiter(per_hour=settings.reports_per_hour),
            }
        ),
        lifespan=[lifespan],
        # The deadline for Meilisearch starts as the request arrives; then size limits, then
        # the per-client rate limit. Security headers go on
        # every answer, routed or not, so they are a before_send hook (security_headers.py).
        middleware=[
            SearchDeadlineMiddleware(
                timeout_s=settings.search_timeout_s, export_timeout_s=settings.export_timeout_s
            ),
            RequestLimitsMiddleware(),
            *_client_limit(settings),
        ],
        before_send=[add_security_headers],
        # gzip when the client asks (brotli needs a library the project does not ship). Level
        # 6 keeps nearly all of 9's saving at a fraction of its CPU (figures in the README).
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=COMPRESS_MIN_BYTES,
            gzip_compress_level=6,
            # The feed gzips itself (once per index version, under its own strong ETag).
            exclude=["^/v1/feeds/"],
        ),
        request_max_body_size=MAX_BODY_BYTES,
        # Browsers get a page in their language with the crisis lines (service/web/error_pages.py).
        exception_handlers=with_error_pages(EXCEPTION_HANDLERS),
        # service/logs.py gives our loggers their handler; a root one would print them twice.
        logging_config=LoggingConfig(configure_root_logger=False),
        openapi_config=OpenAPIConfig(
            title="Pathways API",
            version=__version__,
            description="Search peer-support meetings, treatment, housing and outreach services.",
            path="/schema",
            # The bundled UI pages load their scripts from CDNs; serve the JSON only.
            render_plugins=[JsonRenderPlugin()],
        ),
    )
    apply_contract(app.openapi_schema, limits=limits)
    document_reports(app.openapi_schema)
    app.asgi_handler = answer_head_as_get(app.asgi_handler)
    return app


def _store(settings: Settings) -> Store | None:
    if settings.database_url is None:
        return None
    return Store(settings.database_url, timeout_s=settings.database_timeout_s)


# Below about a kilobyte gzip saves little and costs a round of CPU per answer.
COMPRESS_MIN_BYTES = 1024


def _client_limit(settings: Settings) -> list[ClientRateLimitMiddleware]:
    limit = settings.client_rate_limit_per_min
    return [ClientRateLimitMiddleware(limit_per_min=limit)] if limit > 0 else []


def create_app_from_env() -> Litestar:
    """Factory for `uvicorn --factory`: settings from PATHWAYS_* environment variables.

    Without a configured search key, the search-only key is derived from PATHWAYS_MEILI_KEY
    here, and only the derived key goes into the app (service/search/keys.py).
    """
    return create_app(with_search_key(from_env(), meili_admin_key()))
