"""The choosing rules: which hits become a section's picks, and in what order.

- A hit may break a stated answer only when the attempt that found it relaxed that answer.
- Every answer is tried whole first; relaxed attempts only top up what is missing.
- Picks come from different groups (a group's name once), and from different organizations
  (fellowships, providers) while there are enough to choose from.
- Meetings are shown soonest first, by their next start; the others keep the search's order
  (nearest first near a place).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

import msgspec

from service.contract.documents import SearchHit
from service.plan.relaxing import Attempt
from service.plan.sections import SectionSpec
from service.plan.wanted import Constraint, broken


class Chosen(msgspec.Struct, frozen=True, kw_only=True):
    """A pick, with the stated answers it was allowed to give up (none: it honours them all)."""

    hit: SearchHit
    relaxed: frozenset[Constraint] = frozenset()
    step: str | None = None


def group_key(hit: SearchHit) -> str:
    """What makes two listings the same group: the name, without case or punctuation."""
    return "".join(ch for ch in hit.name.casefold() if ch.isalnum())


def soonest_key(chosen: Chosen) -> tuple[bool, str]:
    """Soonest next start first, untimed last (compared in UTC: offsets differ by zone)."""
    occurrence = chosen.hit.next_occurrence
    if occurrence is None:
        return True, ""
    return False, datetime.fromisoformat(occurrence).astimezone(UTC).isoformat()


def choose(
    spec: SectionSpec,
    found: Sequence[tuple[Attempt, Sequence[SearchHit]]],
    *,
    taken: Collection[str] = (),
) -> list[Chosen]:
    """Up to `spec.picks` picks from each attempt's hits in turn; `taken` ids are left out
    (a listing is picked once per plan)."""
    chosen: list[Chosen] = []
    names: set[str] = set()
    ids = set(taken)

    def take(attempt: Attempt, hits: Sequence[SearchHit], *, new_organization: bool) -> None:
        for hit in hits:
            if len(chosen) >= spec.picks:
                return
            if hit.id in ids or group_key(hit) in names:
                continue
            if new_organization and hit.organization in {c.hit.organization for c in chosen}:
                continue
            if not broken(hit, spec.wanted) <= attempt.relaxed:
                continue
            chosen.append(Chosen(hit=hit, relaxed=attempt.relaxed, step=attempt.step))
            ids.add(hit.id)
            names.add(group_key(hit))

    for attempt, hits in found:
        if len(chosen) >= spec.picks:
            break
        ordered = sorted(hits, key=lambda h: soonest_key(Chosen(hit=h))) if spec.by_time else hits
        take(attempt, ordered, new_organization=True)
        take(attempt, ordered, new_organization=False)
    strict = [c for c in chosen if not c.relaxed]
    relaxed = [c for c in chosen if c.relaxed]
    if spec.by_time:
        strict.sort(key=soonest_key)
    return strict + relaxed
