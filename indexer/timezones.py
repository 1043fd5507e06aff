"""Every timed schedule gets an IANA zone, and every document its derived schedule fields.

The readers set the record's own zone, else the source's `timezone`. A timed schedule still
without one takes:
1. with a venue (coordinates) in the US, the zone of the nearest gazetteer place; outside
   the US the gazetteer (US only) would guess a neighbour's zone, so none is taken;
2. without a venue (online or phone only), the source's `online_timezone`: the zone the
   publisher states such meetings in (EDA names every one "... 2am Eastern - Online").
A schedule left without a zone keeps its venue-local times, so `day` / `time_from` /
`time_to` still find it, but it has no next occurrence and never matches `open_now` or
`starts_within_min`; the run summary counts these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from indexer.records import SourceConfig
from service.contract.documents import IndexDocument, IndexedDocument
from service.places.geocoder import Gazetteer
from service.schedules.weekly import is_known_zone, is_timed
from service.search.indexed import to_indexed

_US: frozenset[str | None] = frozenset({"US", "USA", None})


@dataclass
class TimezoneReport:
    """How timed schedules got their zone, and which have none."""

    from_coordinates: int = 0
    from_online_default: int = 0
    unknown: list[str] = field(default_factory=list)


def zone_from_coordinates(doc: IndexDocument, gazetteer: Gazetteer) -> str | None:
    """The zone of the nearest US gazetteer place to a US venue; None elsewhere."""
    if doc.geo is None or (doc.address is not None and doc.address.country not in _US):
        return None
    place = gazetteer.nearest_place(doc.geo.lat, doc.geo.lng)
    return place.timezone if place is not None and is_known_zone(place.timezone) else None


def fill_zone(
    doc: IndexDocument, source: SourceConfig, gazetteer: Gazetteer, report: TimezoneReport
) -> IndexDocument:
    """The document with its schedule's zone filled in where the rules above give one."""
    schedule = doc.schedule
    if schedule is None or not is_timed(schedule) or schedule.timezone is not None:
        return doc
    zone = zone_from_coordinates(doc, gazetteer)
    if zone is not None:
        report.from_coordinates += 1
    elif doc.geo is None and is_known_zone(source.online_timezone):
        zone = source.online_timezone
        report.from_online_default += 1
    if zone is None:
        report.unknown.append(doc.id)
        return doc
    return msgspec.structs.replace(doc, schedule=msgspec.structs.replace(schedule, timezone=zone))


def finish_schedule(
    doc: IndexDocument, source: SourceConfig, gazetteer: Gazetteer, report: TimezoneReport
) -> IndexedDocument:
    """Zone filled in, then the derived schedule fields: the last step before publishing."""
    return to_indexed(fill_zone(doc, source, gazetteer, report))
