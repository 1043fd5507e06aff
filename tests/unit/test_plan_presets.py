"""A plan through a partner (pure): the presets narrow every search and the answers' place."""

from __future__ import annotations

import pytest

from service.http.partners import Partner, parse_partners
from service.plan.answers import PlanAnswers
from service.search.request import SearchRequest
from service.web.embedding import partner_scope
from service.web.plan import partner_note, with_partner

# Invented partners for the tests.
PARTNERS = parse_partners(
    """
[[partner]]
key = "placed"
name = "Placed"
origins = ["https://placed.example"]
[partner.presets]
near = "19103"
radius_km = 25
language = ["es"]
kind = ["meeting", "helpline"]

[[partner]]
key = "open"
name = "Open"
origins = ["https://open.example"]
"""
)


def _partner(key: str) -> Partner:
    partner = PARTNERS.get(key)
    assert partner is not None
    return partner


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        # A visitor's wider answers are cut to the presets.
        (
            SearchRequest(
                near="94103",
                radius_km=100.0,
                filters={"kind": ["meeting"], "language": ["en", "es"]},
                include_online="true",
            ),
            SearchRequest(
                near="19103",
                radius_km=25.0,
                filters={"kind": ["meeting"], "language": ["es"]},
            ),
        ),
        # A search with no place (online meetings) is kept to the partner's place too.
        (
            SearchRequest(filters={"kind": ["meeting"]}),
            SearchRequest(
                near="19103", radius_km=25.0, filters={"kind": ["meeting"], "language": ["es"]}
            ),
        ),
        # Nothing can match both: no search at all.
        (SearchRequest(filters={"kind": ["treatment", "telehealth"]}), None),
    ],
)
def test_presets_narrow_every_search(
    request_: SearchRequest, expected: SearchRequest | None
) -> None:
    narrow = partner_scope(_partner("placed")).narrow
    assert narrow is not None
    assert narrow(request_) == expected


def test_a_partner_without_presets_changes_nothing() -> None:
    scope = partner_scope(_partner("open"))
    request = SearchRequest(near="94103", filters={"kind": ["meeting"]}, include_online="true")
    assert scope.narrow is not None
    assert scope.narrow(request) == request
    assert scope.fixed == frozenset()


def test_the_fixed_parameters_are_the_presets() -> None:
    assert partner_scope(_partner("placed")).fixed == {"near", "radius_km", "language", "kind"}


@pytest.mark.parametrize(
    ("answers", "key", "expected"),
    [
        (PlanAnswers(near="94103", radius_km=100.0), "placed", ("19103", 25.0)),
        (PlanAnswers(radius_km=10.0), "placed", ("19103", 10.0)),
        (PlanAnswers(near="94103"), "open", ("94103", None)),
        (PlanAnswers(near="94103"), None, ("94103", None)),
    ],
)
def test_the_partners_place_replaces_the_answer(
    answers: PlanAnswers, key: str | None, expected: tuple[str | None, float | None]
) -> None:
    found = with_partner(answers, _partner(key) if key else None)
    assert (found.near, found.radius_km) == expected


def test_the_note_says_what_the_presets_keep_to() -> None:
    assert partner_note(None, "en") == ""
    assert partner_note(_partner("placed"), "en") == (
        "Opened from Placed: every part of this plan keeps to its choices "
        "(Peer support meeting, Helpline, Spanish, 19103)."
    )
    assert "(ninguna)" in partner_note(_partner("open"), "es")
