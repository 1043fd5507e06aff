"""Open Referral HSDS 3, JSON form (as its API returns it) -> documents.

Accepted shapes, so that a file saved from any HSDS API imports:
- a list of services, or a page (`{"contents": [...], "page_number", "last_page", ...}`);
- one service (`/services/{id}`), one organization with its `services`, or one
  `service_at_location` with its `service` and `location`.
A URL source that answers with a page is followed page by page (`?page=N`) to the last one;
give the API's "full" option in the URL if its list pages leave out nested locations.
The mapping of a service is in `mapping.py`; the tabular form is read by `tabular.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx

from indexer.fetch import fetch_url, source_bytes
from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.harness import Kept, Mapped, Record, RecordLoop, at_indexes
from indexer.sources.hsds.mapping import Obj, service_documents
from indexer.sources.json_input import decode_json, json_type
from service.contract.documents import IndexDocument

MAX_PAGES: Final = 10_000


def as_services(item: object) -> list[Obj]:
    """The services an item of a response holds; RecordError when it holds none."""
    if not isinstance(item, dict):
        raise RecordError(f"a service must be an object, got {json_type(item)}")
    if isinstance(item.get("services"), list) and "service_at_locations" not in item:
        organization = {k: v for k, v in item.items() if k not in ("services", "locations")}
        return [
            {"organization": organization, **s} if isinstance(s, dict) else s
            for s in item["services"]
        ]
    if isinstance(item.get("service"), dict) and isinstance(item.get("location"), dict):
        at_location = {k: v for k, v in item.items() if k != "service"}
        return [{**item["service"], "service_at_locations": [at_location]}]
    return [item]


def _items(value: Any, where: str) -> tuple[list[Any], dict[str, Any] | None]:
    """(the items of a response, the page object when it is one)."""
    if isinstance(value, list):
        return value, None
    if isinstance(value, dict) and isinstance(value.get("contents"), list):
        return value["contents"], value
    if isinstance(value, dict):
        return [value], None
    raise SourceLoadError(f"{where}: expected HSDS services (a list, a page or an object)")


def responses(
    source: SourceConfig, root: Path, *, client: httpx.Client | None = None
) -> Iterator[tuple[str, list[Any]]]:
    """(where, items) of every page of the source, following pages of a URL source."""
    where = source.location
    items, page = _items(decode_json(source_bytes(source, root, client=client), where), where)
    yield where, items
    number = int(page.get("page_number") or 1) if page else 1
    while page and source.url and page.get("last_page") is False and number < MAX_PAGES:
        number += 1
        where = str(httpx.URL(source.url).copy_merge_params({"page": number}))
        items, page = _items(decode_json(fetch_url(where, client=client), where), where)
        yield where, items


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load an HSDS JSON source: documents per service, rejections and warnings with places."""
    records = (
        record for where, page in responses(source, root) for record in service_records(where, page)
    )
    return service_loop(source).run(records)


def service_records(where: str, page: list[Any]) -> Iterator[Record[object]]:
    """Every service of a page's items, each named by its item (`where[index]`)."""
    for record in at_indexes(where, page):
        try:
            services: list[object] = list(as_services(record.raw))
        except RecordError:
            services = [record.raw]  # refused again, with its reason, by `service_documents`
        for service in services:
            yield record._replace(raw=service)


def service_loop(source: SourceConfig) -> RecordLoop[object]:
    """The record loop for HSDS services, which refuses a service id given twice."""
    return RecordLoop(source, _service, on_duplicate=_repeated_service)


def _service(service: object, source: SourceConfig) -> Mapped:
    if not isinstance(service, dict):
        raise RecordError(f"a service must be an object, got {json_type(service)}")
    return service_documents(service, source)


def _repeated_service(kept: Kept, doc: IndexDocument, _record: Record[Any]) -> str:
    record_id = doc.provenance.source_record_id
    return f"duplicate service {record_id!r} (first at {kept.record.location})"
