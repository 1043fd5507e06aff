"""Open Referral HSDS 3, JSON form (as its API returns it) -> documents.

Accepted shapes, so that a file saved from any HSDS API imports:
- a list of services, or a page (`{"contents": [...], "page_number", "last_page", ...}`);
- one service (`/services/{id}`), one organization with its `services`, or one
  `service_at_location` with its `service` and `location`.
A URL source that answers with a page is followed page by page (`?page=N`) to the last one;
give the API's "full" option in the URL if its list pages leave out nested locations.
The mapping of a service is in `hsds_map.py`; the tabular form is read by `hsds_tabular.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx

from indexer.fetch import fetch_url, source_bytes
from indexer.records import RecordError, Rejection, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.csv_rows import invalid_reason
from indexer.sources.hsds.mapping import Obj, service_documents
from indexer.sources.json_input import decode_json, json_type

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
    result = SourceLoad(source=source)
    first_at: dict[str, str] = {}
    for where, items in responses(source, root):
        for index, item in enumerate(items):
            add_services(result, item, f"{where}[{index}]", first_at)
    return result


def add_services(result: SourceLoad, item: object, location: str, first_at: dict[str, str]) -> None:
    """Map the services of one item into `result`, reporting problems at `location`."""
    source = result.source
    try:
        services = as_services(item)
    except RecordError as error:
        result.rejections.append(Rejection(source=source.id, location=location, reason=str(error)))
        return
    for service in services:
        try:
            mapped = service_documents(service, source)
            for doc in mapped.documents:
                if reason := invalid_reason(doc):
                    raise RecordError(reason)
        except RecordError as error:
            result.rejections.append(
                Rejection(source=source.id, location=location, reason=str(error))
            )
            continue
        for warning in mapped.warnings:
            result.warnings.append(Rejection(source=source.id, location=location, reason=warning))
        for doc in mapped.documents:
            if doc.id in first_at:
                record_id = doc.provenance.source_record_id
                reason = f"duplicate service {record_id!r} (first at {first_at[doc.id]})"
                result.rejections.append(
                    Rejection(source=source.id, location=location, reason=reason)
                )
                continue
            first_at[doc.id] = location
            result.documents.append(doc)
