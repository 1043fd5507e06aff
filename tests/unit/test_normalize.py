"""Shared normalizers: ids, ZIPs, phones, text scrubbing, keywords."""

from __future__ import annotations

import pytest

from indexer.normalize import (
    code_keywords,
    make_id,
    normalize_phone,
    normalize_state,
    normalize_url,
    normalize_zip,
    parse_coordinate,
    scrub_personal,
    with_keywords,
)
from service.contract.documents import DOCUMENT_ID_RE, IndexDocument, Provenance


@pytest.mark.parametrize(
    ("source", "record_id", "expected"),
    [
        ("aasepia", "meeting-1937-macdade-boulevard", "aasepia-meeting-1937-macdade-boulevard"),
        ("kc-aa", "259", "kc-aa-259"),
    ],
)
def test_safe_ids_stay_readable(source: str, record_id: str, expected: str) -> None:
    assert make_id(source, record_id) == expected


@pytest.mark.parametrize("record_id", ["a b", "é", "x/../y", "a" * 300, "recuhy4Yf84SA69m6!"])
def test_unsafe_ids_are_hashed_into_the_safe_alphabet(record_id: str) -> None:
    doc_id = make_id("src", record_id)
    assert DOCUMENT_ID_RE.match(doc_id)
    assert doc_id == make_id("src", record_id)  # stable across runs


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (6708, "06708"),  # SAMHSA stores ZIPs as numbers (real CT row)
        ("19103", "19103"),
        ("00919-1149", "00919"),
        ("191031234", "19103"),
        ("6708.0", "06708"),
        ("T6E 4E8", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_zip(value: object, expected: str | None) -> None:
    assert normalize_zip(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("860-276-3000", "860-276-3000"),
        ("(215) 555-0100", "215-555-0100"),
        ("+1 800 662 4357", "800-662-4357"),
        ("860-276-3000 x301", "860-276-3000 x301"),
        ("988", "988"),
        ("", None),
    ],
)
def test_normalize_phone(value: str, expected: str | None) -> None:
    assert normalize_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("pa", "PA"), ("PR", "PR"), ("Alberta", None), ("ZZ", None), (None, None)],
)
def test_normalize_state(value: str | None, expected: str | None) -> None:
    assert normalize_state(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://zoom.us/j/1", "https://zoom.us/j/1"),
        ("www.ct.gov", "https://www.ct.gov"),
        ("not a url", None),
        ("mailto:x@y.org", None),
    ],
)
def test_normalize_url(value: str, expected: str | None) -> None:
    assert normalize_url(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("39.87", 39.87), (-75.3, -75.3), ("200", None), ("abc", None), (None, None), (True, None)],
)
def test_parse_coordinate(value: object, expected: float | None) -> None:
    assert parse_coordinate(value, low=-90, high=90) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Call Mary 215-555-0100 or mary@example.org",
            "Call Mary [phone removed] or [email removed]",
        ),
        ("Opposite Woodlyn Shopping Center", "Opposite Woodlyn Shopping Center"),
        ("Meeting ID: 717 7182 8957", "Meeting ID: 717 7182 8957"),
        ("Meeting ID: 2041413017# Password: 123456", "Meeting ID: 2041413017# Password: 123456"),
        ("Zoom ID 204 141 3017", "Zoom ID 204 141 3017"),
        ("Contact Bob (610) 555-0199 for info", "Contact Bob [phone removed] for info"),
        # Members by first name and last initial, from real feeds (seed_data/meeting_guide).
        (
            "Zoom ID: 820 4498 5123, contact Melanie W. 714-321-3695 for password",
            "Zoom ID: 820 4498 5123, contact [name removed] [phone removed] for password",
        ),
        (
            "if you need help with directs, please call George B. at 610-710-6926",
            "if you need help with directs, please call [name removed] at [phone removed]",
        ),
        (
            "Please email Gary R. for password gary.r@example.org",
            "Please email [name removed] for password [email removed]",
        ),
        # The number after "password" is the member's, not the meeting's, once a name precedes.
        (
            "Zoom ID: 412 896 9912, contact Dolly C. for password (248) 568-6430",
            "Zoom ID: 412 896 9912, contact [name removed] for password [phone removed]",
        ),
        (
            "Additional Info: Questions contact Zach P. (415) 235-6758",
            "Additional Info: Questions contact [name removed] [phone removed]",
        ),
        (
            "Info counter for location or call Tony R 555-201-0100.",
            "Info counter for location or call [name removed] [phone removed].",
        ),
        (
            "Contact Stacey D at 555-201-0101 for the password",
            "Contact [name removed] at [phone removed] for the password",
        ),
        (
            "Newcomers call Kent L 555-201-0102 to meet face to face",
            "Newcomers call [name removed] [phone removed] to meet face to face",
        ),
        ("Ask for Mary S. or John D. at the door", "Ask for [name removed] at the door"),
        # Rooms, pen names and phrases with a capital and a letter are not members.
        ("Alano Club, Bill W. Room (room 2).", "Alano Club, Bill W. Room (room 2)."),
        (
            'Follows the book "Back to Basics" by Wally P.',
            'Follows the book "Back to Basics" by Wally P.',
        ),
        ("Meets in Suite G, Conference Room C", "Meets in Suite G, Conference Room C"),
        ("God As I Understand Him", "God As I Understand Him"),
        ("Call Building C for directions", "Call Building C for directions"),
    ],
)
def test_scrub_personal(text: str, expected: str) -> None:
    assert scrub_personal(text) == expected


def test_keywords_carry_english_and_spanish_labels() -> None:
    doc = IndexDocument(
        id="t-1",
        kind="meeting",
        status="active",
        name="Grupo Esperanza",
        languages=("es",),
        communities=("women",),
        provenance=Provenance(source="t", source_name="t", source_record_id="1"),
    )
    keywords = with_keywords(doc).keywords
    assert {"Spanish", "Español", "Women", "Mujeres", "Peer support meeting"} <= set(keywords)


def _doc(kind: str = "treatment", **codes: tuple[str, ...]) -> IndexDocument:
    return IndexDocument(
        id="t-2",
        kind=kind,  # type: ignore[arg-type]
        status="active",
        name="Somewhere",
        provenance=Provenance(source="t", source_name="t", source_record_id="2"),
        **codes,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("doc", "present", "absent"),
    [
        # Labels of every coded field, English and Spanish, costs included.
        (_doc(costs=("free",)), {"Treatment provider", "Free", "Gratis"}, set()),
        # Lay phrases of the codes: plain text finds what the codes mean.
        (_doc(needs=("harm_reduction",)), {"naloxone", "narcan", "fentanyl test strips"}, {"aa"}),
        # What a longer phrase holds word for word adds nothing.
        (_doc(needs=("harm_reduction",)), set(), {"test strips"}),
        # What people say in a crisis finds the crisis lines.
        (_doc("helpline", needs=("crisis",)), {"suicide", "suicidio", "want to die"}, set()),
        (_doc("housing", needs=("shelter",)), {"shelter", "albergue"}, {"naloxone"}),
        # A phrase reading as a kind and a need needs both: alcohol treatment is not "AA".
        (_doc(needs=("alcohol",)), {"alcohol"}, {"aa", "alcoholics anonymous"}),
        (_doc("meeting", needs=("alcohol",)), {"aa", "alcoholics anonymous"}, set()),
        (_doc("meeting", needs=("drugs",)), {"na", "narcotics anonymous"}, {"aa"}),
        # Several codes of one parameter are alternatives: MOUD alone is enough for Suboxone.
        (_doc(needs=("moud",)), {"suboxone"}, set()),
        (_doc(languages=("es",)), {"Spanish", "Español"}, {"naloxone"}),
    ],
)
def test_code_keywords(doc: IndexDocument, present: set[str], absent: set[str]) -> None:
    keywords = {k.casefold() for k in code_keywords(doc)}
    assert {p.casefold() for p in present} <= keywords
    assert not {a.casefold() for a in absent} & keywords


def test_code_keywords_are_unique_and_start_with_the_kind() -> None:
    keywords = code_keywords(_doc("meeting", needs=("alcohol", "peer_support")))
    assert keywords[:2] == ("Peer support meeting", "Reunión de apoyo mutuo")
    assert len(keywords) == len(set(keywords))
