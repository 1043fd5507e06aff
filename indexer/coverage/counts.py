"""What a person in each state can find: listings by kind, needs, communities and languages.

A listing counts for a state when its address is there, when it serves the state remotely
(`service_area.states`), or when it serves the whole country (`service_area.nationwide`,
counted apart so national helplines do not make every state look covered).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import msgspec

from service.contract.documents import IndexDocument
from service.contract.vocabulary import KINDS, US_STATES


class SourceAge(msgspec.Struct, frozen=True, kw_only=True):
    """One source: how many listings, and the oldest and newest date its records carry."""

    source: str
    name: str
    listings: int
    oldest: str | None
    newest: str | None


class Coverage(msgspec.Struct, frozen=True, kw_only=True):
    """The counts the report is written from."""

    listings: int
    # state -> kind -> listings there or serving it remotely
    by_state: dict[str, dict[str, int]]
    # kind -> listings that serve the whole country, and the needs they meet
    nationwide: dict[str, int]
    nationwide_needs: list[str]
    # need / community code -> states with at least one listing
    need_states: dict[str, list[str]]
    community_states: dict[str, list[str]]
    # language code -> (listings, states)
    languages: dict[str, tuple[int, int]]
    sources: list[SourceAge]


def states_of(doc: IndexDocument) -> set[str]:
    """The states a listing counts for (not the nationwide ones)."""
    states = set(doc.service_area.states) if doc.service_area else set()
    if doc.address is not None and doc.address.state:
        states.add(doc.address.state)
    return states & US_STATES


def _ages(docs: Iterable[IndexDocument]) -> list[SourceAge]:
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    dates: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        for prov in (doc.provenance, *doc.also_from):
            names[prov.source] = prov.source_name
            counts[prov.source] += 1
            if prov.updated_at:
                dates[prov.source].append(prov.updated_at[:10])
    return [
        SourceAge(
            source=source,
            name=names[source],
            listings=counts[source],
            oldest=min(dates[source], default=None),
            newest=max(dates[source], default=None),
        )
        for source in sorted(names)
    ]


def count(documents: Iterable[IndexDocument]) -> Coverage:
    """Coverage of a set of documents (one per listing, duplicates already merged)."""
    docs = list(documents)
    by_state: dict[str, Counter[str]] = {s: Counter() for s in sorted(US_STATES)}
    nationwide: Counter[str] = Counter()
    nationwide_needs: set[str] = set()
    needs: dict[str, set[str]] = defaultdict(set)
    communities: dict[str, set[str]] = defaultdict(set)
    language_docs: Counter[str] = Counter()
    language_states: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        states = states_of(doc)
        if doc.service_area is not None and doc.service_area.nationwide:
            nationwide[doc.kind] += 1
            nationwide_needs.update(doc.needs)
        for state in states:
            by_state[state][doc.kind] += 1
        for code in doc.needs:
            needs[code] |= states
        for code in doc.communities:
            communities[code] |= states
        for code in doc.languages:
            language_docs[code] += 1
            language_states[code] |= states
    return Coverage(
        listings=len(docs),
        by_state={s: {k: c[k] for k in KINDS.ordered_codes() if c[k]} for s, c in by_state.items()},
        nationwide=dict(nationwide),
        nationwide_needs=sorted(nationwide_needs),
        need_states={c: sorted(s) for c, s in needs.items()},
        community_states={c: sorted(s) for c, s in communities.items()},
        languages={c: (n, len(language_states[c])) for c, n in language_docs.most_common()},
        sources=_ages(docs),
    )
