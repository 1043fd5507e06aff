"""`POST /v1/resources/{id}/reports`: a visitor reports that a listing is wrong.

JSON (`{"problem": "closed", "details": "...", "contact": "..."}`) or a form post from the
listing's report form (which also carries a form token and a honeypot field). The answer is
202: the report waits for a steward. Nothing a reporter wrote is logged.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath

from service.contract.documents import DOCUMENT_ID_RE, SearchHit
from service.errors import (
    BadParameterError,
    PathwaysError,
    ResourceNotFoundError,
    StorageUnavailableError,
)
from service.http.rate_limit import RateLimitedError, client_address
from service.reporting.guards import FormTokens, ReportLimiter
from service.reporting.intake import CSRF_FIELD, read_report
from service.reporting.thanks import thanks_page
from service.schedules.params import Clock
from service.search.client import SearchIndex
from service.store.records import NewReport
from service.store.repository import Store

AnyRequest = Request[Any, Any, Any]
FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")


class ReportReceived(msgspec.Struct, frozen=True, kw_only=True):
    """A report was received and waits for a steward."""

    status: str = "received"
    resource_id: str


class UnsupportedMediaError(PathwaysError):
    """The body is neither JSON nor a form."""

    status_code = 415
    slug = "unsupported-media-type"
    title = "Send JSON or a form"


class FormRefusedError(PathwaysError):
    """A form post without a valid token from our own page."""

    status_code = 403
    slug = "form-token-invalid"
    title = "The form has expired"

    def extensions(self) -> dict[str, Any]:
        return {"parameter": CSRF_FIELD}


def report_area(hit: SearchHit) -> str | None:
    """The state a listing is in, or serves: how stewards split the work."""
    if hit.address is not None and hit.address.state:
        return hit.address.state[:2].upper()
    if hit.service_area is not None and hit.service_area.states:
        return hit.service_area.states[0]
    return None


async def _values(request: AnyRequest) -> tuple[dict[str, Any], bool]:
    """The posted fields, and whether they came from a form."""
    media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media in FORM_TYPES:
        form = await request.form()
        return {k: form.get(k) for k in form}, True
    if media == "application/json" or media.endswith("+json"):
        try:
            body = msgspec.json.decode(await request.body())
        except msgspec.DecodeError:
            raise BadParameterError("body", "the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise BadParameterError("body", "the body must be a JSON object")
        return body, False
    raise UnsupportedMediaError(
        "Send the report as application/json or as a form (application/x-www-form-urlencoded)."
    )


def _check_form(request: AnyRequest, values: dict[str, Any], resource_id: str) -> None:
    # Browsers say where a request comes from; another site's form is refused outright.
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        raise FormRefusedError("Reports can be sent only from this site's own form (form_token).")
    tokens: FormTokens = request.app.state.form_tokens
    token = values.get(CSRF_FIELD)
    if not tokens.valid(token if isinstance(token, str) else None, resource_id):
        raise FormRefusedError(
            "The form has expired (form_token): open the listing again and resend it."
        )


@post(
    "/v1/resources/{resource_id:str}/reports",
    status_code=202,
    summary="Report a problem with a listing",
    tags=["resources"],
)
async def post_report(
    request: AnyRequest,
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    resource_id: FromPath[str],
) -> Response[Any]:
    """Receive a report about a listing; it waits for a steward (202)."""
    limiter: ReportLimiter = request.app.state.report_limiter
    wait_s = limiter.retry_after_s(client_address(request.scope))
    if wait_s is not None:
        raise RateLimitedError(
            f"More than {limiter.per_hour} reports an hour came from your address. "
            f"Try again in {wait_s} seconds.",
            retry_after_s=wait_s,
        )
    values, is_form = await _values(request)
    report = read_report(values)
    if is_form:
        _check_form(request, values, resource_id)
    hit = (
        await search_index.get_document(resource_id) if DOCUMENT_ID_RE.match(resource_id) else None
    )
    if hit is None:
        raise ResourceNotFoundError(f"No resource has the id {resource_id[:100]!r}.")
    store: Store | None = request.app.state.store
    if store is None:
        raise StorageUnavailableError("Reports are not set up on this server.")
    if not report.honeypot_filled:
        # A filled honeypot gets the same answer, so a program learns nothing from it.
        await store.add_report(
            NewReport(
                resource_id=hit.id,
                source=hit.provenance.source,
                area=report_area(hit),
                problem=report.problem,
                details=report.details,
                contact=report.contact,
            ),
            now=clock(),
        )
    if is_form:
        lang = values.get("lang") if values.get("lang") in ("en", "es") else "en"
        return Response(
            thanks_page(lang=str(lang), back_url=f"/r/{hit.id}"),
            status_code=202,
            media_type=MediaType.HTML,
            headers={"Cache-Control": "no-store"},
        )
    return Response(ReportReceived(resource_id=hit.id), status_code=202)
