"""A plan, searched: every section's searches through `run_search`, in parallel.

Two rounds at most: every section's first attempt (and the crisis lines) at once; then, for
the sections still short of picks, all their relaxed attempts at once. A section that is
still empty keeps the labelled alternatives `run_search` offers for its last attempt.

Within a round the searches' requests to Meilisearch go together, one multi-search per step
(service/search/batching.py): the first attempts of every section, and the crisis lines, in
the same round trips; the relaxed attempts in the round trips of the second round.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from typing import Final
from urllib.parse import urlencode

import msgspec

from service.contract.documents import SearchHit
from service.plan.answers import PlanAnswers, answer_pairs
from service.plan.choosing import Chosen, choose
from service.plan.reasons import reason_words, relaxed_note
from service.plan.relaxing import PLACE_STEPS, Attempt
from service.plan.requests import search_requests
from service.plan.sections import TITLES, SectionId, SectionSpec, section_specs
from service.plan.wanted import Constraint, broken
from service.plan.words import Words
from service.search.alternatives import Alternative
from service.search.batching import BatchedIndex
from service.search.crisis import CrisisBlock, crisis_lines
from service.search.request import SearchRequest, request_pairs
from service.search.run import SearchDeps, run_search


class Pick(msgspec.Struct, frozen=True, kw_only=True):
    """A chosen listing, why it was chosen, and the stated answers it gives up (labelled)."""

    hit: SearchHit
    reasons: Words
    # The section's stated answers this pick does not honour; each one is in `relaxed`.
    broken: list[Constraint]
    relaxed: list[Constraint]


class Section(msgspec.Struct, frozen=True, kw_only=True):
    """One part of the plan: its picks, what was relaxed to find them, and, when it has no
    pick, labelled alternatives."""

    id: SectionId
    title: Words
    picks: list[Pick]
    # One note per relaxation the picks needed, in the order they were tried.
    relaxed: list[Words]
    # The /v1/search query string of the section's whole first attempt ("see all").
    query: str
    alternatives: list[Alternative] = msgspec.field(default_factory=list)


class PlanResponse(msgspec.Struct, frozen=True, kw_only=True):
    """A support plan: crisis lines first, then its sections in order."""

    crisis: CrisisBlock
    sections: list[Section]
    # The answers as a query string, to ask for this plan again.
    answers: str


Found = list[tuple[Attempt, list[SearchHit]]]
# A search as a partner lets it run (its presets applied), or None when nothing can match.
Narrowing = Callable[[SearchRequest], SearchRequest | None]


class PlanScope(msgspec.Struct, frozen=True, kw_only=True):
    """Limits on every search of a plan: a partner's presets, which nothing may widen."""

    narrow: Narrowing | None = None
    # The parameters the presets fix: no alternative offered to an empty section widens them.
    fixed: frozenset[str] = frozenset()


OPEN: Final = PlanScope()


async def _hits(
    requests: Sequence[SearchRequest],
    deps: SearchDeps,
    *,
    offer_alternatives: bool,
    scope: PlanScope,
) -> tuple[list[SearchHit], list[Alternative]]:
    answers = await asyncio.gather(
        *(
            run_search(r, deps, offer_alternatives=offer_alternatives, fixed=scope.fixed)
            for r in requests
        )
    )
    hits = [hit for answer in answers for hit in answer.hits]
    return hits, [alt for answer in answers[:1] for alt in answer.alternatives]


def _requests(
    spec: SectionSpec, attempt: Attempt, answers: PlanAnswers, scope: PlanScope
) -> list[SearchRequest]:
    found = search_requests(
        attempt.wanted, answers, by_time=spec.by_time, starts_within_min=spec.starts_within_min
    )
    if scope.narrow is None:
        return found
    return [narrowed for r in found if (narrowed := scope.narrow(r)) is not None]


async def _round(
    wanted: Sequence[tuple[SectionSpec, Sequence[Attempt]]],
    answers: PlanAnswers,
    deps: SearchDeps,
    scope: PlanScope,
    *,
    offer_alternatives: bool = False,
) -> list[tuple[Found, list[Alternative]]]:
    """Every attempt of every section at once (with `run_search`'s alternatives if asked)."""
    jobs = [
        _hits(
            _requests(spec, a, answers, scope),
            deps,
            offer_alternatives=offer_alternatives,
            scope=scope,
        )
        for spec, attempts in wanted
        for a in attempts
    ]
    results = iter(await asyncio.gather(*jobs))
    rounds: list[tuple[Found, list[Alternative]]] = []
    for _spec, attempts in wanted:
        found: Found = []
        alternatives: list[Alternative] = []
        for attempt in attempts:
            hits, alternatives = next(results)
            found.append((attempt, hits))
        rounds.append((found, alternatives))
    return rounds


def _section(
    spec: SectionSpec,
    chosen: Sequence[Chosen],
    answers: PlanAnswers,
    alternatives: list[Alternative],
    scope: PlanScope,
) -> Section:
    notes: list[Words] = []
    given_up = {constraint for c in chosen for constraint in broken(c.hit, spec.wanted)}
    last = max((c.relaxed for c in chosen), key=len, default=frozenset())
    # A note per relaxation a pick needed: the step gave up an answer some pick breaks.
    for previous, attempt in itertools.pairwise(spec.attempts):
        gave_up = (attempt.relaxed - previous.relaxed) & given_up
        used = attempt.step in PLACE_STEPS and any(c.step == attempt.step for c in chosen)
        if attempt.step is not None and attempt.relaxed <= last and (gave_up or used):
            notes.append(relaxed_note(attempt.step, previous.wanted, answers))
    picks = [
        Pick(
            hit=c.hit,
            reasons=reason_words(c.hit, spec.wanted),
            broken=sorted(broken(c.hit, spec.wanted)),
            relaxed=sorted(c.relaxed),
        )
        for c in chosen
    ]
    firsts = _requests(spec, spec.attempts[0], answers, scope)
    query = (
        urlencode(request_pairs(msgspec.structs.replace(firsts[0], per_page=None)), safe=",")
        if firsts
        else ""
    )
    return Section(
        id=spec.id,
        title=TITLES[spec.id],
        picks=picks,
        relaxed=notes,
        query=query,
        alternatives=[] if picks else alternatives,
    )


async def run_plan(
    answers: PlanAnswers, deps: SearchDeps, *, scope: PlanScope = OPEN, batched: bool = True
) -> PlanResponse:
    """The plan for these answers: crisis lines, then each section's picks with reasons.

    `scope` narrows every search (a partner's presets); `batched=False` sends each search's
    requests on their own (the bench's baseline).
    """
    if batched:
        deps = msgspec.structs.replace(deps, index=BatchedIndex(deps.index))
    specs = section_specs(answers)
    first, crisis = await asyncio.gather(
        _round([(s, s.attempts[:1]) for s in specs], answers, deps, scope),
        crisis_lines(deps.index, deps.result_cache),
    )
    found = {spec.id: f for spec, (f, _alts) in zip(specs, first, strict=True)}
    alternatives: dict[SectionId, list[Alternative]] = {s.id: [] for s in specs}
    short = [s for s in specs if len(choose(s, found[s.id])) < s.picks and len(s.attempts) > 1]
    if short:
        more = await _round([(s, s.attempts[1:]) for s in short], answers, deps, scope)
        for spec, (extra, _alts) in zip(short, more, strict=True):
            found[spec.id] = found[spec.id] + extra
    taken: set[str] = {line.id for line in crisis.lines}
    chosen: dict[SectionId, list[Chosen]] = {}
    for spec in specs:
        chosen[spec.id] = choose(spec, found[spec.id], taken=taken)
        taken |= {c.hit.id for c in chosen[spec.id]}
    # Nobody is left with nothing: an empty section gets the labelled alternatives of its
    # most relaxed attempt (farther, online, helplines), a third round for those alone.
    empty = [s for s in specs if not chosen[s.id]]
    if empty:
        last = await _round(
            [(s, s.attempts[-1:]) for s in empty], answers, deps, scope, offer_alternatives=True
        )
        for spec, (_found, alts) in zip(empty, last, strict=True):
            alternatives[spec.id] = alts
    sections = [_section(s, chosen[s.id], answers, alternatives[s.id], scope) for s in specs]
    return PlanResponse(crisis=crisis, sections=sections, answers=urlencode(answer_pairs(answers)))
