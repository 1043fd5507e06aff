"""What the page of one listing shows: everything known, when it is next on, how to get
there, add it to a calendar or share it, other meetings at the same place, and where the
listing comes from (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final
from urllib.parse import quote

import msgspec

from service.contract.documents import Provenance, Schedule, SearchHit
from service.schedules.weekly import in_progress, next_occurrence
from service.web.cards import Card, build_card
from service.web.formatting import DASH, format_month, format_occurrence, format_slots
from service.web.i18n import Lang, text

OSM_BASE: Final = "https://www.openstreetmap.org/"
# Every weekly time of one listing fits its page (a card shows the first few).
MAX_LISTING_LINES: Final = 21
SMS_NAME_CHARS: Final = 60


class SourceLine(msgspec.Struct, frozen=True, kw_only=True):
    """'Listed by SEPIA Intergroup, updated Sep 2020', with the source's own page if known."""

    text: str
    url: str | None = None
    licence: str | None = None


class SamePlace(msgspec.Struct, frozen=True, kw_only=True):
    """Another listing at the same point, with its first weekly time."""

    name: str
    when: str | None
    url: str


class ListingView(msgspec.Struct, frozen=True, kw_only=True):
    """The page of one listing."""

    card: Card
    description: str | None
    schedule: list[str]
    # The next start, as an ISO instant (the page's script shows it in the viewer's zone)
    # and in the venue's time.
    next_iso: str | None
    next_text: str | None
    open_now: bool
    calendar_url: str | None
    geo_url: str | None
    map_url: str | None
    page_url: str
    sms_url: str
    share_text: str
    same_place: list[SamePlace]
    sources: list[SourceLine]
    # Where the report-a-problem link goes once it exists; None shows nothing.
    report_url: str | None = None


def listing_path(resource_id: str) -> str:
    """`/r/{id}`: the page of one listing."""
    return f"/r/{resource_id}"


def geo_url(hit: SearchHit) -> str | None:
    """A `geo:` link for the phone's own maps app; none for approximate places."""
    if hit.geo is None or (hit.address is not None and hit.address.approximate):
        return None
    lat, lng = hit.geo.lat, hit.geo.lng
    label = quote(hit.name, safe="")
    return f"geo:{lat:.6f},{lng:.6f}?q={lat:.6f},{lng:.6f}({label})"


def map_url(hit: SearchHit) -> str | None:
    """A plain link to the point on a map site (a link only: the page loads nothing)."""
    if hit.geo is None or (hit.address is not None and hit.address.approximate):
        return None
    lat, lng = hit.geo.lat, hit.geo.lng
    return f"{OSM_BASE}?mlat={lat:.6f}&mlon={lng:.6f}#map=17/{lat:.5f}/{lng:.5f}"


def source_lines(provenances: Sequence[Provenance], lang: Lang) -> list[SourceLine]:
    """One line per source that lists it, newest-dated first."""
    ordered = sorted(provenances, key=lambda p: p.updated_at or "", reverse=True)
    lines = []
    for p in ordered:
        month = format_month(p.updated_at, lang)
        words = (
            text(lang, "listed_by_updated", name=p.source_name, date=month)
            if month
            else text(lang, "listed_by", name=p.source_name)
        )
        url = p.source_url if (p.source_url or "").startswith(("https://", "http://")) else None
        lines.append(SourceLine(text=words, url=url, licence=p.licence))
    return lines


def share_message(card: Card, next_text: str | None, page_url: str) -> str:
    """A short text to send: the name, when it is next on, and the link."""
    name = card.name if len(card.name) <= SMS_NAME_CHARS else card.name[: SMS_NAME_CHARS - 1] + "…"
    parts = [name, next_text, page_url]
    return f" {DASH} ".join(p for p in parts if p)


def same_place_view(hits: Sequence[SearchHit], own_id: str, lang: Lang) -> list[SamePlace]:
    """The other listings at the point, the page's own left out."""
    out = []
    for hit in hits:
        if hit.id == own_id:
            continue
        slots = msgspec.to_builtins((hit.schedule or Schedule()).slots)
        times = format_slots(slots, lang)
        out.append(
            SamePlace(name=hit.name, when=times[0] if times else None, url=listing_path(hit.id))
        )
    return out


def listing_view(
    hit: SearchHit,
    lang: Lang,
    *,
    now: datetime,
    base_url: str,
    same_place: Sequence[SearchHit] = (),
    reported: bool = False,
) -> ListingView:
    """Everything the page of one listing shows, at `now`; `reported`: a report waits on it."""
    schedule = hit.schedule or Schedule()
    when = next_occurrence(schedule, now)
    next_iso = when.isoformat() if when else None
    hit = msgspec.structs.replace(hit, next_occurrence=next_iso)
    card = build_card(hit, lang, reported=reported)
    next_text = format_occurrence(next_iso, lang)
    page_url = base_url.rstrip("/") + listing_path(hit.id)
    message = share_message(card, next_text, page_url)
    slots = msgspec.to_builtins(schedule.slots)
    return ListingView(
        card=card,
        description=" ".join(hit.description.split())
        if hit.description and card.description
        else None,
        schedule=format_slots(slots, lang, max_lines=MAX_LISTING_LINES),
        next_iso=next_iso,
        next_text=next_text,
        open_now=in_progress(schedule, now) is True,
        calendar_url=f"/v1/resources/{hit.id}.ics" if schedule.slots else None,
        geo_url=geo_url(hit),
        map_url=map_url(hit),
        page_url=page_url,
        # `sms:?&body=` is the form both Android and iOS read.
        sms_url="sms:?&body=" + quote(message, safe=""),
        share_text=message,
        same_place=same_place_view(same_place, hit.id, lang),
        sources=source_lines([hit.provenance, *hit.also_from], lang),
    )
