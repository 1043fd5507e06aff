"""What the results area says about a search beyond its hits: crisis lines first, what was
understood from the words typed (each reading removable), and labelled alternatives (pure).

Every part is a plain link or text, so it works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from urllib.parse import parse_qsl

import msgspec

from service.search.alternatives import Alternative
from service.search.applying import Understood, q_without
from service.search.crisis import CrisisBlock
from service.search.run import SearchOrigin
from service.web.cards import Card, build_card
from service.web.i18n import Lang, text
from service.web.page_query import PageQuery, build_url


class Link(msgspec.Struct, frozen=True, kw_only=True):
    """A labelled link."""

    label: str
    url: str


class CrisisLineView(msgspec.Struct, frozen=True, kw_only=True):
    """A crisis line with its call and text buttons."""

    name: str
    actions: list[Link]


class CrisisView(msgspec.Struct, frozen=True, kw_only=True):
    """The crisis block shown above the results."""

    message: str
    lines: list[CrisisLineView]


class UnderstoodView(msgspec.Struct, frozen=True, kw_only=True):
    """'Showing shelters near 20001 · tonight', each reading removable, and the exact words."""

    sentence: str
    readings: list[Link]
    literal_url: str
    others: list[Link] = msgspec.field(default_factory=list)


class AlternativeView(msgspec.Struct, frozen=True, kw_only=True):
    """A labelled group of results answering a nearby question."""

    label: str
    cards: list[Card]
    more: Link | None = None


def crisis_view(block: CrisisBlock | None, lang: Lang) -> CrisisView | None:
    """The crisis block in the visitor's language."""
    if block is None or not block.lines:
        return None
    return CrisisView(
        message=block.en if lang == "en" else block.es,
        lines=[
            CrisisLineView(
                name=line.name,
                actions=[
                    Link(label=a.en if lang == "en" else a.es, url=a.url) for a in line.actions
                ],
            )
            for line in block.lines
        ],
    )


def _replaced(pq: PageQuery, key: str, value: str | None) -> list[tuple[str, str]]:
    """The page's pairs with `key` set to `value` (dropped when None or empty)."""
    pairs = [(k, v) for k, v in pq.pairs if k not in {key, "literal"}]
    return [(key, value), *pairs] if value else pairs


def understood_view(
    understood: Understood | None,
    origin: SearchOrigin | None,
    pq: PageQuery,
    lang: Lang,
    *,
    path: str,
    keep: Sequence[tuple[str, str]] = (),
) -> UnderstoodView | None:
    """What was read from the words typed, in the visitor's language, each part a link."""
    if understood is None:
        return None
    q = pq.first("q")
    readings = understood.readings
    labels = [r.en if lang == "en" else r.es for r in readings if r.applied]
    shown = labels[:]
    if origin is not None and not any(r.type == "place" for r in readings):
        shown.append(text(lang, "near_place", place=origin.near))
    sentence = text(lang, "understood_showing", what=" · ".join(shown))
    others = [
        Link(label=place, url=build_url(path, [*_replaced(pq, "near", place), *keep]))
        for place in understood.place_others
    ]
    return UnderstoodView(
        sentence=sentence,
        readings=[
            Link(
                label=r.en if lang == "en" else r.es,
                url=build_url(path, [*_replaced(pq, "q", q_without(q, r.phrase)), *keep]),
            )
            for r in readings
        ],
        literal_url=build_url(path, [*_replaced(pq, "q", q), ("literal", "true"), *keep]),
        others=others,
    )


def alternatives_view(
    groups: Sequence[Alternative],
    lang: Lang,
    *,
    path: str,
    keep: Sequence[tuple[str, str]] = (),
    reported: Collection[str] = (),
) -> list[AlternativeView]:
    """Each alternative group with its label, cards and a link to search it."""
    return [
        AlternativeView(
            label=g.en if lang == "en" else g.es,
            cards=[build_card(hit, lang, reported=hit.id in reported) for hit in g.hits],
            more=Link(
                label=text(lang, "alternatives_more", n=g.total),
                url=build_url(path, [*parse_qsl(g.query), *keep]),
            )
            if g.total > len(g.hits)
            else None,
        )
        for g in groups
    ]
