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
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Reference,
    RequestBody,
    Schema,
)
from litestar.params import FromPath

from service.contract.documents import DOCUMENT_ID_RE, SearchHit
from service.errors import (
    BadParameterError,
    PathwaysError,
    ResourceNotFoundError,
    StorageUnavailableError,
)
from service.http.problems import PROBLEM_JSON
from service.http.rate_limit import RateLimitedError, client_address
from service.reporting.guards import FormTokens, ReportLimiter
from service.reporting.intake import CSRF_FIELD, HONEYPOT_FIELD, read_report
from service.reporting.thanks import thanks_page
from service.schedules.params import Clock
from service.search.client import SearchIndex
from service.store.records import MAX_CONTACT_CHARS, MAX_DETAILS_CHARS, PROBLEMS, NewReport
from service.store.repository import Store

AnyRequest = Request[Any, Any, Any]
FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")
REPORTS_ROUTE: Final = "/v1/resources/{resource_id:str}/reports"
# The same path as the OpenAPI document writes it.
REPORTS_PATH: Final = REPORTS_ROUTE.replace(":str", "")


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
    REPORTS_ROUTE,
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


PROBLEM: Final = Reference(ref="#/components/schemas/Problem")


def document_reports(openapi: OpenAPI) -> None:
    """The report's body (JSON or form) and its own refusals, in the OpenAPI document."""
    path = openapi.paths.get(REPORTS_PATH) if openapi.paths else None
    operation = path.post if path is not None else None
    if operation is None:
        return
    fields: dict[str, Schema | Reference] = {
        "problem": Schema(type=OpenAPIType.STRING, enum=list(PROBLEMS)),
        "details": Schema(type=OpenAPIType.STRING, max_length=MAX_DETAILS_CHARS),
        "contact": Schema(type=OpenAPIType.STRING, max_length=MAX_CONTACT_CHARS),
    }
    form_fields: dict[str, Schema | Reference] = {
        **fields,
        CSRF_FIELD: Schema(type=OpenAPIType.STRING, description="the token of our own form"),
        HONEYPOT_FIELD: Schema(type=OpenAPIType.STRING, description="left empty by people"),
        "lang": Schema(type=OpenAPIType.STRING, enum=["en", "es"]),
    }
    operation.request_body = RequestBody(
        required=True,
        content={
            "application/json": OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.OBJECT,
                    properties=fields,
                    required=["problem"],
                    additional_properties=False,
                )
            ),
            FORM_TYPES[0]: OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.OBJECT,
                    properties=form_fields,
                    required=["problem", CSRF_FIELD],
                    additional_properties=False,
                )
            ),
        },
    )
    responses = operation.responses or {}
    refusals = {
        "403": "A form post without a valid token from this site's own form",
        "415": "The body is neither JSON nor a form",
        "503": "The reports database (or search, to find the listing) is unavailable",
    }
    for status, description in refusals.items():
        responses[status] = OpenAPIResponse(
            description=description,
            content={
                PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
            },
        )
    operation.responses = responses
