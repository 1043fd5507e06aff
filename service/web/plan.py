"""`/plan`: the support plan page, English and Spanish.

Without JavaScript it is one form that POSTs the answers (so they are never in a URL a proxy
might log) and answers with the plan; with JavaScript, static/plan.js shows one question per
screen on a phone and reopens a plan from a link's fragment (`/plan#who=me&...`), which
browsers never send to the server. Nothing about a visitor is stored.

`/plan?partner=KEY` (the link a partner's embed offers) makes the plan with the partner's
presets: every search of every section is narrowed by them, as the embed's searches are, and
nothing the visitor answers widens them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlencode

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.types import ControllerRouterHandler

from service.contract.documents import FILTER_FIELDS
from service.contract.vocabulary import ACCESSIBILITY, COMMUNITIES, LANGUAGES, Vocabulary
from service.errors import BadParameterError, PathwaysError
from service.http.partners import FILTER_PARAMS, Partner, PartnerRegistry, narrow_radius_km
from service.plan.answers import (
    ATTEND,
    CONCERNS,
    DAYS,
    PAYMENTS,
    PLAN_PARAMS,
    SUPPORTS,
    TIMES,
    WHO,
    PlanAnswers,
    read_answers,
)
from service.plan.assemble import OPEN, PlanResponse, run_plan
from service.plan.calendar import plan_calendar
from service.schedules.params import Clock
from service.search.client import SearchIndex
from service.search.run import SearchDeps
from service.web.cards import labels
from service.web.embedding import partner_scope
from service.web.i18n import Lang
from service.web.page_query import build_url
from service.web.pages import html_response, shortlist_ids, visitor
from service.web.render import render

_STRINGS: Final[dict[str, dict[str, str]]] = json.loads(
    (Path(__file__).resolve().parent / "strings" / "plan.json").read_text(encoding="utf-8")
)
RADIUS_OPTIONS_KM: Final = (5, 10, 25, 50, 100)
# Communities people name when asked who they would feel at ease with.
COMMUNITY_CODES: Final = (
    "women", "men", "lgbtq", "young_people", "veterans", "people_of_colour", "indigenous",
    "seniors", "secular",
)  # fmt: skip
AnyRequest = Request[Any, Any, Any]


class Option(msgspec.Struct, frozen=True, kw_only=True):
    """One answer of a question as the form shows it."""

    value: str
    label: str
    checked: bool


class FormQuestion(msgspec.Struct, frozen=True, kw_only=True):
    """One question of the form: a fieldset of checkboxes or radios, or a select."""

    param: str
    legend: str
    control: str
    options: list[Option]


def plan_text(lang: Lang, key: str, **values: object) -> str:
    """The plan page's string `key` in `lang`."""
    template = _STRINGS[lang][key]
    return template.format(**values) if values else template


def _options(
    vocabulary: Vocabulary, lang: Lang, chosen: Sequence[str], codes: Sequence[str] = ()
) -> list[Option]:
    terms = [t for t in vocabulary.terms if not codes or t.code in codes]
    return [
        Option(value=t.code, label=t.en if lang == "en" else t.es, checked=t.code in chosen)
        for t in terms
    ]


def form_questions(answers: PlanAnswers, lang: Lang) -> list[FormQuestion]:
    """The form's questions in the order the flow asks them, with the given answers ticked."""

    def q(
        param: str,
        vocabulary: Vocabulary,
        control: str,
        chosen: Sequence[str],
        codes: Sequence[str] = (),
    ) -> FormQuestion:
        return FormQuestion(
            param=param,
            legend=plan_text(lang, f"q_{param}"),
            control=control,
            options=_options(vocabulary, lang, chosen, codes),
        )

    one = (answers.who,) if answers.who else ()
    language = (answers.language,) if answers.language else ()
    radius = str(int(answers.radius_km)) if answers.radius_km else ""
    radius_options = [
        Option(value=str(km), label=plan_text(lang, "km", n=km), checked=str(km) == radius)
        for km in RADIUS_OPTIONS_KM
    ]
    return [
        q("who", WHO, "radio", one),
        q("concern", CONCERNS, "checkbox", answers.concern),
        q("support", SUPPORTS, "checkbox", answers.support),
        q("language", LANGUAGES, "select", language),
        q("community", COMMUNITIES, "checkbox", answers.community, COMMUNITY_CODES),
        q("accessibility", ACCESSIBILITY, "checkbox", answers.accessibility),
        q("attend", ATTEND, "checkbox", answers.attend),
        FormQuestion(
            param="radius_km",
            legend=plan_text(lang, "q_radius"),
            control="select",
            options=radius_options,
        ),
        q("time", TIMES, "checkbox", answers.time),
        q("days", DAYS, "checkbox", answers.days),
        q("payment", PAYMENTS, "checkbox", answers.payment),
    ]


MAX_TEXT_CHARS: Final = 900


def calendar_url(plan: PlanResponse) -> str:
    """`/plan.ics?ids=...`: every chosen meeting with weekly times, in one calendar file; the
    link names listings only, never an answer."""
    ids = [
        pick.hit.id
        for section in plan.sections
        for pick in section.picks
        if pick.hit.kind == "meeting" and pick.hit.next_occurrence is not None
    ]
    return build_url("/plan.ics", [("ids", ",".join(ids))]) if ids else ""


def text_message(plan: PlanResponse, lang: Lang) -> str:
    """The plan as a short text message: each pick's name, reasons and phone."""
    lines = [plan_text(lang, "title")]
    for section in plan.sections:
        if not section.picks:
            continue
        lines.append(section.title.get(lang) + ":")
        for pick in section.picks:
            phone = f" {pick.hit.contact.phone}" if pick.hit.contact.phone else ""
            reasons = f" ({pick.reasons.get(lang)})" if pick.reasons.get(lang) else ""
            lines.append(f"- {pick.hit.name}{reasons}{phone}")
    return "\n".join(lines)[:MAX_TEXT_CHARS]


def _given(values: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    return {k: [str(v) for v in values[k]] for k in PLAN_PARAMS if k in values}


def _partner(request: AnyRequest) -> Partner | None:
    """The partner a plan was opened through (`?partner=KEY`); 400 for an unknown key."""
    key = request.query_params.get("partner")
    if not key:
        return None
    registry: PartnerRegistry = request.app.state.partners
    partner = registry.get(key)
    if partner is None:
        raise BadParameterError("partner", "partner: not a known partner key")
    return partner


def with_partner(answers: PlanAnswers, partner: Partner | None) -> PlanAnswers:
    """The answers within the partner's place and radius, when it presets one."""
    if partner is None or partner.presets.near is None:
        return answers
    radius_km = narrow_radius_km(partner.presets, answers.radius_km)
    return msgspec.structs.replace(answers, near=partner.presets.near, radius_km=radius_km)


def partner_note(partner: Partner | None, lang: Lang) -> str:
    """What the partner's presets keep every section to, in words ('' without a partner)."""
    if partner is None:
        return ""
    vocab = {f.param: f.vocabulary for f in FILTER_FIELDS}
    kept = [
        label
        for param in FILTER_PARAMS
        for label in labels(vocab[param], partner.presets.codes(param), lang)
    ]
    if partner.presets.near:
        kept.append(partner.presets.near)
    presets = ", ".join(kept) or plan_text(lang, "partner_no_presets")
    return plan_text(lang, "partner_note", name=partner.name, presets=presets)


async def _page(
    request: AnyRequest, deps: SearchDeps, values: dict[str, list[str]], *, ask: bool
) -> Response[str]:
    who = visitor(request)
    answers = PlanAnswers()
    plan: PlanResponse | None = None
    error: PathwaysError | None = None
    partner: Partner | None = None
    status = 200
    try:
        partner = _partner(request)
        answers = with_partner(read_answers(values), partner)
        if ask:
            scope = partner_scope(partner) if partner else OPEN
            plan = await run_plan(answers, deps, scope=scope)
    except PathwaysError as exc:
        error, status = exc, exc.status_code
    through = [("partner", partner.key)] if partner else []
    fragment = urlencode([(k, v) for k, vs in values.items() for v in vs])
    share = build_url("/plan", through) + "#" + fragment if plan else ""
    other: Lang = "es" if who.lang == "en" else "en"
    body = render(
        "plan.html",
        lang=who.lang,
        frame=False,
        p=lambda key, **v: plan_text(who.lang, key, **v),
        home_url=build_url("/", who.keep),
        switch_url=build_url("/plan", [("lang", other), *through]),
        questions=form_questions(answers, who.lang),
        near=answers.near or "",
        plan=plan,
        error=error,
        error_param=error.parameter if isinstance(error, BadParameterError) else "",
        share_url=str(request.base_url).rstrip("/") + share if share else "",
        calendar_url=calendar_url(plan) if plan else "",
        sms_url="sms:?&body=" + quote(text_message(plan, who.lang)) if plan else "",
        keep=who.keep,
        partner_note=partner_note(partner, who.lang),
        # Only the interface language and the partner travel in the URL; the answers go in
        # the body.
        form_action=build_url("/plan", [*who.keep, *through]),
    )
    return html_response(body, status=status, lang=who.lang)


@get("/plan", include_in_schema=False)
async def plan_page(request: AnyRequest, search_deps: NamedDependency[SearchDeps]) -> Response[str]:
    """The plan form; with answers in the query (a partner's link), the plan too."""
    values = _given({k: request.query_params.getall(k) for k in request.query_params})
    return await _page(request, search_deps, values, ask=bool(values))


@post("/plan", include_in_schema=False, status_code=200)
async def plan_answered(
    request: AnyRequest, search_deps: NamedDependency[SearchDeps]
) -> Response[str]:
    """The plan for the answers the form posted."""
    form = await request.form()
    values = _given({k: form.getall(k) for k in form})
    return await _page(request, search_deps, values, ask=True)


@get("/plan.ics", include_in_schema=False)
async def plan_calendar_file(
    request: AnyRequest, search_index: NamedDependency[SearchIndex], clock: NamedDependency[Clock]
) -> Response[bytes]:
    """Every listed meeting's weekly times in one iCalendar file."""
    ids, _dropped = shortlist_ids(request.query_params.getall("ids", []))
    docs = [d for d in [await search_index.get_document(i) for i in ids] if d is not None]
    return Response(
        content=plan_calendar(docs, clock()).encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="my-support-plan.ics"',
            "Cache-Control": "no-store",
        },
    )


PLAN_ROUTES: Final[list[ControllerRouterHandler]] = [
    plan_page,
    plan_answered,
    plan_calendar_file,
]
