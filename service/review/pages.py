"""The review pages: `/review` (open reports by source and area, flagged corrections),
`/review/reports/{id}` and `/review/listings/{id}` (the listing as published beside the
report, its corrections, checks and audit), and the POSTs that decide.

Every page needs a steward: a named token, from `pathways-stewards`, sent as
`Authorization: Bearer` or kept in an HttpOnly, SameSite=Strict cookie by /review/login.
Every POST also carries the steward's form token and is refused from another site.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

import jinja2
import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler

from service.contract.documents import DOCUMENT_ID_RE, SearchHit
from service.errors import StorageUnavailableError
from service.http.problems import problem_response
from service.reporting.wording import PROBLEM_LABELS
from service.review.auth import (
    COOKIE,
    COOKIE_MAX_AGE_S,
    COOKIE_PATH,
    CSRF_FIELD,
    AnyRequest,
    ReviewForms,
    cross_site,
    current_steward,
)
from service.review.forward import forward_link
from service.schedules.params import Clock
from service.search.client import SearchIndex
from service.store.fields import (
    CorrectionValueError,
    parse_value,
    read_field,
    schedule_text,
)
from service.store.records import CORRECTION_FIELDS, CorrectionField, Report, Steward
from service.store.repository import ReportNotOpenError, Store
from service.web.i18n import LANGS, Lang, choose_lang, load_strings

TEMPLATES: Final = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    # Reports are written by anyone: every value is escaped.
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
HEADERS: Final = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
# The review's own words, in English and Spanish, as the public pages keep theirs.
STRINGS: Final = load_strings(Path(__file__).resolve().parent / "strings")
MAX_REASON_CHARS: Final = 1000


class ReportGroup(msgspec.Struct, frozen=True, kw_only=True):
    """Open reports of one source and area."""

    source: str
    area: str | None
    reports: list[Report]


class Words(msgspec.Struct, frozen=True, kw_only=True):
    """The steward's language, and whether they chose it (then links and forms keep it)."""

    lang: Lang
    explicit: bool

    def t(self, key: str, **values: object) -> str:
        """The review string `key` in this language."""
        template = STRINGS[self.lang][key]
        return template.format(**values) if values else template

    def url(self, path: str) -> str:
        """`path` with the chosen language kept."""
        if not self.explicit:
            return path
        return f"{path}{'&' if '?' in path else '?'}lang={self.lang}"


def review_words(request: AnyRequest, form: Mapping[str, Any] | None = None) -> Words:
    """?lang= (or a form's `lang`), else Accept-Language."""
    chosen = request.query_params.get("lang") or (form or {}).get("lang")
    lang = choose_lang(chosen, request.headers.get("accept-language"))
    return Words(lang=lang, explicit=chosen in LANGS)


def _page(
    request: AnyRequest,
    template: str,
    *,
    status: int = 200,
    words: Words | None = None,
    **context: Any,
) -> Response[str]:
    context.setdefault("notice", None)
    said = words or review_words(request)
    other: Lang = "es" if said.lang == "en" else "en"
    body = TEMPLATES.get_template(template).render(
        t=said.t,
        u=said.url,
        lang=said.lang,
        keep_lang=said.lang if said.explicit else None,
        other_url=f"{request.url.path}?lang={other}",
        problem_label=lambda code: PROBLEM_LABELS[said.lang].get(code, code),
        **context,
    )
    headers = {**HEADERS, "Content-Language": said.lang, "Vary": "Accept-Language"}
    return Response(body, status_code=status, media_type=MediaType.HTML, headers=headers)


def _store(request: AnyRequest) -> Store:
    store: Store | None = request.app.state.store
    if store is None:
        raise StorageUnavailableError("Reports are not set up on this server.")
    return store


def _forms(request: AnyRequest) -> ReviewForms:
    forms: ReviewForms = request.app.state.review_forms
    return forms


def _refused(request: AnyRequest, detail: str, status: int = 401) -> Response[bytes]:
    return problem_response(
        status=status,
        slug="steward-token-required" if status == 401 else "review-form-refused",
        title="A steward token is required" if status == 401 else "The form was refused",
        detail=detail,
        instance=request.url.path,
        headers={"WWW-Authenticate": 'Bearer realm="pathways-review"'} if status == 401 else None,
    )


async def _posting_steward(
    request: AnyRequest, form: Mapping[str, Any]
) -> Steward | Response[bytes]:
    """The steward behind a review POST, or the refusal to send."""
    steward = await current_steward(request, _store(request))
    if steward is None:
        return _refused(request, "Sign in at /review/login, or send `Authorization: Bearer`.")
    if cross_site(request) or not _forms(request).valid(steward, form.get(CSRF_FIELD)):
        return _refused(request, "The form's csrf token is missing or not yours.", 403)
    return steward


async def _form(request: AnyRequest) -> dict[str, Any]:
    data = await request.form()
    return {k: data.get(k) for k in data}


def _listing_fields(listing: SearchHit) -> list[tuple[str, Any]]:
    fields: list[tuple[str, Any]] = []
    for field in CORRECTION_FIELDS:
        value = read_field(listing, field)
        fields.append((field, schedule_text(value) if field == "schedule" else value))
    return fields


@get("/review/login", include_in_schema=False)
async def login_page(request: AnyRequest) -> Response[str]:
    """The sign-in form."""
    return _page(request, "login.html", steward=None, error=None)


@post("/review/login", include_in_schema=False, status_code=303)
async def login(request: AnyRequest) -> Response[Any]:
    """Check the token; keep it in a cookie only this path and this site send back."""
    form = await _form(request)
    token = form.get("token")
    store = _store(request)
    steward = await store.steward_for_token(token) if isinstance(token, str) else None
    words = review_words(request, form)
    if steward is None or cross_site(request):
        return _page(
            request, "login.html", status=401, words=words, steward=None,
            error=words.t("login_bad"),
        )  # fmt: skip
    response: Response[Any] = Redirect(words.url("/review"), status_code=303)
    response.set_cookie(
        COOKIE, str(token), path=COOKIE_PATH, max_age=COOKIE_MAX_AGE_S, httponly=True,
        samesite="strict", secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


@post("/review/logout", include_in_schema=False, status_code=303)
async def logout() -> Response[Any]:
    """Forget the cookie."""
    response: Response[Any] = Redirect("/review/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@get("/review", include_in_schema=False)
async def queue(request: AnyRequest) -> Response[Any]:
    """Open reports grouped by source and area, and corrections the source has changed."""
    store = _store(request)
    steward = await current_steward(request, store)
    if steward is None:
        return Redirect(review_words(request).url("/review/login"), status_code=303)
    source = request.query_params.get("source") or None
    area = request.query_params.get("area") or None
    counts = await store.open_report_counts()
    groups: dict[tuple[str, str | None], list[Report]] = {}
    for report in await store.open_reports(source=source, area=area):
        groups.setdefault((report.source, report.area), []).append(report)
    return _page(
        request,
        "queue.html",
        steward=steward,
        csrf=_forms(request).token(steward),
        notice=_notice(request),
        counts=sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")),
        sources=sorted({s for s, _ in counts}),
        areas=sorted({a for _, a in counts if a}),
        source=source,
        area=area,
        groups=[ReportGroup(source=s, area=a, reports=r) for (s, a), r in groups.items()],
        flagged=await store.flagged_corrections(),
    )


def _notice(request: AnyRequest) -> str | None:
    done = request.query_params.get("done")
    if done not in {"accept", "reject", "verify", "settle"}:
        return None
    return review_words(request).t(f"done_{done}")


def _done(request: AnyRequest, form: Mapping[str, Any], action: str) -> Response[Any]:
    """Back to the queue, saying what was done, in the steward's language."""
    return Redirect(review_words(request, form).url(f"/review?done={action}"), status_code=303)


async def _listing_page(
    request: AnyRequest,
    search_index: SearchIndex,
    clock: Clock,
    resource_id: str,
    report: Report | None,
    **extra: Any,
) -> Response[Any]:
    store = _store(request)
    steward = await current_steward(request, store)
    if steward is None:
        return Redirect(review_words(request).url("/review/login"), status_code=303)
    known = DOCUMENT_ID_RE.match(resource_id) is not None
    listing = await search_index.get_document(resource_id) if known else None
    return _page(
        request,
        "listing.html",
        steward=steward,
        csrf=_forms(request).token(steward),
        resource_id=resource_id,
        report=report,
        listing=listing,
        fields=_listing_fields(listing) if listing else [],
        correctable=CORRECTION_FIELDS,
        corrections=await store.corrections_for(resource_id),
        verification=await store.latest_verification(resource_id),
        history=await store.audit_for(resource_id),
        forward=forward_link(listing, report) if listing and report else None,
        today=clock().date().isoformat(),
        **extra,
    )


@get("/review/reports/{report_id:str}", include_in_schema=False)
async def report_page(
    request: AnyRequest,
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    report_id: FromPath[str],
) -> Response[Any]:
    """One report beside the listing as published."""
    report = await _store(request).report(report_id[:64])
    if report is None:
        words = review_words(request)
        return _page(request, "login.html", status=404, steward=None, error=words.t("no_report"))
    return await _listing_page(request, search_index, clock, report.resource_id, report)


@get("/review/listings/{resource_id:str}", include_in_schema=False)
async def listing_page(
    request: AnyRequest,
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    resource_id: FromPath[str],
) -> Response[Any]:
    """A listing's corrections, checks and audit, without a report."""
    return await _listing_page(request, search_index, clock, resource_id, None)


@post("/review/reports/{report_id:str}/accept", include_in_schema=False, status_code=303)
async def accept(
    request: AnyRequest,
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    report_id: FromPath[str],
) -> Response[Any]:
    """Accept the report with a field correction."""
    form = await _form(request)
    steward = await _posting_steward(request, form)
    if isinstance(steward, Response):
        return steward
    store = _store(request)
    report = await store.report(report_id[:64])
    field = form.get("field")
    if report is None or report.status != "open":
        return _refused(request, "This report is not open any more.", 409)
    if field not in CORRECTION_FIELDS:
        return _refused(request, f"field must be one of {', '.join(CORRECTION_FIELDS)}", 400)
    chosen: CorrectionField = field
    try:
        value = parse_value(chosen, form)
    except CorrectionValueError as exc:
        return await _listing_page(
            request, search_index, clock, report.resource_id, report, notice=str(exc)
        )
    source_value = await _source_value(store, search_index, report.resource_id, chosen)
    try:
        await store.accept(
            report.id, steward=steward, field=chosen, value=value,
            source_value=source_value, now=clock(),
        )  # fmt: skip
    except ReportNotOpenError:
        return _refused(request, "This report is not open any more.", 409)
    return _done(request, form, "accept")


async def _source_value(
    store: Store, search_index: SearchIndex, resource_id: str, field: CorrectionField
) -> Any:
    """The source's own value: what a correction in force remembered, else as published."""
    for correction in await store.corrections_for(resource_id):
        if correction.field == field:
            return correction.source_value
    listing = await search_index.get_document(resource_id)
    return read_field(listing, field) if listing is not None else None


@post("/review/reports/{report_id:str}/reject", include_in_schema=False, status_code=303)
async def reject(
    request: AnyRequest, clock: NamedDependency[Clock], report_id: FromPath[str]
) -> Response[Any]:
    """Reject the report with a reason."""
    form = await _form(request)
    steward = await _posting_steward(request, form)
    if isinstance(steward, Response):
        return steward
    reason = str(form.get("reason") or "").strip()
    if not reason or len(reason) > MAX_REASON_CHARS:
        return _refused(request, f"reason: 1 to {MAX_REASON_CHARS} characters", 400)
    try:
        await _store(request).reject(report_id[:64], steward=steward, reason=reason, now=clock())
    except ReportNotOpenError:
        return _refused(request, "This report is not open any more.", 409)
    return _done(request, form, "reject")


@post("/review/listings/{resource_id:str}/verify", include_in_schema=False, status_code=303)
async def verify(
    request: AnyRequest, clock: NamedDependency[Clock], resource_id: FromPath[str]
) -> Response[Any]:
    """Record that the steward checked the listing on a day (today or earlier)."""
    form = await _form(request)
    steward = await _posting_steward(request, form)
    if isinstance(steward, Response):
        return steward
    today = clock().date()
    try:
        checked_on = date.fromisoformat(str(form.get("checked_on") or today.isoformat()))
    except ValueError:
        checked_on = None
    if checked_on is None or checked_on > today or not DOCUMENT_ID_RE.match(resource_id):
        return _refused(request, "checked_on: a date (YYYY-MM-DD), today or earlier", 400)
    await _store(request).verify(resource_id, steward=steward, checked_on=checked_on, now=clock())
    return _done(request, form, "verify")


@post("/review/corrections/{correction_id:str}/settle", include_in_schema=False, status_code=303)
async def settle(
    request: AnyRequest, clock: NamedDependency[Clock], correction_id: FromPath[str]
) -> Response[Any]:
    """Keep a flagged correction over the source's new value, or drop it for the source's."""
    form = await _form(request)
    steward = await _posting_steward(request, form)
    if isinstance(steward, Response):
        return steward
    keep = form.get("keep")
    if keep not in ("yes", "no"):
        return _refused(request, "keep: yes or no", 400)
    try:
        await _store(request).settle_flag(
            correction_id[:64], steward=steward, keep=keep == "yes", now=clock()
        )
    except ReportNotOpenError:
        return _refused(request, "This correction is not flagged.", 409)
    return _done(request, form, "settle")


REVIEW_ROUTES: Final[list[ControllerRouterHandler]] = [
    login_page, login, logout, queue, report_page, listing_page, accept, reject, verify, settle,
]  # fmt: skip
