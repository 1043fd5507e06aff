"""A search hit -> what a person needs to act on it, in their language (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

import msgspec

from service.contract.documents import Checked, Schedule, SearchHit, ServiceArea
from service.contract.short_codes import short_code
from service.contract.vocabulary import (
    ACCESSIBILITY,
    ATTENDANCE,
    COMMUNITIES,
    COSTS,
    KINDS,
    LANGUAGES,
    Vocabulary,
)
from service.search.crisis import text_actions
from service.web.formatting import (
    Phone,
    address_text,
    compact_slots,
    directions_url,
    format_date,
    format_distance,
    format_occurrence,
    phone_link,
    timezone_label,
)
from service.web.i18n import Lang, text

MAX_DESCRIPTION_CHARS: Final = 280


class Card(msgspec.Struct, frozen=True, kw_only=True):
    """One result as the page, the shortlist and the widget show it."""

    id: str
    # The id's short code: what shortlist links and the pick boxes carry.
    code: str
    name: str
    kind: str
    kind_label: str
    organization: str | None = None
    description: str | None = None
    distance: str | None = None
    next_time: str | None = None
    # A meeting in progress or a service open at the time asked about.
    open_now: bool = False
    schedule: list[str] = msgspec.field(default_factory=list)
    timezone: str | None = None
    by_appointment: bool = False
    schedule_notes: str | None = None
    attendance: list[str] = msgspec.field(default_factory=list)
    meeting_url: str | None = None
    meeting_phone: Phone | None = None
    meeting_notes: str | None = None
    address: str | None = None
    address_notes: str | None = None
    approximate: bool = False
    directions_url: str | None = None
    phone: Phone | None = None
    # An `sms:` link for a line that takes texts ("Text HOME to 741741"), and its words.
    text_href: str | None = None
    text_label: str | None = None
    website: str | None = None
    languages: list[str] = msgspec.field(default_factory=list)
    accessibility: list[str] = msgspec.field(default_factory=list)
    communities: list[str] = msgspec.field(default_factory=list)
    costs: list[str] = msgspec.field(default_factory=list)
    eligibility: str | None = None
    serves: str | None = None
    updated: str
    # Flagged when every date of it is older than its refresh period (search/freshness.py).
    stale: bool = False
    # A warning only where a listing is in real doubt: its source says it is closed, a
    # problem was reported and waits for a steward, or it is stale.
    doubt: str | None = None
    source_name: str | None = None
    # "Checked by <organisation> on <date>", from a steward's latest check.
    checked: str | None = None
    # The name plus its first time or its address: tells apart the many listings of one
    # group ("Nuevo Camino" meets five times a week) in link and checkbox names.
    ref: str = ""


def labels(vocabulary: Vocabulary, codes: Sequence[str] | None, lang: Lang) -> list[str]:
    """The labels of known codes, in the vocabulary's order."""
    wanted = set(codes or ())
    return [getattr(term, lang) for term in vocabulary.terms if term.code in wanted]


def label(vocabulary: Vocabulary, code: str, lang: Lang) -> str:
    """The label of one code (the code itself if unknown)."""
    found = labels(vocabulary, [code], lang)
    return found[0] if found else code


def _http_url(value: object) -> str | None:
    # Only web links become hrefs: a feed's `javascript:` or `data:` URL must never be clickable.
    if isinstance(value, str) and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


def _restates_language(note: str | None, codes: Sequence[str]) -> bool:
    """Whether a feed's note only names a language the card already shows ("Spanish-Speaking").

    Such notes are in the feed's own language, so on the other language's page they would
    read untranslated next to the translated "Languages" line.
    """
    if not note:
        return False
    words = re.sub(r"[^a-záéíóúñ]+", " ", note.lower()).split()
    words = [w for w in words if w not in {"speaking", "speakers", "language", "only"}]
    names = {t.en.lower() for t in LANGUAGES.terms if t.code in codes}
    names |= {t.es.lower() for t in LANGUAGES.terms if t.code in codes}
    return bool(words) and " ".join(words) in names


def _shorten(value: object, limit: int = MAX_DESCRIPTION_CHARS) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rsplit(" ", 1)[0] + "…"


def _serves(area: ServiceArea | None, lang: Lang) -> str | None:
    if area is None:
        return None
    if area.nationwide:
        return text(lang, "serves_nationwide")
    return ", ".join(area.states) if area.states else None


def _next_time(hit: SearchHit, lang: Lang) -> str | None:
    # The viewer's copy (with `tz`) reads in their own time.
    viewer = format_occurrence(hit.next_occurrence_viewer, lang)
    if viewer:
        return f"{viewer} ({text(lang, 'your_time')})"
    # In the venue's time: the zone is named under the weekly times that follow.
    return format_occurrence(hit.next_occurrence, lang)


def _latest_update(hit: SearchHit) -> str | None:
    # A listing merged from several sources is as fresh as the most recent of them.
    dates = [p.updated_at[:10] for p in (hit.provenance, *hit.also_from) if p.updated_at]
    return max(dates) if dates else None


def doubt_text(hit: SearchHit, lang: Lang, *, reported: bool) -> str | None:
    """The one warning a listing in real doubt gets, the strongest reason first."""
    if hit.status == "temporarily_closed":
        return text(lang, "doubt_closed")
    if reported:
        return text(lang, "doubt_reported")
    if hit.stale is True:
        return text(lang, "stale")
    return None


def checked_text(checked: Checked, lang: Lang) -> str:
    """'Checked by SEPIA Intergroup on Nov 30, 2026': a steward's latest check."""
    on = format_date(checked.on, lang) or checked.on
    return text(lang, "checked_by", by=checked.by, on=on)


def build_card(hit: SearchHit, lang: Lang, *, reported: bool = False) -> Card:
    """Everything a person needs to act on one hit; `reported`: a report waits on it."""
    contact = hit.contact
    # Helplines only: a meeting's phone is a contact to call, not a line that takes texts.
    texting = text_actions(hit) if hit.kind == "helpline" else []
    address: dict[str, Any] | None = msgspec.to_builtins(hit.address) if hit.address else None
    schedule = hit.schedule or Schedule()
    updated = format_date(_latest_update(hit), lang)
    zone = timezone_label(schedule.timezone, lang)
    times = compact_slots(msgspec.to_builtins(schedule.slots), lang)
    where = address_text(address)
    return Card(
        ref=f"{hit.name}, {times[0]}" if times else f"{hit.name}, {where}" if where else hit.name,
        id=hit.id,
        code=short_code(hit.id),
        name=hit.name,
        kind=hit.kind,
        kind_label=label(KINDS, hit.kind, lang),
        organization=hit.organization,
        description=None
        if _restates_language(hit.description, hit.languages)
        else _shorten(hit.description),
        distance=format_distance(hit.distance_km, lang) if hit.distance_km is not None else None,
        next_time=_next_time(hit, lang),
        open_now=hit.open_now is True,
        schedule=times,
        timezone=zone if schedule.slots else None,
        by_appointment=schedule.by_appointment,
        schedule_notes=_shorten(schedule.notes, 160),
        attendance=labels(ATTENDANCE, hit.attendance, lang),
        meeting_url=_http_url(contact.meeting_url),
        meeting_phone=phone_link(contact.meeting_phone, meeting=True),
        meeting_notes=_shorten(contact.meeting_notes, 200),
        address=where,
        address_notes=_shorten(hit.address.notes if hit.address else None, 160),
        approximate=hit.address.approximate if hit.address else False,
        directions_url=directions_url(address),
        phone=phone_link(contact.phone),
        text_href=texting[0].url if texting else None,
        text_label=(texting[0].es if lang == "es" else texting[0].en) if texting else None,
        website=_http_url(contact.website),
        languages=labels(LANGUAGES, hit.languages, lang),
        accessibility=labels(ACCESSIBILITY, hit.accessibility, lang),
        communities=labels(COMMUNITIES, hit.communities, lang),
        costs=labels(COSTS, hit.costs, lang),
        eligibility=_shorten(hit.eligibility, 200),
        serves=_serves(hit.service_area, lang),
        updated=text(lang, "updated", date=updated) if updated else text(lang, "updated_unknown"),
        stale=hit.stale is True,
        doubt=doubt_text(hit, lang, reported=reported),
        source_name=hit.provenance.source_name,
        checked=checked_text(hit.checked, lang) if hit.checked is not None else None,
    )


def card_as_text(card: Card, lang: Lang) -> str:
    """One card as plain text lines, for pasting into a text message or an email."""
    lines = [f"{card.name} ({card.kind_label})"]
    if card.next_time:
        lines.append(text(lang, "next_time", when=card.next_time))
    lines += card.schedule
    if card.schedule and card.timezone:
        lines[-1] += f" ({card.timezone})"
    if card.by_appointment:
        lines.append(text(lang, "by_appointment"))
    if card.address:
        lines.append(card.address)
    if card.phone:
        lines.append(f"{text(lang, 'call', phone=card.phone.display)}")
    if card.meeting_url:
        lines.append(f"{text(lang, 'join_online')}: {card.meeting_url}")
    if card.meeting_phone:
        dial = f" ({text(lang, 'then_enter', digits=card.meeting_phone.then_dial)})"
        lines.append(
            f"{text(lang, 'join_phone')}: {card.meeting_phone.display}"
            + (dial if card.meeting_phone.then_dial else "")
        )
    if card.website and card.website != card.meeting_url:
        lines.append(f"{text(lang, 'website')}: {card.website}")
    if card.languages:
        lines.append(f"{text(lang, 'languages')}: {', '.join(card.languages)}")
    if card.costs:
        lines.append(f"{text(lang, 'cost')}: {', '.join(card.costs)}")
    return "\n".join(lines)


def shortlist_text(cards: Sequence[Card], lang: Lang, *, link: str) -> str:
    """The whole shortlist as a message: numbered resources, the link, and the crisis lines."""
    blocks = [f"Pathways: {text(lang, 'shortlist_title')}"]
    for number, card in enumerate(cards, start=1):
        body = card_as_text(card, lang).replace("\n", "\n   ")
        blocks.append(f"{number}. {body}")
    blocks.append(f"{text(lang, 'shortlist_link')}: {link}")
    blocks.append(
        f"{text(lang, 'crisis_title')}\n{text(lang, 'crisis_988')}: 988 "
        f"{text(lang, 'crisis_988_es')}".rstrip()
        + f"\n{text(lang, 'crisis_samhsa')}: 1-800-662-4357"
    )
    return "\n\n".join(blocks) + "\n"
