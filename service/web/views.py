"""What the results area shows: counts, removable filters, cards, paging, errors (pure)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Final

import msgspec

from service.contract.documents import FILTER_FIELDS, WEEKDAYS
from service.errors import BadParameterError, PathwaysError, SearchUnavailableError
from service.search.run import SearchResponse
from service.values import is_true, whole_number
from service.web.cards import Card, build_card, label
from service.web.formatting import format_radius, place_text
from service.web.forms import group_label, span_text
from service.web.i18n import Lang, text
from service.web.page_query import PageQuery, build_url
from service.web.readings import (
    AlternativeView,
    CrisisView,
    UnderstoodView,
    alternatives_view,
    crisis_view,
    understood_view,
)

_VOCAB: Final = {f.param: f.vocabulary for f in FILTER_FIELDS}


class ActiveFilter(msgspec.Struct, frozen=True, kw_only=True):
    """A filter in force, and the URL without it."""

    label: str
    remove_url: str


def _active_label(key: str, value: str, lang: Lang) -> str | None:
    if key in _VOCAB:
        return f"{group_label(key, lang)}: {label(_VOCAB[key], value, lang)}"
    if key == "q":
        return f"“{value}”"
    if key in {"open_now", "include_online"}:
        return text(lang, key) if is_true(value) else None
    if key == "starts_within_min" and (minutes := whole_number(value)) is not None:
        return text(lang, "starts_within_chip", span=span_text(minutes, lang))
    if key == "day" and value in WEEKDAYS:
        return text(lang, "days").split()[WEEKDAYS.index(value)]
    if key in {"time_from", "time_to"}:
        return f"{text(lang, key)} {value}"
    return None


def active_filters(
    pq: PageQuery, lang: Lang, path: str, keep: Sequence[tuple[str, str]]
) -> list[ActiveFilter]:
    """One removable chip per filter value (and the text query)."""
    chips = []
    for index, (key, value) in enumerate(pq.pairs):
        shown = _active_label(key, value, lang)
        if shown is None:
            continue
        rest = [p for i, p in enumerate(pq.pairs) if i != index]
        chips.append(ActiveFilter(label=shown, remove_url=build_url(path, [*rest, *keep])))
    return chips


def clear_url(pq: PageQuery, path: str, keep: Sequence[tuple[str, str]]) -> str:
    """The search with its place, distance and order but no filters or text."""
    kept = [(k, v) for k, v in pq.pairs if k in {"near", "radius_km", "sort"}]
    return build_url(path, [*kept, *keep])


class ErrorView(msgspec.Struct, frozen=True, kw_only=True):
    """A problem told in plain words, with what to try next."""

    status: int
    title: str
    message: str
    suggestions: list[str] = msgspec.field(default_factory=list)


def _param_label(param: str, lang: Lang) -> str:
    if param in _VOCAB:
        return group_label(param, lang)
    keys = {
        "q": "q_label",
        "radius_km": "radius_label",
        "sort": "sort_label",
        "day": "day_label",
        "time_from": "time_from",
        "time_to": "time_to",
        "open_now": "open_now",
        "starts_within_min": "starts_within",
        "include_online": "include_online",
        "page": "page_label",
    }
    return text(lang, keys[param]) if param in keys else param


def error_view(exc: PathwaysError, lang: Lang, *, near: str = "") -> ErrorView:
    """The page's message for an API error: 400, 422 and 503 in plain words."""
    place_tips = [text(lang, k) for k in ("suggest_zip", "suggest_city", "suggest_spelling")]
    parameter = getattr(exc, "parameter", None)
    if exc.status_code == 422 or (isinstance(exc, BadParameterError) and parameter == "near"):
        return ErrorView(
            status=exc.status_code,
            title=text(lang, "error_title_place"),
            message=text(lang, "error_place", place=near),
            suggestions=place_tips,
        )
    if isinstance(exc, BadParameterError):
        return ErrorView(
            status=400,
            title=text(lang, "error_title_bad"),
            message=text(lang, "error_bad", label=_param_label(parameter or "", lang)),
        )
    if isinstance(exc, SearchUnavailableError):
        return ErrorView(
            status=503,
            title=text(lang, "error_title_unavailable"),
            message=text(lang, "error_unavailable"),
        )
    return ErrorView(
        status=exc.status_code,
        title=text(lang, "error_title_generic"),
        message=text(lang, "error_generic"),
    )


class ResultsView(msgspec.Struct, frozen=True, kw_only=True):
    """The results area: a heading, removable filters, cards and paging, or an error."""

    state: str
    status_text: str = ""
    title: str = ""
    heading: str = ""
    subheading: str | None = None
    cards: list[Card] = msgspec.field(default_factory=list)
    active: list[ActiveFilter] = msgspec.field(default_factory=list)
    clear_url: str | None = None
    page: int = 1
    page_text: str | None = None
    first_number: int = 1
    prev_url: str | None = None
    next_url: str | None = None
    error: ErrorView | None = None
    crisis: CrisisView | None = None
    understood: UnderstoodView | None = None
    alternatives: list[AlternativeView] = msgspec.field(default_factory=list)
    # The folded form's one line: "Housing near 20001 · 2 filters".
    summary: str = ""
    # Said when the order is not the obvious one (happening now, then soonest).
    order_text: str | None = None


def search_summary(pq: PageQuery, lang: Lang) -> str:
    """What was asked, in one line: the words or the kinds of help, the place, more filters."""
    q = pq.first("q")
    kinds = [label(_VOCAB["kind"], k, lang) for k in pq.values("kind")]
    what = f"“{q}”" if q else ", ".join(kinds) or text(lang, "summary_all")
    near = pq.first("near")
    parts = [f"{what} {place_text(near, lang)}" if near else what]
    if q and kinds:
        parts.append(", ".join(kinds))
    others = sum(
        1
        for k, _v in pq.pairs
        if k not in {"q", "near", "kind", "radius_km", "sort", "literal", "at", "tz"}
    )
    if others:
        key = "summary_filters_1" if others == 1 else "summary_filters_n"
        parts.append(text(lang, key, n=others))
    return " · ".join(parts)


def count_text(total: int, lang: Lang) -> str:
    """'No results', '1 result', '23 results'."""
    if total == 0:
        return text(lang, "count_0")
    return text(lang, "count_1") if total == 1 else text(lang, "count_n", n=total)


def results_view(
    result: SearchResponse,
    pq: PageQuery,
    lang: Lang,
    *,
    path: str,
    keep: Sequence[tuple[str, str]] = (),
    removable: bool = True,
    link_path: str | None = None,
    reported: Collection[str] = (),
) -> ResultsView:
    """Cards, counts, chips and paging of one answer of /v1/search.

    `link_path` is where the links of readings and alternatives lead (default `path`);
    `reported` holds the ids of listings with a report waiting for a steward.
    """
    total, page = result.total, result.page
    pages, per_page = result.total_pages, result.per_page
    origin = result.origin
    where = None
    if origin is not None:
        where = f"{place_text(origin.near, lang)}, {format_radius(origin.radius_km, lang)}"
    heading = count_text(total, lang)
    page_text = text(lang, "page_of", page=page, pages=pages) if pages > 1 else None
    status = ". ".join(s for s in (f"{heading} {where or ''}".strip(), page_text) if s) + "."
    base = [*pq.pairs, ("per_page", pq.per_page)] if pq.per_page else list(pq.pairs)

    def page_url(number: int) -> str:
        return build_url(path, [*base, ("page", str(number)), *keep])

    return ResultsView(
        state="ok",
        status_text=status,
        title=heading,
        heading=heading,
        subheading=where,
        summary=search_summary(pq, lang),
        order_text=text(lang, "order_soonest") if result.sort == "soonest" else None,
        cards=[build_card(hit, lang, reported=hit.id in reported) for hit in result.hits],
        active=active_filters(pq, lang, path, keep) if removable else [],
        clear_url=clear_url(pq, path, keep)
        if removable and any(k not in {"near", "radius_km", "sort"} for k, _ in pq.pairs)
        else None,
        page=page,
        page_text=page_text,
        first_number=(page - 1) * per_page + 1,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < pages else None,
        crisis=crisis_view(result.crisis, lang),
        understood=understood_view(
            result.understood, origin, pq, lang, path=link_path or path, keep=keep
        ),
        alternatives=alternatives_view(
            result.alternatives, lang, path=link_path or path, keep=keep, reported=reported
        ),
    )


def idle_view(lang: Lang) -> ResultsView:
    """Before any search: only the form and a line of help."""
    return ResultsView(state="idle", status_text="", title=text(lang, "results"))


def failed_view(error: ErrorView, summary: str = "") -> ResultsView:
    """An error instead of results; the crisis lines stay on the page around it."""
    return ResultsView(
        state="error",
        status_text=f"{error.title}. {error.message}",
        title=error.title,
        error=error,
        summary=summary,
    )
