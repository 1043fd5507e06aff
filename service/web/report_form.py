"""The "report a problem" form of a listing: its view (pure) and `/r/{id}/report`, the page
that shows it alone (cards link there; the listing page includes `_report_form.html`)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from service.contract.documents import DOCUMENT_ID_RE, SearchHit
from service.errors import ResourceNotFoundError, StorageUnavailableError
from service.reporting.guards import FormTokens
from service.reporting.wording import WORDS, problem_choices
from service.search.client import SearchIndex
from service.store.repository import Store
from service.web.i18n import Lang
from service.web.pages import html_response, visitor
from service.web.render import render

AnyRequest = Request[Any, Any, Any]


class ReportForm(msgspec.Struct, frozen=True, kw_only=True):
    """What the form shows: its words, choices and token, and the listing's review state."""

    action: str
    token: str
    lang: Lang
    words: dict[str, str]
    choices: list[tuple[str, str]]
    checked: str | None = None
    pending: str | None = None


def report_form(hit: SearchHit, *, lang: Lang, token: str, pending: bool) -> ReportForm:
    """The form for this listing (pure)."""
    words = WORDS[lang]
    checked = hit.checked
    return ReportForm(
        action=f"/v1/resources/{hit.id}/reports",
        token=token,
        lang=lang,
        words=words,
        choices=problem_choices(lang),
        checked=words["checked"].format(by=checked.by, on=checked.on) if checked else None,
        pending=words["pending"] if pending else None,
    )


async def listing_report_form(request: AnyRequest, hit: SearchHit, lang: Lang) -> ReportForm:
    """The form with a fresh token and whether a report already waits (if the store says)."""
    tokens: FormTokens = request.app.state.form_tokens
    store: Store | None = request.app.state.store
    pending = False
    if store is not None:
        try:
            pending = await store.has_open_report(hit.id)
        except StorageUnavailableError:
            pending = False
    return report_form(hit, lang=lang, token=tokens.issue(hit.id), pending=pending)


@get("/r/{resource_id:str}/report", include_in_schema=False)
async def report_page(
    request: AnyRequest, search_index: NamedDependency[SearchIndex], resource_id: FromPath[str]
) -> Response[str]:
    """The report form of one listing, on a page of its own."""
    who = visitor(request)
    hit = (
        await search_index.get_document(resource_id) if DOCUMENT_ID_RE.match(resource_id) else None
    )
    if hit is None:
        raise ResourceNotFoundError(f"No resource has the id {resource_id[:100]!r}.")
    form = await listing_report_form(request, hit, who.lang)
    body = render(
        "report.html",
        lang=who.lang,
        report=form,
        listing=hit,
        home_url="/" + (f"?lang={who.lang}" if who.explicit else ""),
        switch_url=f"/r/{hit.id}/report?lang={'es' if who.lang == 'en' else 'en'}",
    )
    return html_response(body, lang=who.lang)
