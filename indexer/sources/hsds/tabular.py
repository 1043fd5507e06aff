"""Open Referral HSDS 3, tabular form (a Frictionless data package of CSVs) -> documents.

The source's `path` is the package folder or its `datapackage.json`; a `url` names the
`datapackage.json`, and its resources are fetched relative to it. Table files are found
through the descriptor's resources (by name: `service`, `location`...), else under their
usual names (`services.csv`, `locations.csv`...). Only `services.csv` is required.

Rows are linked by their `*_id` columns and nested as the JSON form nests them, then mapped
by `mapping.py`, so both forms give the same documents. A schedule or phone row goes to the
most specific thing it names (service at location, then location, then service); phones
with a `contact_id` are a person's and are never read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import urljoin

from indexer.fetch import fetch_url, read_file
from indexer.records import SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.csv_rows import parse_rows
from indexer.sources.harness import Record
from indexer.sources.hsds.json_form import service_loop
from indexer.sources.json_input import decode_json

Row = dict[str, Any]
DEFAULT_FILES: Final[dict[str, str]] = {
    "service": "services.csv",
    "organization": "organizations.csv",
    "service_at_location": "service_at_location.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "phone": "phones.csv",
    "schedule": "schedules.csv",
    "language": "languages.csv",
    "service_area": "service_areas.csv",
    "accessibility": "accessibility.csv",
    "attribute": "attributes.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "cost_option": "cost_options.csv",
}


class _Package:
    """Where the tables of a package are, and how to read one."""

    def __init__(self, source: SourceConfig, root: Path) -> None:
        self.source = source
        if source.url is not None:
            self.base = source.url
            descriptor: Any = decode_json(fetch_url(source.url), source.url)
        else:
            assert source.path is not None  # noqa: S101 - SourceConfig guarantees one
            path = root / source.path
            folder = path if path.is_dir() else path.parent
            self.base = str(folder)
            described = folder / "datapackage.json"
            descriptor = (
                decode_json(read_file(described), str(described)) if described.exists() else {}
            )
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        self.files = dict(DEFAULT_FILES)
        for resource in resources if isinstance(resources, list) else ():
            if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                self.files[str(resource.get("name"))] = resource["path"]

    def table(self, name: str, *, required: bool = False) -> list[Row]:
        """A table's rows, each with `_where` ("file:line"); [] for an absent optional table."""
        file = self.files[name]
        if self.source.url is not None:
            where = urljoin(self.base, file)
            try:
                data = fetch_url(where)
            except SourceLoadError:
                if required:
                    raise
                return []
        else:
            path = Path(self.base) / file
            if not path.exists() and not required:
                return []
            where, data = str(path), read_file(path)
        label = file if self.source.url is None else where
        return [{**row, "_where": f"{label}:{line}"} for line, row in parse_rows(data, where)]


def _by(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            grouped[row[key]].append(row)
    return grouped


def _owner(row: Mapping[str, Any]) -> str:
    """The most specific thing a schedule or phone row belongs to."""
    for key in ("service_at_location_id", "location_id", "service_id", "organization_id"):
        if row.get(key):
            return key
    return ""


def _split(rows: list[Row]) -> dict[str, dict[str, list[Row]]]:
    """Rows grouped by owner kind, then owner id."""
    groups: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if not row.get("contact_id"):
            owner = _owner(row)
            groups[owner][row.get(owner, "")].append(row)
    return groups


class _Links:
    """The package's rows grouped by the ids that link them."""

    def __init__(self, tables: Mapping[str, list[Row]]) -> None:
        self.schedules, self.phones = _split(tables["schedule"]), _split(tables["phone"])
        self.languages = _split(tables["language"])
        self.organizations = {r["id"]: r for r in tables["organization"] if r.get("id")}
        self.terms = {r["id"]: r for r in tables["taxonomy_term"] if r.get("id")}
        self.addresses = _by(tables["address"], "location_id")
        self.access = _by(tables["accessibility"], "location_id")
        self.at_locations = _by(tables["service_at_location"], "service_id")
        self.areas = _by(tables["service_area"], "service_id")
        self.costs = _by(tables["cost_option"], "service_id")
        self.attributes = _by(tables["attribute"], "link_id")
        self.locations = {r["id"]: self._location(r) for r in tables["location"] if r.get("id")}

    def _location(self, row: Row) -> Row:
        lid = row["id"]
        return {
            **row,
            "addresses": self.addresses.get(lid, []),
            "accessibility": self.access.get(lid, []),
            "languages": self.languages["location_id"].get(lid, []),
            "phones": self.phones["location_id"].get(lid, []),
            "schedules": self.schedules["location_id"].get(lid, []),
        }

    def _at_location(self, sal: Row) -> Row:
        sal_id = sal.get("id", "")
        return {
            **sal,
            "location": self.locations.get(sal.get("location_id", ""), {}),
            "schedules": self.schedules["service_at_location_id"].get(sal_id, []),
            "phones": self.phones["service_at_location_id"].get(sal_id, []),
        }

    def service(self, row: Row) -> Row:
        """A services.csv row with everything linked to it, nested."""
        sid = row.get("id", "")
        return {
            **row,
            "organization": self.organizations.get(row.get("organization_id", "")),
            "phones": self.phones["service_id"].get(sid, []),
            "schedules": self.schedules["service_id"].get(sid, []),
            "languages": self.languages["service_id"].get(sid, []),
            "service_areas": self.areas.get(sid, []),
            "cost_options": self.costs.get(sid, []),
            "attributes": [
                {**a, "taxonomy_term": self.terms.get(a.get("taxonomy_term_id", ""))}
                for a in self.attributes.get(sid, [])
            ],
            "service_at_locations": [self._at_location(s) for s in self.at_locations.get(sid, [])],
        }


def nest(package: _Package) -> list[Row]:
    """Every service of the package, nested like the JSON form."""
    services = package.table("service", required=True)
    links = _Links({name: package.table(name) for name in DEFAULT_FILES if name != "service"})
    return [links.service(row) for row in services]


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load an HSDS data package: documents per service, problems at their CSV lines."""
    services = nest(_Package(source, root))
    records: Iterator[Record[object]] = (
        Record(location=str(s["_where"]), number=0, raw=s) for s in services
    )
    return service_loop(source).run(records)
