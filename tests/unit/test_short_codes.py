"""Short codes: 7 stable characters per listing id, and shortlist links made of them."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.contract.short_codes import ALPHABET, SHORT_CODE_RE, short_code, split_codes
from service.web.pages import shortlist_codes, shortlist_url

# Real ids of seed_data listings.
NUEVO_CAMINO = "aasepia-meeting-1924-s-7th-st-philadelphia-pa-19148-usa-0-100000"
LIFELINE = "pathways-helplines-988-lifeline"


def test_a_code_is_seven_plain_characters_and_never_changes() -> None:
    # Fixed here so that a change to the scheme, which would break every shared link, shows.
    assert short_code(NUEVO_CAMINO) == short_code(NUEVO_CAMINO)
    assert SHORT_CODE_RE.match(short_code(NUEVO_CAMINO))
    assert short_code(LIFELINE) != short_code(NUEVO_CAMINO)
    assert not set("ilou") & set(ALPHABET)
    assert len(ALPHABET) == 32


def test_the_scheme_is_pinned() -> None:
    # sha256("pathways-helplines-988-lifeline"), first 35 bits, Crockford base32 in lower case.
    bits = int.from_bytes(hashlib.sha256(LIFELINE.encode()).digest()[:5]) >> 5
    expected = "".join(ALPHABET[(bits >> (5 * (6 - i))) & 31] for i in range(7))
    assert short_code(LIFELINE) == expected


@given(st.text(min_size=1, max_size=200))
def test_every_id_gets_a_code(resource_id: str) -> None:
    assert SHORT_CODE_RE.match(short_code(resource_id))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abcdefg", ["abcdefg"]),
        ("abcdefg0123456", ["abcdefg", "0123456"]),
        (" ABCDEFG ", ["abcdefg"]),
        ("abcdef", None),  # not a whole code
        ("abcdefgh", None),
        ("abcdefi", None),  # i is not in the alphabet
        ("", None),
        ("<script>", None),
    ],
)
def test_split_codes(value: str, expected: list[str] | None) -> None:
    assert split_codes(value) == expected


@pytest.mark.parametrize(
    ("values", "codes", "dropped"),
    [
        (["abcdefg", "0123456"], ["abcdefg", "0123456"], 0),
        (["abcdefg0123456", "abcdefg"], ["abcdefg", "0123456"], 0),  # repeats count once
        (["abcdefg", "nope", ""], ["abcdefg"], 1),
        (["".join(f"{i:07d}" for i in range(25))], [f"{i:07d}" for i in range(20)], 5),
    ],
)
def test_shortlist_codes(values: list[str], codes: list[str], dropped: int) -> None:
    assert shortlist_codes(values) == (codes, dropped)


def test_a_link_of_ten_is_short() -> None:
    codes = [short_code(f"{NUEVO_CAMINO}-{i}") for i in range(10)]
    assert len(shortlist_url(codes)) == 3 + 70
    assert shortlist_url(codes, [("lang", "es")]).endswith("?lang=es")
    assert shortlist_url([]) == "/shortlist"
