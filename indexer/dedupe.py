"""Merge the records that two sources publish for one resource, keeping both provenances.

The rule. Two records are the same resource when they come from different sources, have the
same kind and the same name once folded (case, accents, punctuation, "&" = "and"), and
- meetings also meet at the same weekly times (day and start of every slot);
- they are at the same place: within 50 m of each other, or at the same street address
  (house number and street, abbreviations folded: "East Main Street" = "E Main St") in the
  same ZIP or city; or, for two records without an address (online meetings), they give the
  same joining link.
Records of one source are never merged with each other: a source's own repeats are its
reader's business (e.g. the CSV readers' duplicate rule).

The merged document keeps the id, provenance and fields of the member with the smallest id
(so the id does not depend on the order of the sources file, and is the same on every run),
fills what that member lacks from the others (schedule, contact...), takes the most precise
address (with a street rather than a city or ZIP only) with its member's point, takes
the union of every vocabulary field and tag, lists the other members' provenance in
`also_from`, and carries the members themselves in `merged_records` (stored, never served)
so that `sync` can refresh one source without re-reading the others.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

import msgspec

from indexer.normalize import unique, with_keywords
from service.contract.documents import (
    MULTI_VALUED_FILTER_ATTRIBUTES,
    Contact,
    IndexDocument,
    IndexedDocument,
)
from service.places.units import distance_m
from service.search.indexed import to_indexed

SAME_PLACE_M: Final = 50.0
_UNION_FIELDS: Final = (*MULTI_VALUED_FILTER_ATTRIBUTES, "tags")
_FILLED_FIELDS: Final = (
    "description", "organization", "eligibility", "service_area", "schedule",
)  # fmt: skip
_STREET_WORDS: Final = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr",
    "boulevard": "blvd", "highway": "hwy", "lane": "ln", "place": "pl", "court": "ct",
    "parkway": "pkwy", "north": "n", "south": "s", "east": "e", "west": "w", "suite": "ste",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
_NON_WORD: Final = re.compile(r"[^a-z0-9]+")
_HOUSE: Final = re.compile(r"^(\d+)")


class StoredDocument(IndexedDocument, frozen=True, kw_only=True):
    """What the indexer writes: an indexed document, plus the records merged into it."""

    # The source records this document was made from (this merge, and a source's records of
    # one meeting consolidated by indexer/consolidate.py), never nested.
    merged_records: tuple[IndexedDocument, ...] = ()
    # Their ids other than this document's, filterable: an old link to one of them redirects
    # here (service/search/client.py, `successor_id`). Like `merged_records`, never served.
    former_ids: tuple[str, ...] = ()


class MergeReport(msgspec.Struct, kw_only=True):
    """How many merged documents were made, and from how many records."""

    groups: int = 0
    records: int = 0
    # One source's records of one meeting made one document (indexer/consolidate.py).
    meeting_groups: int = 0
    meeting_records: int = 0


def fold(text: str) -> str:
    """Case, accents, punctuation and "&" folded away: the form names are compared in."""
    plain = text.casefold().replace("&", " and ")
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", plain).split())


def street_key(street: str | None) -> str | None:
    """House number and street with common words abbreviated; None without a house number."""
    if not street:
        return None
    words = fold(street.split(",")[0]).split()
    if not words or not (match := _HOUSE.match(words[0])):
        return None
    rest = [_STREET_WORDS.get(w, w) for w in words[1:]]
    if "ste" in rest:
        rest = rest[: rest.index("ste")]
    return " ".join([match.group(1), *rest])


def _slots(doc: IndexDocument) -> tuple[tuple[str, str], ...]:
    if doc.kind != "meeting" or doc.schedule is None:
        return ()
    return tuple(sorted({(s.day, s.start) for s in doc.schedule.slots}))


def match_key(doc: IndexDocument) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """Records that may be one resource share this key (kind, folded name, meeting times)."""
    return (doc.kind, fold(doc.name), _slots(doc))


def same_place(a: IndexDocument, b: IndexDocument) -> bool:
    """Within 50 m, or the same street address in the same ZIP or city, or the same link."""
    if a.geo is not None and b.geo is not None:
        if distance_m((a.geo.lat, a.geo.lng), (b.geo.lat, b.geo.lng)) <= SAME_PLACE_M:
            return True
    if a.address is not None and b.address is not None:
        street = street_key(a.address.street)
        if street is None or street != street_key(b.address.street):
            return False
        zips = (a.address.postal_code, b.address.postal_code)
        cities = (fold(a.address.city or ""), fold(b.address.city or ""))
        return (zips[0] is not None and zips[0] == zips[1]) or (
            cities[0] != "" and cities[0] == cities[1]
        )
    if a.address is None and b.address is None and a.geo is None and b.geo is None:
        link = a.contact.meeting_url
        return link is not None and link.rstrip("/") == (b.contact.meeting_url or "").rstrip("/")
    return False


def groups(documents: Sequence[IndexDocument]) -> list[list[int]]:
    """Indexes of the documents that are one resource, groups of two or more, in id order."""
    buckets: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[int]] = defaultdict(list)
    for index, doc in enumerate(documents):
        buckets[match_key(doc)].append(index)
    found: list[list[int]] = []
    for members in buckets.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: documents[i].id)
        found.extend(_cluster(documents, members))
    return sorted(found, key=lambda g: documents[g[0]].id)


def _cluster(documents: Sequence[IndexDocument], members: list[int]) -> list[list[int]]:
    """Greedy clusters in id order: a record joins the first cluster it matches whose
    members are all of other sources, so a cluster never holds two records of one source."""
    clusters: list[list[int]] = []
    for index in members:
        doc = documents[index]
        for cluster in clusters:
            sources = {documents[i].provenance.source for i in cluster}
            if doc.provenance.source not in sources and any(
                same_place(documents[i], doc) for i in cluster
            ):
                cluster.append(index)
                break
        else:
            clusters.append([index])
    return [c for c in clusters if len(c) > 1]


def _contact(members: Sequence[IndexDocument]) -> Contact:
    fields = {
        f: next((v for m in members if (v := getattr(m.contact, f)) is not None), None)
        for f in Contact.__struct_fields__
    }
    return Contact(**fields)


def merge(members: Sequence[IndexedDocument]) -> StoredDocument:
    """One document for records of one resource; see the module docstring for the rule."""
    ordered = sorted(members, key=lambda d: d.id)
    primary = ordered[0]
    values = {f: getattr(primary, f) for f in IndexDocument.__struct_fields__}
    for field in _FILLED_FIELDS:
        values[field] = next((v for m in ordered if (v := getattr(m, field)) is not None), None)
    for field in _UNION_FIELDS:
        values[field] = unique(v for m in ordered for v in getattr(m, field))
    values["contact"] = _contact(ordered)
    # The most precise address (a street over a city or ZIP), with that member's point.
    placed = [m for m in ordered if m.address is not None]
    precise = [m for m in placed if m.address is not None and not m.address.approximate]
    if placed:
        best = (precise or placed)[0]
        values["address"] = best.address
        values["geo"] = best.geo or next((m.geo for m in ordered if m.geo is not None), None)
    values["also_from"] = tuple(m.provenance for m in ordered[1:])
    values["content_hash"] = None
    merged = with_keywords(IndexDocument(**values))
    return stored(to_indexed(merged), merged_records=source_records(ordered))


def source_records(documents: Iterable[IndexedDocument]) -> tuple[IndexedDocument, ...]:
    """The source records the documents were made from: their own members, else themselves."""
    found: list[IndexedDocument] = []
    for doc in documents:
        members = doc.merged_records if isinstance(doc, StoredDocument) else ()
        found.extend(members or (doc,))
    return tuple(found)


def stored(
    doc: IndexDocument, *, merged_records: tuple[IndexedDocument, ...] = ()
) -> StoredDocument:
    """A document with the records merged into it, as the indexer stores it."""
    indexed = doc if isinstance(doc, IndexedDocument) else to_indexed(doc)
    values = {f: getattr(indexed, f) for f in IndexedDocument.__struct_fields__}
    former = tuple(sorted({m.id for m in merged_records} - {indexed.id}))
    return StoredDocument(**values, merged_records=merged_records, former_ids=former)


def dedupe(
    documents: Iterable[IndexedDocument], report: MergeReport | None = None
) -> list[IndexedDocument]:
    """The documents with every group of one resource merged (a StoredDocument each),
    in the order first seen; the others as they were."""
    docs = list(documents)
    merged_at: dict[int, StoredDocument] = {}
    skip: set[int] = set()
    for group in groups(docs):
        merged_at[group[0]] = merge([docs[i] for i in group])
        skip.update(group[1:])
        if report is not None:
            report.groups += 1
            report.records += len(group)
    return [merged_at.get(i) or doc for i, doc in enumerate(docs) if i not in skip]


def with_content_hash(doc: IndexedDocument) -> IndexedDocument:
    """The document with `content_hash` set from everything else it stores."""
    body = msgspec.json.encode(msgspec.structs.replace(doc, content_hash=None))
    return msgspec.structs.replace(doc, content_hash=hashlib.sha256(body).hexdigest()[:32])


def finalize(
    documents: Iterable[IndexedDocument], report: MergeReport | None = None
) -> list[IndexedDocument]:
    """Duplicates merged and content hashes set: the documents exactly as they are stored."""
    return [with_content_hash(doc) for doc in dedupe(documents, report)]
