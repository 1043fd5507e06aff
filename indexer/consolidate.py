"""One document per meeting: a source's one-entry-per-day records of a group become one.

Many meeting feeds list a group once per weekly time ("Wyndmoor 12 Noon" seven times, one a
day), which fills a page of results with one group. Within one source, meeting records are
one meeting when they have
- the same folded name (dedupe.fold: case, accents, punctuation, "&" = "and");
- the same place, by the cross-source merge's rule (dedupe.same_place: within 50 m, or the
  same street address in the same ZIP or city), and the same joining link and dial-in (or
  none), so one card never hides a second link; online-only records need a link or a
  dial-in to be one. A dial-in is compared by the number dialled (the meeting id and
  passcode after it vary from day to day in real feeds), a link as `link_key` writes it: a
  Zoom link by its meeting number, whichever Zoom host and password the feed wrote that day;
- the same facts that say who the meeting is for: every vocabulary field (needs, languages,
  communities, accessibility, attendance, costs), the tags that say who may come ("Open",
  "Closed") or whether it is held (the status, "Location Temporarily Closed"), and the
  schedule's zone.
  A group whose types differ by day ("Women" on Tuesday only, closed on Friday) stays one
  document per set of facts, so a filter for women's meetings never offers its other days.
  Formats that rotate by day ("Big Book" on Monday, "Grapevine" on Thursday) do not keep
  a group apart: the document's tags are the union of its members' (a card then lists the
  group's formats, not which day has which).
The consolidated document is the member with the smallest id (so the id is the same on
every run, whatever the feed's order), with the union of the members' weekly slots in
weekday order and of their tags, the first description and notes found in id order, and
the latest `updated_at`. Its members are kept in `merged_records`, which gives `former_ids` (the
members' other ids, filterable, never served): old links to a member redirect there.

This runs per source before the cross-source merge (indexer/dedupe.py), whose rule needs the
same weekly times: two feeds that list one group, one per day and one with every time, then
agree once the first is consolidated; a second feed listing only some of the days no longer
merges with those days (it stays a card of its own).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final
from urllib.parse import urlsplit

import msgspec

from indexer.dedupe import MergeReport, StoredDocument, fold, same_place, stored
from indexer.normalize import unique
from service.contract.documents import (
    MULTI_VALUED_FILTER_ATTRIBUTES,
    WEEKDAYS,
    IndexDocument,
    IndexedDocument,
    Schedule,
    TimeSlot,
)
from service.search.indexed import to_indexed

# Tags (Meeting Guide and BMLT format names) that say who may come or whether it meets.
ADMISSION_TAGS: Final = frozenset({"Open", "Closed", "Location Temporarily Closed"})
GroupKey = tuple[object, ...]
_ZOOM_MEETING: Final = re.compile(r"^/(?:j|w|wc/join)/(\d{9,11})\b")


def link_key(url: str | None) -> str:
    """A joining link as meetings are compared by it: a Zoom link by its meeting number."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    if host == "zoom.us" or host.endswith(".zoom.us"):
        if match := _ZOOM_MEETING.match(parts.path):
            return f"zoom:{match.group(1)}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def _same_place(a: IndexDocument, b: IndexDocument) -> bool:
    """Records of one group key at one place; online-only ones share a link or dial-in."""
    if any(d.address is not None or d.geo is not None for d in (a, b)):
        return same_place(a, b)
    return bool(a.contact.meeting_url or a.contact.meeting_phone)


def group_key(doc: IndexDocument) -> GroupKey | None:
    """What records of one meeting share (place aside); None for records never consolidated."""
    schedule = doc.schedule
    if doc.kind != "meeting" or schedule is None or not schedule.slots:
        return None
    if schedule.by_appointment:
        return None
    facts = tuple(tuple(sorted(getattr(doc, f))) for f in MULTI_VALUED_FILTER_ATTRIBUTES)
    admission = tuple(sorted(t for t in doc.tags if t in ADMISSION_TAGS))
    # The number dialled, without the meeting id and passcode a feed appends ("+1646...,,9019#").
    number = re.split(r"[,;#]", doc.contact.meeting_phone or "", maxsplit=1)[0]
    dial_in = "".join(ch for ch in number if ch.isdigit())
    link = link_key(doc.contact.meeting_url)
    return (fold(doc.name), doc.status, schedule.timezone, link, dial_in, facts, admission)


def slot_order(slot: TimeSlot) -> tuple[int, str, str]:
    """Weekday order, then start, then end: how a consolidated schedule lists its slots."""
    return (WEEKDAYS.index(slot.day), slot.start, slot.end or "")


def union_slots(schedules: Iterable[Schedule]) -> tuple[TimeSlot, ...]:
    """Every distinct weekly start of the schedules, in weekday order.

    Two records of one meeting at the same day and start are one time: a feed that lists it
    twice (once with an end, once without) gives it once, with the end if either says it."""
    by_start: dict[tuple[str, str], TimeSlot] = {}
    for slot in sorted({s for schedule in schedules for s in schedule.slots}, key=slot_order):
        kept = by_start.get((slot.day, slot.start))
        if kept is None or (kept.end is None and slot.end is not None):
            by_start[(slot.day, slot.start)] = slot
    return tuple(sorted(by_start.values(), key=slot_order))


def groups(documents: Sequence[IndexDocument]) -> list[list[int]]:
    """Indexes of the records that are one meeting, groups of two or more, in id order."""
    buckets: dict[GroupKey, list[int]] = defaultdict(list)
    for index, doc in enumerate(documents):
        key = group_key(doc)
        if key is not None:
            buckets[key].append(index)
    found: list[list[int]] = []
    for members in buckets.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: documents[i].id)
        clusters: list[list[int]] = []
        for index in members:
            cluster = next(
                (
                    c
                    for c in clusters
                    if any(_same_place(documents[i], documents[index]) for i in c)
                ),
                None,
            )
            if cluster is None:
                clusters.append([index])
            else:
                cluster.append(index)
        found.extend(c for c in clusters if len(c) > 1)
    return sorted(found, key=lambda g: documents[g[0]].id)


def combine(members: Sequence[IndexedDocument]) -> StoredDocument:
    """One document for the records of one meeting; see the module docstring for the rule."""
    ordered = sorted(members, key=lambda d: d.id)
    primary = ordered[0]
    schedules = [m.schedule for m in ordered if m.schedule is not None]
    schedule = msgspec.structs.replace(
        schedules[0],
        slots=union_slots(schedules),
        notes=next((s.notes for s in schedules if s.notes), None),
    )
    dates = [m.provenance.updated_at for m in ordered if m.provenance.updated_at]
    provenance = msgspec.structs.replace(
        primary.provenance, updated_at=max(dates) if dates else None
    )
    doc = msgspec.structs.replace(
        primary,
        schedule=schedule,
        description=next((m.description for m in ordered if m.description), None),
        tags=unique(t for m in ordered for t in m.tags),
        provenance=provenance,
        content_hash=None,
    )
    return stored(to_indexed(doc), merged_records=tuple(ordered))


def consolidate(
    documents: Iterable[IndexedDocument], report: MergeReport | None = None
) -> list[IndexedDocument]:
    """One source's documents with each meeting's records made one, in the order first seen."""
    docs = list(documents)
    combined_at: dict[int, StoredDocument] = {}
    skip: set[int] = set()
    for group in groups(docs):
        combined_at[group[0]] = combine([docs[i] for i in group])
        skip.update(group[1:])
        if report is not None:
            report.meeting_groups += 1
            report.meeting_records += len(group)
    return [combined_at.get(i) or doc for i, doc in enumerate(docs) if i not in skip]
