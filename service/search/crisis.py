"""Crisis help first: the index's crisis lines, with a call and a text action each.

Asked whenever q reads as a crisis, whatever else the search asks and whatever filters a
partner presets: one small nationwide search (`kind = helpline AND needs = crisis`), kept in
the result cache like any answer.
"""

from __future__ import annotations

from typing import Final, Literal
from urllib.parse import quote

import msgspec

from service.contract.documents import SearchHit
from service.search.client import MeiliSearchResult, SearchIndex
from service.search.query import RETRIEVED_ATTRIBUTES
from service.search.result_cache import ResultCache

MAX_CRISIS_LINES: Final = 3
CRISIS_FILTER: Final = 'kind = "helpline" AND needs = "crisis"'
_CACHE_KEY: Final = b"crisis-lines"
# A line that takes texts says so in its tags ("Call", "Text", "Chat").
_TEXT_TAG: Final = "text"
_US_DIGITS: Final = 10
CRISIS_EN: Final = (
    "If you might hurt yourself or are thinking about suicide, you are not alone: call or "
    "text a crisis line now. It is free, confidential and open 24/7."
)
CRISIS_ES: Final = (
    "Si podría hacerse daño o está pensando en el suicidio, no está solo: llame o envíe un "
    "mensaje de texto a una línea de crisis ahora. Es gratis, confidencial y abierta 24/7."
)
_decoder: Final = msgspec.msgpack.Decoder(MeiliSearchResult)


class CrisisAction(msgspec.Struct, frozen=True, kw_only=True):
    """One way to reach a crisis line now: a `tel:` or `sms:` link, labelled."""

    type: Literal["call", "text"]
    url: str
    en: str
    es: str


class CrisisLine(msgspec.Struct, frozen=True, kw_only=True):
    """A crisis line from the index, with its actions."""

    id: str
    # The hit's own fields, so a client can read a line like any hit.
    kind: str
    name: str
    needs: list[str]
    phone: str | None = None
    description: str | None = None
    actions: list[CrisisAction]


class CrisisBlock(msgspec.Struct, frozen=True, kw_only=True):
    """Crisis lines to show before any result."""

    en: str
    es: str
    lines: list[CrisisLine]


def dial_uri(phone: str) -> str:
    """The digits to dial: `988` stays short, a 10-digit US number gets +1."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) == _US_DIGITS:
        return f"+1{digits}"
    if len(digits) == _US_DIGITS + 1 and digits.startswith("1"):
        return f"+{digits}"
    return digits


def crisis_line(hit: SearchHit) -> CrisisLine | None:
    """A helpline hit as a crisis line, or None when it can be neither called nor texted."""
    actions = [*call_actions(hit), *text_actions(hit)]
    if not actions:
        return None
    return CrisisLine(
        id=hit.id,
        kind=hit.kind,
        name=hit.name,
        needs=list(hit.needs),
        phone=hit.contact.phone,
        description=hit.description,
        actions=actions,
    )


def call_actions(hit: SearchHit) -> list[CrisisAction]:
    """A `tel:` action for a line with a phone number."""
    phone = hit.contact.phone
    if not phone:
        return []
    url = f"tel:{dial_uri(phone)}"
    return [CrisisAction(type="call", url=url, en=f"Call {phone}", es=f"Llamar al {phone}")]


def text_actions(hit: SearchHit) -> list[CrisisAction]:
    """An `sms:` action: the line's own text number and first word, or its phone when its
    tags say it takes texts."""
    contact = hit.contact
    number = contact.text_number
    if number is None and any(tag.casefold() == _TEXT_TAG for tag in hit.tags):
        number = contact.phone
    if not number:
        return []
    url = f"sms:{dial_uri(number)}"
    if contact.text_keyword:
        keyword = contact.text_keyword
        return [
            CrisisAction(
                type="text",
                url=f"{url}?body={quote(keyword)}",
                en=f"Text {keyword} to {number}",
                es=f"Envíe {keyword} al {number}",
            )
        ]
    return [CrisisAction(type="text", url=url, en=f"Text {number}", es=f"Enviar texto al {number}")]


def crisis_block(hits: list[SearchHit]) -> CrisisBlock:
    """The crisis block of these helplines: lines for everyone before lines for a community,
    lines that take texts before call-only ones, then by name."""
    ordered = sorted(
        hits,
        key=lambda h: (
            bool(h.communities),
            not text_actions(h),
            h.name,
        ),
    )
    lines = [line for hit in ordered if (line := crisis_line(hit)) is not None]
    return CrisisBlock(en=CRISIS_EN, es=CRISIS_ES, lines=lines[:MAX_CRISIS_LINES])


# When the index cannot be asked (an error answer, Meilisearch down), these lines still are:
# the national 988 Lifeline (seed_data/pathways/helplines.json has its full record) and
# Crisis Text Line.
FALLBACK_BLOCK: Final = CrisisBlock(
    en=CRISIS_EN,
    es=CRISIS_ES,
    lines=[
        CrisisLine(
            id="pathways-helplines-988-lifeline",
            kind="helpline",
            name="988 Suicide & Crisis Lifeline",
            needs=["crisis", "mental_health", "substance_use"],
            phone="988",
            actions=[
                CrisisAction(type="call", url="tel:988", en="Call 988", es="Llamar al 988"),
                CrisisAction(type="text", url="sms:988", en="Text 988", es="Enviar texto al 988"),
            ],
        ),
        CrisisLine(
            id="pathways-helplines-crisis-text-line",
            kind="helpline",
            name="Crisis Text Line",
            needs=["crisis", "mental_health"],
            actions=[
                CrisisAction(
                    type="text",
                    url="sms:741741?body=HOME",
                    en="Text HOME to 741741",
                    es="Envíe HOME al 741741",
                )
            ],
        ),
    ],
)


async def crisis_lines(index: SearchIndex, cache: ResultCache[bytes]) -> CrisisBlock:
    """The index's crisis lines, nationwide, through the result cache."""

    async def fetch() -> bytes:
        body = {
            "q": "",
            "filter": [CRISIS_FILTER, 'status = "active"'],
            "limit": MAX_CRISIS_LINES * 3,
            "attributesToRetrieve": RETRIEVED_ATTRIBUTES,
        }
        return msgspec.msgpack.encode(await index.search(body))

    result = _decoder.decode(await cache.get(_CACHE_KEY, fetch))
    return crisis_block(result.hits)
