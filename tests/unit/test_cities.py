"""Loose city names for `near`: bare names, "City ST", "Washington DC", accents (real data)."""

from __future__ import annotations

import pytest

from service.places.cities import choose_city
from service.places.gazetteer import PlaceIndex
from service.places.geocoder import Gazetteer, PlaceNotFoundError, PlaceSyntaxError


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return PlaceIndex.load()


@pytest.mark.parametrize(
    ("text", "label", "others"),
    [
        (
            "Philadelphia",
            "Philadelphia, PA",
            ("Philadelphia, MS", "Philadelphia, NY", "Philadelphia, TN"),
        ),
        ("Washington DC", "Washington, DC", ()),
        ("washington dc", "Washington, DC", ()),
        ("Washington, DC", "Washington, DC", ()),
        ("Washington District of Columbia", "Washington, DC", ()),
        ("Los Angeles", "Los Angeles, CA", ()),
        ("Los Ángeles", "Los Angeles, CA", ()),
        ("Reno NV", "Reno, NV", ()),
        ("Portland Oregon", "Portland, OR", ()),
        ("Wilmington DE", "Wilmington, DE", ()),
        ("Kansas City", "Kansas City, MO", ("Kansas City, KS",)),
        ("New York", "New York City, NY", ()),
        ("Boston, MA", "Boston, MA", ()),
    ],
)
def test_choose_city(places: PlaceIndex, text: str, label: str, others: tuple[str, ...]) -> None:
    choice = choose_city(text, places)
    assert choice is not None
    assert choice.place.label == label
    assert tuple(p.label for p in choice.others) == others
    assert choice.ambiguous == bool(others)


def test_bare_name_is_the_most_populous_with_others_offered(places: PlaceIndex) -> None:
    choice = choose_city("Portland", places)
    assert choice is not None
    assert choice.place.label == "Portland, OR"
    assert [p.label for p in choice.others][:2] == ["Portland, ME", "Portland, TX"]
    assert len(choice.others) == 5


def test_bare_washington_is_the_capital(places: PlaceIndex) -> None:
    choice = choose_city("Washington", places)
    assert choice is not None
    assert (choice.place.label, choice.place.state, choice.place.timezone) == (
        "Washington, DC",
        "DC",
        "America/New_York",
    )


@pytest.mark.parametrize("text", ["", "Nowhereville", "Philadelphia, ZZ", "New Mexico", "Pain"])
def test_no_city(places: PlaceIndex, text: str) -> None:
    assert choose_city(text, places) is None


def test_cities_named_orders_by_population(places: PlaceIndex) -> None:
    named = places.cities_named("springfield")
    assert [p.label for p in named[:3]] == ["Springfield, MO", "Springfield, MA", "Springfield, IL"]
    assert len({p.state for p in named}) == len(named)


def test_state_code(places: PlaceIndex) -> None:
    assert [places.state_code(s) for s in ("pa", "Pennsylvania", "district of columbia", "zz")] == [
        "PA",
        "PA",
        "DC",
        None,
    ]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("text", "label", "others"),
    [
        ("19103", "19103", 0),
        ("Philadelphia, PA", "Philadelphia, PA", 0),
        ("39.95,-75.17", "39.95,-75.17", 0),
        ("Philadelphia", "Philadelphia, PA", 3),
        ("Washington DC", "Washington, DC", 0),
        ("Los Ángeles", "Los Angeles, CA", 0),
    ],
)
def test_resolve_choice(gazetteer: Gazetteer, text: str, label: str, others: int) -> None:
    choice = gazetteer.resolve_choice(text)
    assert (choice.place.label, len(choice.others)) == (label, others)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Nowhereville", PlaceSyntaxError),
        ("Nowhereville, PA", PlaceNotFoundError),
        ("", PlaceSyntaxError),
    ],
)
def test_resolve_choice_keeps_the_errors(
    gazetteer: Gazetteer, text: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        gazetteer.resolve_choice(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Philly", "Philadelphia, PA"),
        ("NYC", "New York City, NY"),
        ("D.C.", "Washington, DC"),
        ("SF", "San Francisco, CA"),
    ],
)
def test_nicknames(places: PlaceIndex, text: str, label: str) -> None:
    choice = choose_city(text, places)
    assert choice is not None
    assert choice.place.label == label
