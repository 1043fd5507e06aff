"""The search form as the visitor left it: filter checkboxes, distance, time (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import msgspec

from service.contract.documents import FILTER_FIELDS, WEEKDAYS
from service.http.partners import PartnerPresets
from service.search.query import Limits
from service.values import is_true
from service.web.formatting import radius_text
from service.web.i18n import STRINGS, Lang, text
from service.web.page_query import FILTER_PARAMS, PageQuery

_VOCAB: Final = {f.param: f.vocabulary for f in FILTER_FIELDS}
RADIUS_OPTIONS_KM: Final[tuple[float, ...]] = (5, 10, 25, 50, 100, 250)
# Up to 12 hours: "later tonight" from the afternoon.
STARTS_WITHIN_MIN: Final[tuple[int, ...]] = (30, 60, 120, 180, 360, 720)
# Languages most asked for first; the rest follow in alphabetical order of their labels.
FIRST_LANGUAGES: Final[tuple[str, ...]] = ("en", "es")


class Option(msgspec.Struct, frozen=True, kw_only=True):
    """One checkbox or select option."""

    code: str
    label: str
    checked: bool = False


class FilterGroup(msgspec.Struct, frozen=True, kw_only=True):
    """One filter parameter's checkboxes."""

    param: str
    label: str
    options: list[Option]
    selected: int
    open: bool


class RadiusOption(msgspec.Struct, frozen=True, kw_only=True):
    """One distance the visitor can choose."""

    value: str
    label: str
    selected: bool


class ScheduleForm(msgspec.Struct, frozen=True, kw_only=True):
    """The time filters, for the parameters /v1/search accepts (None: not available)."""

    open: bool
    open_now: bool | None = None
    starts_within: list[Option] | None = None
    days: list[tuple[str, str]] | None = None
    day: str = ""
    time_from: str | None = None
    time_to: str = ""
    include_online: bool | None = None


class FormView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the search form shows."""

    q: str
    near: str
    fixed_near: str | None
    sort: str
    radius_options: list[RadiusOption]
    groups: list[FilterGroup]
    schedule: ScheduleForm | None
    # How many filter values are ticked, and whether the filters start unfolded.
    selected: int = 0
    filters_open: bool = True


def group_label(param: str, lang: Lang) -> str:
    """'Language' for `language`, and so on; a filter without words yet shows its vocabulary."""
    key = f"filter_{param}"
    return text(lang, key) if key in STRINGS[lang] else _VOCAB[param].name.capitalize()


def _options(param: str, lang: Lang, allowed: Sequence[str], chosen: Sequence[str]) -> list[Option]:
    terms = list(_VOCAB[param].terms)
    if param == "language":
        first = {code: index for index, code in enumerate(FIRST_LANGUAGES)}
        terms.sort(key=lambda t: (first.get(t.code, len(first)), getattr(t, lang)))
    return [
        Option(code=t.code, label=getattr(t, lang), checked=t.code in chosen)
        for t in terms
        if not allowed or t.code in allowed
    ]


def _radius_options(
    chosen: str, lang: Lang, limits: Limits, cap_km: float | None
) -> list[RadiusOption]:
    values = [float(v) for v in RADIUS_OPTIONS_KM if v <= (cap_km or limits.max_radius_km)]
    try:
        current = float(chosen) if chosen else (cap_km or limits.default_radius_km)
    except ValueError:
        current = limits.default_radius_km
    if current not in values and 0 < current <= limits.max_radius_km:
        values = sorted({*values, current})
    return [
        RadiusOption(
            value=f"{v:g}",
            label=radius_text(v, lang),
            selected=v == current,
        )
        for v in values
    ]


def span_text(minutes: int, lang: Lang) -> str:
    """'30 minutes', '1 hour', '2 hours'."""
    if minutes % 60:
        return text(lang, "minutes_n", n=minutes)
    return text(lang, "hour_1") if minutes == 60 else text(lang, "hours_n", n=minutes // 60)


def _flag(pq: PageQuery, key: str) -> bool:
    return is_true(pq.first(key))


def _schedule_form(pq: PageQuery, lang: Lang, schedule: Sequence[str]) -> ScheduleForm | None:
    if not schedule:
        return None
    names = text(lang, "days").split()
    chosen = pq.first("starts_within_min")
    spans = [Option(code="", label=text(lang, "any_time"), checked=not chosen)] + [
        Option(code=str(m), label=span_text(m, lang), checked=str(m) == chosen)
        for m in STARTS_WITHIN_MIN
    ]
    when = ("open_now", "starts_within_min", "day", "time_from", "time_to")
    return ScheduleForm(
        open=any(pq.values(p) for p in when),
        open_now=_flag(pq, "open_now") if "open_now" in schedule else None,
        starts_within=spans if "starts_within_min" in schedule else None,
        days=list(zip(WEEKDAYS, names, strict=True)) if "day" in schedule else None,
        day=pq.first("day"),
        time_from=pq.first("time_from") if "time_from" in schedule else None,
        time_to=pq.first("time_to"),
        include_online=_flag(pq, "include_online") if "include_online" in schedule else None,
    )


def form_view(
    pq: PageQuery,
    lang: Lang,
    limits: Limits,
    *,
    presets: PartnerPresets | None = None,
    schedule: Sequence[str] = (),
    params: Sequence[str] = FILTER_PARAMS,
) -> FormView:
    """The form as the visitor left it; with partner presets, only the values they allow."""
    groups = []
    for param in params:
        allowed = presets.codes(param) if presets else ()
        if len(allowed) == 1:
            continue  # fixed by the partner: nothing to choose
        chosen = pq.values(param)
        options = _options(param, lang, allowed, chosen)
        selected = sum(o.checked for o in options)
        groups.append(
            FilterGroup(
                param=param,
                label=group_label(param, lang),
                options=options,
                selected=selected,
                open=bool(selected),
            )
        )
    near = presets.near if presets and presets.near else None
    return FormView(
        q=pq.first("q"),
        near=pq.first("near"),
        fixed_near=near,
        # Empty: the page picks (happening now first for a time ask, else the API's default).
        sort=pq.first("sort"),
        radius_options=_radius_options(
            pq.first("radius_km"), lang, limits, presets.radius_km if presets else None
        ),
        groups=groups,
        schedule=_schedule_form(pq, lang, schedule),
        selected=sum(g.selected for g in groups),
        # Folded: a phone shows the place, the words and Search on its first screen (and
        # the page's script unfolds them beside the results on wide screens).
        filters_open=False,
    )
