"""People's own words applied to the real seed index: readings, crisis lines first, alternatives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from tests.integration.conftest import IndexedSeed, settings_for

Client = TestClient[Litestar]
# A Wednesday afternoon in Philadelphia.
AT = "2026-12-02T15:00:00-05:00"
CRISIS_PHRASES = ("i'm going to kill myself", "quiero morir")
PARTNER = "meetings"
ORIGIN = "https://partner.example"


def search(client: Client, **query: str) -> dict[str, Any]:
    response = client.get(f"/v1/search?{urlencode(query)}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def partner_client(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Client]:
    partners = tmp_path_factory.mktemp("understanding") / "partners.toml"
    partners.write_text(
        f'[[partner]]\nkey = "{PARTNER}"\nname = "Meetings only"\norigins = ["{ORIGIN}"]\n'
        '[partner.presets]\nkind = ["meeting"]\n',
        encoding="utf-8",
    )
    settings = settings_for(meili_server, seed_index.name, partners_file=partners)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        yield client


def test_a_place_to_stay_tonight_near_20001_gives_shelters_first(client: Client) -> None:
    body = search(client, q="a place to stay tonight", near="20001")
    hits = body["hits"]
    assert hits
    assert all("shelter" in h["needs"] for h in hits[:5])
    readings = {(r["type"], r["param"], r["value"]) for r in body["understood"]["readings"]}
    assert ("filter", "need", "shelter") in readings
    # Shelters publish no schedules: "tonight" is shown, not filtered on.
    time = next(r for r in body["understood"]["readings"] if r["type"] == "time")
    assert time["applied"] is False
    # The total is the honest count of the understood question.
    shelters = search(client, need="shelter", near="20001")
    assert body["total"] == shelters["total"]


@pytest.mark.parametrize("phrase", CRISIS_PHRASES)
def test_crisis_phrases_get_a_crisis_line_first(client: Client, phrase: str) -> None:
    for literal in ("false", "true"):
        response = client.get(f"/v1/search?{urlencode({'q': phrase, 'literal': literal})}")
        assert response.status_code == 200
        assert response.text.index('"crisis"') < response.text.index('"hits"')
        crisis = response.json()["crisis"]
        first = crisis["lines"][0]
        assert first["name"] == "988 Suicide & Crisis Lifeline"
        assert [a["url"] for a in first["actions"]] == ["tel:988", "sms:988"]
        assert crisis["en"]
        assert crisis["es"]
    # Nothing else asked: the hits are crisis support too, not the whole index.
    hits = search(client, q=phrase)["hits"]
    assert hits
    assert all("crisis" in h["needs"] for h in hits)


def test_no_crisis_block_for_an_ordinary_search(client: Client) -> None:
    assert search(client, q="AA meeting", near="19103")["crisis"] is None


def test_crisis_lines_come_first_through_a_meetings_only_partner(partner_client: Client) -> None:
    headers = {"Origin": ORIGIN}
    for phrase in CRISIS_PHRASES:
        query = urlencode({"partner": PARTNER, "q": phrase})
        body = partner_client.get(f"/embed/v1/search?{query}", headers=headers).json()
        assert body["crisis"]["lines"][0]["actions"][0]["url"] == "tel:988"
        assert all(h["kind"] == "meeting" for h in body["hits"])
        html = partner_client.get(f"/embed/v1/results?{query}", headers=headers).text
        assert 'href="tel:988"' in html
        assert 'href="sms:988"' in html
        cards = html.find('class="cards"')
        assert cards == -1 or html.index('class="crisis-first"') < cards


@pytest.mark.parametrize("phrase", CRISIS_PHRASES)
def test_crisis_block_on_the_page_above_results(client: Client, phrase: str) -> None:
    for lang, call in (("en", "Call 988"), ("es", "Llamar al 988")):
        page = client.get(f"/?{urlencode({'q': phrase, 'lang': lang})}").text
        block = page.index('class="crisis-first"')
        assert block < page.index('class="cards"')
        assert 'href="tel:988"' in page[block:]
        assert 'href="sms:988"' in page[block:]
        assert call in page[block:]


def test_aa_meeting_this_evening_returns_only_meetings_starting_this_evening(
    client: Client,
) -> None:
    body = search(client, q="AA meeting this evening", near="19103", at=AT)
    assert body["hits"]
    assert body["total"] < search(client, q="AA meeting", near="19103", literal="true")["total"]
    for hit in body["hits"]:
        assert hit["kind"] == "meeting"
        start = datetime.fromisoformat(hit["next_occurrence"])
        assert start.date().isoformat() == "2026-12-02"
        assert start.hour >= 17


def test_a_time_ask_orders_the_meetings_soonest_first(client: Client) -> None:
    body = search(client, q="AA meeting this evening", near="19103", at=AT)
    assert body["sort"] == "soonest"
    starts = [datetime.fromisoformat(h["next_occurrence"]) for h in body["hits"]]
    assert len(starts) > 1
    assert starts == sorted(starts)
    # An order the person chose is kept.
    assert (
        search(client, q="AA meeting this evening", near="19103", at=AT, sort="distance")["sort"]
        == "distance"
    )


def test_literal_true_gives_the_search_of_the_exact_words(client: Client) -> None:
    literal = search(client, q="a place to stay tonight", near="20001", literal="true")
    assert literal["understood"] is None
    assert literal["total"] > search(client, q="a place to stay tonight", near="20001")["total"]
    assert literal["hits"][0]["id"] != ""


def test_an_explicit_kind_beats_the_kind_read_from_q(client: Client) -> None:
    body = search(client, q="AA meeting", near="19103", kind="treatment")
    assert all(h["kind"] == "treatment" for h in body["hits"])
    assert ("kind", "meeting") not in {
        (r["param"], r["value"]) for r in (body["understood"] or {"readings": []})["readings"]
    }


def test_each_reading_can_be_removed(client: Client) -> None:
    body = search(client, q="detox in Philadelphia")
    assert body["origin"]["near"] == "Philadelphia, PA"
    readings = {r["type"]: r for r in body["understood"]["readings"]}
    assert set(readings) == {"filter", "place"}
    without_place = client.get(f"/v1/search?{readings['place']['remove']}").json()
    assert without_place["origin"] is None
    assert {(r["param"], r["value"]) for r in without_place["understood"]["readings"]} == {
        ("need", "detox")
    }
    literal = client.get(f"/v1/search?{body['understood']['literal']}").json()
    assert literal["understood"] is None


def test_near_as_a_bare_city_resolves_to_the_most_populous_with_others_offered(
    client: Client,
) -> None:
    body = search(client, near="Portland", kind="meeting")
    assert body["origin"]["state"] == "OR"
    assert "Portland, ME" in body["origin"]["others"]
    assert search(client, near="Washington DC")["origin"]["state"] == "DC"


def test_an_empty_local_answer_gets_labelled_alternatives(client: Client) -> None:
    body = search(client, need="shelter", near="19103", radius_km="1")
    assert body["total"] < 3
    groups = {g["type"]: g for g in body["alternatives"]}
    farther = groups["farther"]
    assert farther["radius_km"] > 1
    assert farther["nearest_km"] > 1
    assert farther["hits"]
    assert all("shelter" in h["needs"] for h in farther["hits"])
    assert "km" in farther["en"]
    assert "km" in farther["es"]
    assert groups["helplines"]["hits"]
    assert all(h["kind"] == "helpline" for h in groups["helplines"]["hits"])
    # Totals stay the honest answer to the question asked.
    assert body["total"] == len(body["hits"])


def test_a_thin_meeting_ask_tonight_offers_online_meetings_soonest(client: Client) -> None:
    body = search(client, q="AA meeting tonight", near="19103", radius_km="0.2", at=AT)
    groups = {g["type"]: g for g in body["alternatives"]}
    if body["total"] >= 3:
        pytest.fail(f"expected a thin answer within 200 m, got {body['total']}")
    online = groups["online"]
    assert online["hits"]
    assert all("online" in h["attendance"] for h in online["hits"])
    starts = [h["next_occurrence"] for h in online["hits"]]
    assert starts == sorted(starts)


def test_the_page_says_what_was_understood_and_offers_the_exact_words(client: Client) -> None:
    page = client.get(f"/?q={quote('a place to stay tonight')}&near=20001&lang=en").text
    assert 'class="understood"' in page
    assert "literal=true" in page
    spanish = client.get(f"/?q={quote('a place to stay tonight')}&near=20001&lang=es").text
    assert "palabras exactas" in spanish


def test_the_page_labels_alternatives_of_an_empty_answer(client: Client) -> None:
    page = client.get("/?need=shelter&near=19103&radius_km=1&lang=en").text
    assert 'class="alternatives"' in page
    assert "the nearest are" in page


def test_a_partners_presets_bound_the_alternatives(partner_client: Client) -> None:
    query = urlencode({"partner": PARTNER, "q": "AA", "near": "19103", "radius_km": "0.2"})
    body = partner_client.get(f"/embed/v1/search?{query}", headers={"Origin": ORIGIN}).json()
    assert body["total"] < 3
    groups = {g["type"]: g for g in body["alternatives"]}
    assert "helplines" not in groups
    assert groups["farther"]["hits"]
    assert all(h["kind"] == "meeting" for g in groups.values() for h in g["hits"])


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"q": "i want to die", "page": "abc"}, 400),
        ({"q": "quiero morir", "near": "Nowhereville, ZZ"}, 422),
        ({"q": "i'm going to kill myself", "kind": "spaceship"}, 400),
    ],
)
def test_an_error_answer_to_a_crisis_phrase_still_opens_with_crisis_lines(
    client: Client, query: dict[str, str], status: int
) -> None:
    response = client.get(f"/v1/search?{urlencode(query)}")
    assert response.status_code == status
    crisis = response.json()["crisis"]
    assert crisis["lines"][0]["name"] == "988 Suicide & Crisis Lifeline"
    assert {a["type"] for line in crisis["lines"] for a in line["actions"]} == {"call", "text"}


def test_no_crisis_block_on_an_ordinary_error(client: Client) -> None:
    response = client.get("/v1/search?q=aa+meeting&page=abc")
    assert response.status_code == 400
    assert "crisis" not in response.json()


def test_a_bare_crisis_phrase_lists_crisis_lines_only(client: Client) -> None:
    body = search(client, q="i want to die", at=AT)
    assert body["crisis"]["lines"]
    assert body["hits"]
    assert all(h["kind"] == "helpline" and "crisis" in h["needs"] for h in body["hits"])
    text_only = next(h for h in body["hits"] if h["name"] == "Crisis Text Line")
    assert text_only["contact"]["text_keyword"] == "HOME"


def test_boosts_rank_near_a_place_and_keep_the_totals(client: Client) -> None:
    # "my daughter" and "pills" are hints, not filters: the answer is the one near 19103...
    boosted = search(client, q="my daughter is using pills", near="19103", at=AT)
    plain = search(client, near="19103", at=AT)
    assert boosted["total"] == plain["total"]
    assert boosted["facets"] == plain["facets"]
    # ...with what helps a parent (family support, opioid or substance use care) first.
    hinted = {"family_friends", "opioids", "substance_use"}
    assert all(hinted & set(h["needs"]) for h in boosted["hits"][:5])
    assert not all(hinted & set(h["needs"]) for h in plain["hits"][:5])


def test_boosted_pages_list_each_hit_once(client: Client) -> None:
    seen: list[str] = []
    for page in ("1", "2", "3"):
        body = search(client, q="my son is addicted", near="19103", at=AT, page=page)
        seen += [h["id"] for h in body["hits"]]
    assert len(seen) == len(set(seen)) == 60


def test_a_clock_time_alone_means_today(client: Client) -> None:
    # Saturday 08:30: "after 6" is this evening, not any evening of the week.
    body = search(client, q="AA after 6", near="19103", at="2026-11-28T08:30:00-05:00")
    assert body["hits"]
    assert all(
        any(s["day"] == "sat" and s["start"] >= "18:00" for s in h["schedule"]["slots"])
        for h in body["hits"]
    )
