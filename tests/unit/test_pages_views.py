"""Result cards, the page's query and URLs, errors in plain words, the shortlist and embeds."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from service.contract.documents import SearchHit
from service.errors import BadParameterError, SearchUnavailableError, UnknownPlaceError
from service.http.partners import parse_partners
from service.http.security_headers import page_policy
from service.search.query import Limits
from service.search.request import SearchRequest, search_request
from service.search.run import SearchOrigin, SearchResponse
from service.web.cards import build_card, card_as_text, shortlist_text
from service.web.embedding import embed_request
from service.web.forms import form_view
from service.web.i18n import Lang
from service.web.page_query import SCHEDULE_PARAMS, build_url, page_query
from service.web.pages import page_request, shortlist_ids
from service.web.render import render
from service.web.views import error_view, results_view, search_summary

# A real record of the seed index (aasepia, Meeting Guide feed), as /v1/search returns it.
NUEVO_CAMINO: dict[str, Any] = {
    "id": "aasepia-meeting-1924-s-7th-st-philadelphia-pa-19148-usa-0-100000",
    "kind": "meeting",
    "name": "Nuevo Camino",
    "description": "Spanish-Speaking",
    "organization": "Alcoholics Anonymous",
    "needs": ["alcohol", "peer_support"],
    "languages": ["es"],
    "attendance": ["in_person"],
    "costs": ["donation"],
    "tags": ["Open"],
    "status": "active",
    "address": {
        "place_name": "Grupo Nuevo Camino (D68)",
        "street": "1924 S 7th St",
        "city": "Philadelphia",
        "state": "PA",
        "postal_code": "19148",
        "formatted": "1924 S 7th St, Philadelphia, PA 19148, USA",
    },
    "_geo": {"lat": 39.9246142, "lng": -75.1579925},
    "schedule": {
        "timezone": "America/New_York",
        "slots": [{"day": "sun", "start": "10:00", "end": "11:00"}],
    },
    "contact": {
        "website": "https://www.aasepia.org/meetings/?meeting=meeting-1924-s-7th-st-philadelphia"
        "-pa-19148-usa-0-100000"
    },
    "provenance": {
        "source": "aasepia",
        "source_name": "Southeastern PA Intergroup (AA)",
        "source_record_id": "meeting-1924-s-7th-st-philadelphia-pa-19148-usa-0-100000",
        "updated_at": "2020-12-31T23:23:57",
    },
    "distance_km": 3.44,
    "next_occurrence": "2026-11-29T10:00:00-05:00",
}

LIMITS = Limits(default_radius_km=25, max_radius_km=250, max_per_page=50)


def as_hit(record: dict[str, Any]) -> SearchHit:
    """A record as the search returns it, decoded."""
    return msgspec.convert(record, SearchHit)


def one_page(hits: list[SearchHit], **fields: Any) -> SearchResponse:
    """A search answer holding these hits."""
    totals = {"total": len(hits), "page": 1, "per_page": 10, "total_pages": 1}
    return SearchResponse(hits=hits, sort="relevance", facets={}, **(totals | fields))


def test_a_card_has_what_a_person_needs_to_act() -> None:
    card = build_card(as_hit(NUEVO_CAMINO), "en")
    assert card.kind_label == "Peer support meeting"
    assert card.distance == "2.1 mi (3.4 km) away"
    assert card.next_time == "Sun, Nov 29, 10:00 AM"
    assert card.schedule == ["Sunday 10:00 AM–11:00 AM"]  # noqa: RUF001
    assert card.timezone == "Eastern time"
    assert card.address == "1924 S 7th St, Philadelphia, PA 19148, USA"
    assert card.directions_url is not None
    assert card.languages == ["Spanish"]
    assert card.costs == ["Voluntary contributions"]
    assert card.attendance == ["In person"]
    assert card.updated == "Last updated Dec 31, 2020"


def test_a_card_in_spanish() -> None:
    card = build_card(as_hit(NUEVO_CAMINO), "es")
    assert (card.kind_label, card.languages, card.updated) == (
        "Reunión de apoyo mutuo",
        ["Español"],
        "Actualizado el 31 dic 2020",
    )
    assert card.next_time == "dom 29 nov, 10:00"


def test_the_viewers_next_time_wins_and_says_so() -> None:
    hit = NUEVO_CAMINO | {"next_occurrence_viewer": "2026-11-29T07:00:00-08:00"}
    assert build_card(as_hit(hit), "en").next_time == "Sun, Nov 29, 7:00 AM (your time)"


def test_only_web_links_become_links() -> None:
    # Invented hostile record: a feed must never make a script URL clickable.
    hit = NUEVO_CAMINO | {
        "contact": {"website": "javascript:alert(1)", "meeting_url": "data:text/html,x"}
    }
    card = build_card(as_hit(hit), "en")
    assert (card.website, card.meeting_url) == (None, None)


def test_feed_text_is_escaped_in_the_page() -> None:
    # Invented hostile record: markup in a name or description must arrive as text.
    hit = NUEVO_CAMINO | {"name": "<script>alert(1)</script>", "description": '"><img src=x>'}
    view = results_view(one_page([as_hit(hit)]), page_query({"q": ["<b>"]}), "en", path="/")
    html = render("_results.html", lang="en", mode="page", results=view, shortlist_hidden=[])
    assert "<script>" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_card_as_text_for_a_message() -> None:
    assert card_as_text(build_card(as_hit(NUEVO_CAMINO), "en"), "en") == (
        "Nuevo Camino (Peer support meeting)\n"
        "Next: Sun, Nov 29, 10:00 AM\n"
        "Sunday 10:00 AM–11:00 AM (Eastern time)\n"  # noqa: RUF001
        "1924 S 7th St, Philadelphia, PA 19148, USA\n"
        "Website: https://www.aasepia.org/meetings/?meeting=meeting-1924-s-7th-st-philadelphia"
        "-pa-19148-usa-0-100000\n"
        "Languages: Spanish\n"
        "Cost: Voluntary contributions"
    )


def test_the_shortlist_text_ends_with_the_link_and_the_crisis_lines() -> None:
    out = shortlist_text(
        [build_card(as_hit(NUEVO_CAMINO), "es")], "es", link="http://x/shortlist?ids=a"
    )
    assert out.startswith("Pathways: Mi lista\n\n1. Nuevo Camino (Reunión de apoyo mutuo)\n")
    assert "Enlace a esta lista: http://x/shortlist?ids=a" in out
    assert out.endswith("SAMHSA, gratis y confidencial, 24/7: 1-800-662-4357\n")
    assert "988 (para español, marque 2)" in out


@pytest.mark.parametrize(
    ("values", "ids", "dropped"),
    [
        (["a,b,c"], ["a", "b", "c"], 0),
        (["a", "b", "a"], ["a", "b"], 0),
        (["a, b ,, c"], ["a", "b", "c"], 0),
        (["a,<x>,b!"], ["a"], 2),
        ([",".join(f"id{i}" for i in range(25))], [f"id{i}" for i in range(20)], 5),
        ([], [], 0),
    ],
)
def test_shortlist_ids_are_validated_and_capped(
    values: list[str], ids: list[str], dropped: int
) -> None:
    assert shortlist_ids(values) == (ids, dropped)


def test_the_page_query_keeps_known_keys_in_a_stable_order() -> None:
    pq = page_query(
        {
            "language": ["es", "es", " "],
            "near": [" 19103 "],
            "utm": ["x"],
            "kind": ["meeting"],
            "page": ["2"],
            "lang": ["es"],
        }
    )
    assert pq.pairs == (("near", "19103"), ("kind", "meeting"), ("language", "es"))
    assert pq.page == "2"
    assert pq.searched
    assert not page_query({"lang": ["es"]}).searched


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], "/"),
        (
            [("near", "Philadelphia, PA"), ("kind", "meeting")],
            "/?near=Philadelphia,+PA&kind=meeting",
        ),
        ([("ids", "a,b")], "/?ids=a,b"),
        ([("q", "a&b=c")], "/?q=a%26b%3Dc"),
    ],
)
def test_urls(pairs: list[tuple[str, str]], expected: str) -> None:
    assert build_url("/", pairs) == expected


def test_results_have_counts_removable_filters_and_paging() -> None:
    pq = page_query({"near": ["19103"], "kind": ["meeting"], "language": ["es"], "page": ["2"]})
    origin = SearchOrigin(near="19103", lat=39.95, lng=-75.17, radius_km=25.0)
    result = one_page([as_hit(NUEVO_CAMINO)], total=33, page=2, total_pages=4, origin=origin)
    view = results_view(result, pq, "en", path="/", keep=[("lang", "en")])
    assert view.heading == "33 results"
    assert view.subheading == "near 19103, within 15.5 mi (25 km)"
    assert view.status_text == "33 results near 19103, within 15.5 mi (25 km). Page 2 of 4."
    assert [(f.label, f.remove_url) for f in view.active] == [
        ("Type of help: Peer support meeting", "/?near=19103&language=es&lang=en"),
        ("Language: Spanish", "/?near=19103&kind=meeting&lang=en"),
    ]
    assert view.clear_url == "/?near=19103&lang=en"
    assert view.prev_url == "/?near=19103&kind=meeting&language=es&page=1&lang=en"
    assert view.next_url == "/?near=19103&kind=meeting&language=es&page=3&lang=en"
    assert view.first_number == 11


def test_the_form_remembers_choices_and_folds_filters_after_a_search() -> None:
    form = form_view(page_query({"near": ["19103"], "language": ["es"]}), "es", LIMITS)
    language = next(g for g in form.groups if g.param == "language")
    assert [o.label for o in language.options[:2]] == ["Inglés", "Español"]
    assert [o.code for o in language.options if o.checked] == ["es"]
    assert (language.open, form.selected, form.filters_open) == (True, 1, False)
    assert [o.label for o in form.radius_options if o.selected] == ["15,5 millas (25 km)"]


@pytest.mark.parametrize(
    ("exc", "status", "title"),
    [
        (UnknownPlaceError("99999"), 422, "We couldn't find that place"),
        (BadParameterError("near", "near: bad"), 400, "We couldn't find that place"),
        (BadParameterError("kind", "kind: bad"), 400, "Something in this search isn't right"),
        (SearchUnavailableError("down"), 503, "Search isn't working right now"),
    ],
)
def test_errors_in_plain_words(exc: Any, status: int, title: str) -> None:
    view = error_view(exc, "en", near="99999")
    assert (view.status, view.title) == (status, title)
    if status == 422:
        assert view.message == "We don't know “99999”."
        assert "Try a 5-digit ZIP code, like 19103." in view.suggestions


def test_page_queries_are_typed_like_the_api() -> None:
    request = search_request(
        {
            "near": ["19103"],
            "kind": ["meeting", "housing"],
            "page": ["2"],
            "radius_km": ["10"],
            "unknown": ["x"],
        }
    )
    assert request == SearchRequest(
        near="19103", filters={"kind": ["meeting", "housing"]}, page=2, radius_km=10.0
    )
    with pytest.raises(BadParameterError, match="page"):
        search_request({"page": ["two"]})


PARTNER = parse_partners(
    '[[partner]]\nkey = "p"\nname = "P"\norigins = ["http://a"]\nper_page = 5\n'
    '[partner.presets]\nkind = ["meeting"]\nnear = "19103"\nradius_km = 40\n'
).get("p")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {},
            SearchRequest(filters={"kind": ["meeting"]}, near="19103", radius_km=40.0, per_page=5),
        ),
        (
            {"near": ["90210"], "radius_km": ["100"], "language": ["ES"], "per_page": ["3"]},
            SearchRequest(
                filters={"kind": ["meeting"], "language": ["es"]},
                near="19103",
                radius_km=40.0,
                per_page=3,
            ),
        ),
        ({"kind": ["housing"]}, None),
    ],
)
def test_embed_presets_cannot_be_widened(
    query: dict[str, list[str]], expected: SearchRequest | None
) -> None:
    assert PARTNER is not None
    assert embed_request(query, PARTNER) == expected


def test_pages_allow_only_our_own_origin() -> None:
    policy = page_policy()
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert policy.endswith("frame-ancestors 'none'")
    assert page_policy(frame_ancestors=["https://a.org"]).endswith("frame-ancestors https://a.org")


def test_a_merged_listing_is_as_fresh_as_its_newest_source_and_stale_is_said() -> None:
    # The second source is invented: a merge with a fresher copy of the same meeting.
    fresher = NUEVO_CAMINO["provenance"] | {"source": "other", "updated_at": "2024-03-05"}
    hit = NUEVO_CAMINO | {"also_from": [fresher], "stale": True}
    card = build_card(as_hit(hit), "en")
    assert card.updated == "Last updated Mar 5, 2024"
    assert card.stale
    assert not build_card(as_hit(NUEVO_CAMINO), "en").stale


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ({"near": ["20001"], "kind": ["housing"]}, "en", "Housing and shelter near 20001"),
        ({"near": ["20001"], "q": ["shelter"]}, "en", "“shelter” near 20001"),
        (
            {"near": ["19103"], "kind": ["meeting"], "language": ["es"]},
            "es",
            "Reunión de apoyo mutuo cerca de 19103 · 1 filtro",
        ),
        ({"near": ["39.95,-75.16"]}, "en", "All help near you"),
        (
            {"q": ["aa"], "kind": ["meeting"], "day": ["mon"], "open_now": ["true"]},
            "en",
            "“aa” · Peer support meeting · 2 filters",
        ),
        (
            {"near": ["19103"], "radius_km": ["10"], "sort": ["relevance"]},
            "en",
            "All help near 19103",
        ),
    ],
)
def test_the_folded_form_says_what_was_asked_in_one_line(
    query: dict[str, list[str]], lang: Lang, expected: str
) -> None:
    pq = page_query(query, schedule=SCHEDULE_PARAMS)
    assert search_summary(pq, lang) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"near": ["19103"], "open_now": ["true"]}, "soonest"),
        ({"near": ["19103"], "starts_within_min": ["720"]}, "soonest"),
        ({"near": ["19103"], "starts_within_min": ["60"], "sort": ["distance"]}, "distance"),
        ({"near": ["19103"], "open_now": ["false"]}, None),
        ({"near": ["19103"], "day": ["mon"]}, None),
    ],
)
def test_a_time_ask_on_the_page_lists_happening_now_first(
    query: dict[str, list[str]], expected: str | None
) -> None:
    assert page_request(query).sort == expected


def test_a_warning_only_where_a_listing_is_in_real_doubt() -> None:
    fresh = as_hit(NUEVO_CAMINO | {"stale": False})
    old = as_hit(NUEVO_CAMINO | {"stale": True})
    closed = as_hit(NUEVO_CAMINO | {"status": "temporarily_closed", "stale": True})
    # A listing within its source's refresh period says its date quietly, and nothing else.
    assert build_card(fresh, "en").doubt is None
    assert build_card(fresh, "en").updated.startswith("Last updated")
    # Older than its source's refresh period: in doubt, and still dated in the last line.
    assert build_card(old, "en").doubt == "This listing may be out of date: call before you go."
    assert build_card(old, "en").updated.startswith("Last updated")
    assert build_card(closed, "es").doubt == (
        "Cerrado temporalmente, según su fuente: llame antes de ir."
    )


REPORTED = "A problem was reported and is being checked: call before you go."
CLOSED = "Temporarily closed, says its source: call before you go."
STALE = "This listing may be out of date: call before you go."


@pytest.mark.parametrize(
    ("changes", "reported", "expected"),
    [
        ({}, False, None),
        ({}, True, REPORTED),
        ({"stale": True}, True, REPORTED),
        ({"status": "temporarily_closed"}, True, CLOSED),
        ({"stale": True}, False, STALE),
    ],
)
def test_one_warning_the_strongest_reason_first(
    changes: dict[str, object], reported: bool, expected: str | None
) -> None:
    hit = as_hit(NUEVO_CAMINO | {"stale": False} | changes)
    assert build_card(hit, "en", reported=reported).doubt == expected


def test_a_stewards_check_is_said_in_the_quiet_line() -> None:
    # The check is invented: the sample listing was never verified.
    hit = as_hit(NUEVO_CAMINO | {"checked": {"on": "2026-11-30", "by": "SEPIA Intergroup"}})
    assert build_card(hit, "en").checked == "Checked by SEPIA Intergroup on Nov 30, 2026"
    assert build_card(hit, "es").checked == "Revisado por SEPIA Intergroup el 30 nov 2026"
    assert build_card(as_hit(NUEVO_CAMINO), "en").checked is None


@pytest.mark.parametrize(
    ("note", "languages", "shown"),
    [
        ("Spanish-Speaking", ["es"], False),
        ("Spanish speaking", ["es", "en"], False),
        ("Español", ["es"], False),
        ("Spanish-Speaking", ["en"], True),
        ("Spanish-speaking step study, bring a Big Book", ["es"], True),
        (None, ["es"], False),
    ],
)
def test_a_note_that_only_names_a_shown_language_is_left_out(
    note: str | None, languages: list[str], shown: bool
) -> None:
    hit = as_hit(NUEVO_CAMINO | {"description": note, "languages": languages})
    assert (build_card(hit, "es").description is not None) == shown


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Text HOME to 741741"), ("es", "Envíe HOME al 741741")]
)
def test_a_text_only_line_gets_a_text_button(lang: Lang, label: str) -> None:
    # The real Crisis Text Line record of seed_data/pathways/helplines.json, as returned.
    line = {
        "id": "pathways-helplines-crisis-text-line",
        "kind": "helpline",
        "name": "Crisis Text Line",
        "needs": ["crisis", "mental_health"],
        "status": "active",
        "tags": ["Crisis line", "Text", "24/7"],
        "contact": {"text_number": "741741", "text_keyword": "HOME"},
        "provenance": NUEVO_CAMINO["provenance"],
    }
    card = build_card(as_hit(line), lang)
    assert (card.phone, card.text_href, card.text_label) == (None, "sms:741741?body=HOME", label)
    # A meeting's contact phone is to call, never offered for texts.
    assert build_card(as_hit(NUEVO_CAMINO), lang).text_href is None
