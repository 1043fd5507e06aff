"""Place parsing, the offline gazetteer and its geopy Geocoder."""

from __future__ import annotations

import csv

import pytest
from geopy.extra.rate_limiter import RateLimiter  # type: ignore[import-untyped, unused-ignore]
from geopy.geocoders.base import Geocoder  # type: ignore[import-untyped, unused-ignore]
from geopy.location import Location  # type: ignore[import-untyped, unused-ignore]

from service.places.gazetteer import DATA_DIR, Place, normalize_name
from service.places.geocoder import (
    CityQuery,
    Gazetteer,
    GazetteerGeocoder,
    PlaceNotFoundError,
    PlaceQuery,
    PlaceSyntaxError,
    PointQuery,
    ZipQuery,
    parse_place,
)
from service.places.units import distance_km

PHILADELPHIA = (39.95238, -75.16362)  # GeoNames point of Philadelphia, PA
NEW_YORK = (40.71427, -74.00597)  # GeoNames point of New York City, NY
ZIP_19103 = Place(
    label="19103",
    lat=39.9529,
    lng=-75.1743,
    state="PA",
    timezone="America/New_York",
    precision="zip",
)
PHILADELPHIA_PA = Place(
    label="Philadelphia, PA",
    lat=PHILADELPHIA[0],
    lng=PHILADELPHIA[1],
    state="PA",
    timezone="America/New_York",
    precision="city",
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19103", ZipQuery(zip5="19103")),
        ("  19103 ", ZipQuery(zip5="19103")),
        ("19103-1234", ZipQuery(zip5="19103")),
        ("00601", ZipQuery(zip5="00601")),
        ("Philadelphia, PA", CityQuery(city="Philadelphia", state="PA")),
        ("philadelphia , pa", CityQuery(city="philadelphia", state="PA")),
        ("Philadelphia,Pennsylvania", CityQuery(city="Philadelphia", state="Pennsylvania")),
        ("San  Jose ,  CA", CityQuery(city="San Jose", state="CA")),
        ("Winston-Salem, NC", CityQuery(city="Winston-Salem", state="NC")),
        ("St. Mary's, GA", CityQuery(city="St. Mary's", state="GA")),
        ("Cañon City, CO", CityQuery(city="Cañon City", state="CO")),
        ("Washington, D.C.", CityQuery(city="Washington", state="D.C.")),
        ("39.95,-75.17", PointQuery(lat=39.95, lng=-75.17)),
        (" 39.95 , -75.17 ", PointQuery(lat=39.95, lng=-75.17)),
        ("-33.8688, 151.2093", PointQuery(lat=-33.8688, lng=151.2093)),
        ("+40,-74", PointQuery(lat=40.0, lng=-74.0)),
        ("90,180", PointQuery(lat=90.0, lng=180.0)),
        ("-90,-180", PointQuery(lat=-90.0, lng=-180.0)),
    ],
)
def test_parse_place_accepts(text: str, expected: PlaceQuery) -> None:
    assert parse_place(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the place is empty"),
        ("   ", "the place is empty"),
        ("a" * 101, "the place is longer than 100 characters"),
        ("1910", "not a 5-digit ZIP or a lat,lng pair"),
        ("191031", "not a 5-digit ZIP or a lat,lng pair"),
        ("19103-12", "not a 5-digit ZIP or a lat,lng pair"),
        ("39.95,-75.17,3", "not a 5-digit ZIP or a lat,lng pair"),
        ("abc", '"City, ST" needs a comma before the state'),
        ("Philadelphia PA", '"City, ST" needs a comma before the state'),
        (", PA", '"City, ST" needs a comma before the state'),
        ("Philadelphia,", '"City, ST" needs a comma before the state'),
        ("91,200", "latitude 91 is out of range [-90, 90]"),
        ("-90.5,0", "latitude -90.5 is out of range [-90, 90]"),
        ("45,-181", "longitude -181 is out of range [-180, 180]"),
        ("12345, PA", "a city name needs letters"),
        ("39.95, -75.17abc", "the city or state has characters no place name uses"),
        ('19103" OR _geoRadius(0,0,1)', "the city or state has characters no place name uses"),
        ("Philadelphia, PA; DROP", "the city or state has characters no place name uses"),
        ("<script>x</script>, PA", "the city or state has characters no place name uses"),
        ("Philadelphia, P4", "the city or state has characters no place name uses"),
    ],
)
def test_parse_place_rejects(text: str, reason: str) -> None:
    with pytest.raises(PlaceSyntaxError) as caught:
        parse_place(text)
    assert caught.value.reason == reason
    message = str(caught.value)
    assert message.startswith(f"{reason}: ")
    assert "5-digit ZIP (ZIP+4 accepted, e.g. 19103-1234)" in message
    assert '"City, ST"' in message
    assert '"lat,lng" in decimal degrees' in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Philadelphia", "philadelphia"),
        ("  SAN   jose ", "san jose"),
        ("St. Louis", "st louis"),
        ("Saint Louis", "st louis"),
        ("Winston-Salem", "winston salem"),
        ("Cañon City", "canon city"),
        ("Mount Vernon", "mt vernon"),
        ("Fort Worth", "ft worth"),
        ("D.C.", "dc"),
    ],
)
def test_normalize_name(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    ("zip5", "expected"),
    [
        ("19103", ZIP_19103),
        # A PO-box-only ZIP (the IRS in Holtsville): no ZCTA, point from `zipcodes`.
        ("00501", Place(label="00501", lat=40.8154, lng=-73.0451, state="NY",
                        timezone="America/New_York", precision="zip")),
        ("00601", Place(label="00601", lat=18.18055, lng=-66.74996, state="PR",
                        timezone="America/Puerto_Rico", precision="zip")),
        ("99501", Place(label="99501", lat=61.22002, lng=-149.8557, state="AK",
                        timezone="America/Anchorage", precision="zip")),
        ("00000", None),
        ("99999", None),
    ],
)  # fmt: skip
def test_lookup_zip(gazetteer: Gazetteer, zip5: str, expected: Place | None) -> None:
    assert gazetteer.lookup_zip(zip5) == expected


def test_zip_19103_is_in_center_city(gazetteer: Gazetteer) -> None:
    place = gazetteer.lookup_zip("19103")
    assert place is not None
    assert distance_km((place.lat, place.lng), (39.95, -75.17)) < 2.0


@pytest.mark.parametrize(
    ("name", "state", "label", "lat", "lng", "timezone"),
    [
        ("Philadelphia", "PA", "Philadelphia, PA", 39.95238, -75.16362, "America/New_York"),
        ("philadelphia", "pennsylvania", "Philadelphia, PA", 39.95238, -75.16362,
         "America/New_York"),
        ("Philadelphia", "MS", "Philadelphia, MS", 32.77152, -89.11673, "America/Chicago"),
        ("San Jose", "CA", "San Jose, CA", 37.33939, -121.89496, "America/Los_Angeles"),
        ("San Jose", "California", "San Jose, CA", 37.33939, -121.89496,
         "America/Los_Angeles"),
        # Two GeoNames places are called Mountain View in CA: the most populous wins.
        ("Mountain View", "CA", "Mountain View, CA", 37.38605, -122.08385,
         "America/Los_Angeles"),
        ("New York", "NY", "New York City, NY", 40.71427, -74.00597, "America/New_York"),
        ("Saint Louis", "MO", "St. Louis, MO", 38.62727, -90.19789, "America/Chicago"),
        ("canon city", "co", "Cañon City, CO", 38.44098, -105.24245, "America/Denver"),
        ("Washington", "D.C.", "Washington, DC", 38.89511, -77.03637, "America/New_York"),
        ("Washington", "District of Columbia", "Washington, DC", 38.89511, -77.03637,
         "America/New_York"),
        # Below GeoNames' 500-people cut: the USPS city name of ZIPs 00501 and 00544.
        ("Holtsville", "NY", "Holtsville, NY", 40.81538, -73.04511, "America/New_York"),
    ],
)  # fmt: skip
def test_lookup_city(
    gazetteer: Gazetteer, name: str, state: str, label: str, lat: float, lng: float, timezone: str
) -> None:
    place = gazetteer.lookup_city(name, state)
    assert place is not None
    assert (place.label, place.state, place.timezone, place.precision) == (
        label,
        label[-2:],
        timezone,
        "city",
    )
    assert (place.lat, place.lng) == pytest.approx((lat, lng), abs=1e-5)


@pytest.mark.parametrize(
    ("name", "state"),
    [("Atlantis", "PA"), ("Philadelphia", "ZZ"), ("Philadelphia", "Narnia"), ("San Jose", "PA")],
)
def test_lookup_city_unknown(gazetteer: Gazetteer, name: str, state: str) -> None:
    assert gazetteer.lookup_city(name, state) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19103", ZIP_19103),
        ("19103-1234", ZIP_19103),
        ("Philadelphia, PA", PHILADELPHIA_PA),
        ("philadelphia , pennsylvania", PHILADELPHIA_PA),
        ("39.95,-75.17", Place(label="39.95,-75.17", lat=39.95, lng=-75.17, state="PA",
                               timezone="America/New_York", precision="point")),
        # Invented edge case: a point in the Gulf of Guinea, far from any US place.
        ("0,0", Place(label="0.0,0.0", lat=0.0, lng=0.0, state=None, timezone=None,
                      precision="point")),
    ],
)  # fmt: skip
def test_resolve(gazetteer: Gazetteer, text: str, expected: Place) -> None:
    assert gazetteer.resolve(text) == expected


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("00000", "00000"),
        (" 99999-0000 ", "99999-0000"),
        ("Atlantis, PA", "Atlantis, PA"),
        ("Philadelphia, Narnia", "Philadelphia, Narnia"),
    ],
)
def test_resolve_not_found(gazetteer: Gazetteer, text: str, place: str) -> None:
    with pytest.raises(PlaceNotFoundError) as caught:
        gazetteer.resolve(text)
    assert caught.value.place == place
    assert str(caught.value) == f"no known place matches {place!r}"


def test_resolve_bad_syntax(gazetteer: Gazetteer) -> None:
    with pytest.raises(PlaceSyntaxError):
        gazetteer.resolve('19103" OR _geoRadius(0,0,1)')


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("1500 Market St, Philadelphia, PA 19102", "19102"),
        ("1500 Market St, Philadelphia, PA 19102-2101", "19102"),
        ("1 Main St, Springfield, IL", "Springfield, IL"),
        # An unknown ZIP falls back to the city before it.
        ("1500 Market St, Philadelphia, PA 00000", "Philadelphia, PA"),
        ("San Jose, CA", "San Jose, CA"),
        ("somewhere", None),
        ("1 Main St, Atlantis, ZZ", None),
    ],
)
def test_resolve_address(gazetteer: Gazetteer, address: str, label: str | None) -> None:
    place = gazetteer.resolve_address(address)
    assert (place.label if place else None) == label


@pytest.mark.parametrize(
    ("lat", "lng", "label", "state", "timezone"),
    [
        (39.9526, -75.1652, "Philadelphia, PA", "PA", "America/New_York"),
        (34.0522, -118.2437, "Los Angeles, CA", "CA", "America/Los_Angeles"),
        (61.2181, -149.9003, "Anchorage, AK", "AK", "America/Anchorage"),
        (21.3069, -157.8583, "Honolulu, HI", "HI", "Pacific/Honolulu"),
        # Across the Delaware from Philadelphia: New Jersey.
        (39.9447, -75.1199, "Camden, NJ", "NJ", "America/New_York"),
    ],
)
def test_nearest_place(
    gazetteer: Gazetteer, lat: float, lng: float, label: str, state: str, timezone: str
) -> None:
    place = gazetteer.nearest_place(lat, lng)
    assert place is not None
    assert (place.label, place.state, place.timezone) == (label, state, timezone)


# Invented edge cases: open ocean and the poles, more than 250 km from any US place.
@pytest.mark.parametrize(("lat", "lng"), [(0.0, 0.0), (89.9, 0.0), (-89.9, 100.0), (30.0, -140.0)])
def test_nearest_place_none_far_away(gazetteer: Gazetteer, lat: float, lng: float) -> None:
    assert gazetteer.nearest_place(lat, lng) is None


def test_nearest_place_matches_brute_force(gazetteer: Gazetteer) -> None:
    with (DATA_DIR / "us_places_pop500.csv").open(encoding="utf-8", newline="") as handle:
        places = [(float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(handle)]
    with (DATA_DIR / "zip_centroids.tsv").open(encoding="utf-8") as handle:
        rows = [line.split("\t") for line in handle.read().splitlines()[1:]]
    # Every 500th ZIP point: dense cities, empty deserts, Alaska and Hawaii alike.
    probes = [(float(row[1]), float(row[2])) for row in rows[::500] if row[3] not in {"PR", "VI"}]
    assert len(probes) > 70
    for probe in probes:
        found = gazetteer.nearest_place(*probe)
        assert found is not None, probe
        best_km = min(distance_km(probe, place) for place in places)
        # The grid ranks by a flat-earth distance; it may pick a near-tie, never a far place.
        assert distance_km(probe, (found.lat, found.lng)) <= best_km * 1.01 + 0.1, probe


def test_load_from_explicit_directory() -> None:
    gazetteer = Gazetteer.load(DATA_DIR)
    assert gazetteer.lookup_zip("19103") == ZIP_19103


def test_geocoder_is_a_geopy_geocoder(gazetteer: Gazetteer) -> None:
    assert isinstance(GazetteerGeocoder(gazetteer), Geocoder)


@pytest.mark.parametrize(
    ("query", "address", "point", "precision"),
    [
        ("19103", "19103", (39.9529, -75.1743), "zip"),
        ("Philadelphia, PA", "Philadelphia, PA", PHILADELPHIA, "city"),
        ("1500 Market St, Philadelphia, PA 19102", "19102", (39.95278, -75.16559), "zip"),
        ("39.95,-75.17", "39.95,-75.17", (39.95, -75.17), "point"),
    ],
)
def test_geocoder_through_rate_limiter(
    gazetteer: Gazetteer,
    query: str,
    address: str,
    point: tuple[float, float],
    precision: str,
) -> None:
    geocode = RateLimiter(GazetteerGeocoder(gazetteer).geocode, min_delay_seconds=0)
    location = geocode(query)
    assert isinstance(location, Location)
    assert location.address == address
    assert (location.latitude, location.longitude) == pytest.approx(point, abs=1e-5)
    assert location.raw["precision"] == precision
    assert location.raw["label"] == address
    assert set(location.raw) == {"label", "lat", "lng", "state", "timezone", "precision"}


@pytest.mark.parametrize("query", ["Atlantis, PA", "00000", "abc", "x" * 400])
def test_geocoder_returns_none_when_not_found(gazetteer: Gazetteer, query: str) -> None:
    geocode = RateLimiter(GazetteerGeocoder(gazetteer).geocode, min_delay_seconds=0)
    assert geocode(query) is None


def test_geocoder_exactly_one_false_returns_a_list(gazetteer: Gazetteer) -> None:
    locations = GazetteerGeocoder(gazetteer).geocode("19103", exactly_one=False)
    assert isinstance(locations, list)
    assert [location.address for location in locations] == ["19103"]


def test_geocoder_has_no_reverse(gazetteer: Gazetteer) -> None:
    with pytest.raises(NotImplementedError, match="nearest_place"):
        GazetteerGeocoder(gazetteer).reverse((39.95, -75.17))
