"""The geocoder chain: the offline gazetteer (real), then a web geocoder (replaced by a fake
that counts its calls, the only thing these tests replace) behind a rate limiter and a
persistent cache."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest
from geopy.exc import GeocoderUnavailable
from geopy.location import Location

from indexer.counties import CountyIndex
from indexer.geocode import GeocoderChain, GeocodeReport, OfflineGeocoder, geocode_documents
from indexer.geocode_web import CachedWebGeocoder, GeocodeCache, web_geocoder
from indexer.records import SourcesFile
from indexer.sources.meeting_guide import feed as meeting_guide
from service.contract.documents import Address, IndexDocument
from service.places.geocoder import Gazetteer

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SOURCES = {
    s.id: s
    for s in msgspec.convert(
        tomllib.loads((SEED / "sources.toml").read_text(encoding="utf-8")), SourcesFile
    ).source
}
EDMONTON_POINT = (53.52, -113.49)


@pytest.fixture(scope="module")
def offline() -> OfflineGeocoder:
    return OfflineGeocoder(Gazetteer.load(), CountyIndex.load())


class FakeWebGeocoder:
    """Stands in for Nominatim: knows Edmonton addresses, fails on "down", counts calls."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool = True) -> Any:
        self.queries.append(query)
        if "down" in query:
            raise GeocoderUnavailable("the test geocoder is down")
        if "Edmonton" in query:
            return Location(query, EDMONTON_POINT, {})
        return None


def web(fake: FakeWebGeocoder, cache_path: Path) -> CachedWebGeocoder:
    return CachedWebGeocoder(
        fake,
        GeocodeCache(cache_path),
        namespace="fake http://geo.test",
        min_delay_s=0.0,
        error_wait_s=0.0,
    )


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("19103", "19103"),
        ("19103-1234", "19103"),
        ("1924 S 7th St, Philadelphia, PA 19148", "19148"),
        ("Somewhere St, Alpena, MI", "Alpena, MI"),
        ("Marin County, CA", "Marin County, CA"),
        ("12 Main St, St. Tammany Parish, Louisiana", "St. Tammany Parish, LA"),
    ],
)
def test_the_offline_geocoder_knows_zips_cities_and_counties(
    offline: OfflineGeocoder, query: str, label: str
) -> None:
    location = offline.geocode(query)
    assert isinstance(location, Location)
    assert location.address == label


@pytest.mark.parametrize("query", ["Nowhere County, CA", "8318 104 St, Edmonton, Alberta"])
def test_the_offline_geocoder_says_none_for_unknown_places(
    offline: OfflineGeocoder, query: str
) -> None:
    assert offline.geocode(query) is None


def edmonton_meetings() -> list[IndexDocument]:
    docs = meeting_guide.load(SOURCES["edmonton-aa"], SEED).documents
    return [d for d in docs if d.address is not None and "in_person" in d.attendance][:5]


def test_unplaced_records_are_kept_and_reported(offline: OfflineGeocoder) -> None:
    docs = edmonton_meetings()
    report = GeocodeReport()
    out = geocode_documents(docs, GeocoderChain(offline=offline), report)
    assert out == docs
    assert report.unplaced == [d.id for d in docs]
    assert report.unplaced_where[0].startswith(f"{docs[0].id}: ")


def test_the_web_geocoder_places_what_the_gazetteer_cannot_and_asks_once(
    offline: OfflineGeocoder, tmp_path: Path
) -> None:
    docs = edmonton_meetings()
    fake = FakeWebGeocoder()
    report = GeocodeReport()
    chain = GeocoderChain(offline=offline, web=web(fake, tmp_path / "cache.sqlite3"))
    placed = geocode_documents(docs, chain, report)
    assert all(d.geo is not None and (d.geo.lat, d.geo.lng) == EDMONTON_POINT for d in placed)
    assert (report.placed_web, report.web_calls, report.unplaced) == (5, len(fake.queries), [])
    assert fake.queries[0].endswith(", CA")  # the country is sent outside the US
    # A second run with a new chain on the same cache file asks the web geocoder nothing.
    again = FakeWebGeocoder()
    second = GeocodeReport()
    chain = GeocoderChain(offline=offline, web=web(again, tmp_path / "cache.sqlite3"))
    assert geocode_documents(docs, chain, second) == placed
    assert (again.queries, second.web_calls, second.web_cache_hits) == ([], 0, len(docs))


def test_not_found_is_cached_but_failures_are_not(tmp_path: Path) -> None:
    fake = FakeWebGeocoder()
    geocoder = web(fake, tmp_path / "cache.sqlite3")
    assert geocoder.point("1 Unknown Road, Nowhere") is None
    assert geocoder.point("1 Unknown Road, Nowhere") is None
    assert geocoder.point("down the road") is None
    assert geocoder.point("down the road") is None
    # RateLimiter retries twice on failure: 3 attempts per ask, each ask repeated.
    assert fake.queries.count("1 Unknown Road, Nowhere") == 1
    assert fake.queries.count("down the road") == 6
    assert (geocoder.calls, geocoder.cache_hits, geocoder.errors) == (3, 1, 2)


def test_a_geocoder_failing_again_and_again_is_given_up(tmp_path: Path) -> None:
    fake = FakeWebGeocoder()
    geocoder = web(fake, tmp_path / "cache.sqlite3")
    for n in range(5):
        geocoder.point(f"down {n}")
    assert geocoder.given_up
    assert geocoder.errors == 3  # the last two were not even asked


def test_remote_only_services_are_never_geocoded(offline: OfflineGeocoder, tmp_path: Path) -> None:
    online = [d for d in meeting_guide.load(SOURCES["eda"], SEED).documents if d.address is None][
        :5
    ]
    fake = FakeWebGeocoder()
    report = GeocodeReport()
    chain = GeocoderChain(offline=offline, web=web(fake, tmp_path / "cache.sqlite3"))
    assert geocode_documents(online, chain, report) == online
    assert (fake.queries, report.placed, report.unplaced) == ([], 0, [])


def test_a_us_record_without_a_point_gets_its_zip_centre(offline: OfflineGeocoder) -> None:
    # A real Philadelphia meeting with its coordinates removed (edge case).
    doc = next(
        d
        for d in meeting_guide.load(SOURCES["aasepia"], SEED).documents
        if d.address is not None and d.address.postal_code == "19103" and d.geo is not None
    )
    bare = msgspec.structs.replace(doc, geo=None)
    report = GeocodeReport()
    (placed,) = geocode_documents([bare], GeocoderChain(offline=offline), report)
    assert placed.geo is not None
    assert placed.address is not None
    assert placed.address.approximate
    assert report.placed == 1


@pytest.mark.parametrize(
    ("url", "kind", "api"),
    [
        ("http://127.0.0.1:8080", "nominatim", "http://127.0.0.1:8080/search"),
        ("https://geo.example.org/photon/", "photon", "https://geo.example.org/photon/api"),
    ],
)
def test_web_geocoders_are_built_from_a_url(url: str, kind: str, api: str) -> None:
    geocoder: Any = web_geocoder(url, kind)  # type: ignore[arg-type]
    assert geocoder.api == api


def test_a_bad_geocoder_url_is_refused() -> None:
    with pytest.raises(ValueError, match="must be http"):
        web_geocoder("geo.example.org", "nominatim")


def test_addresses_outside_the_us_skip_the_gazetteer(offline: OfflineGeocoder) -> None:
    address = Address(city="Philadelphia", state="PA", country="CA", formatted="Philadelphia, PA")
    assert GeocoderChain(offline=offline).locate(address) is None
