"""Entity tags and content coding for conditional GETs: tables of pure functions."""

from __future__ import annotations

import pytest

from service.formats.conditional import accepts_gzip, none_match, strong_etag

TAG = '"0123abcd"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ('"0123abcd"', True),
        ('W/"0123abcd"', True),
        ('"other", "0123abcd"', True),
        ('"other"', False),
        ("*", True),
        ("0123abcd", False),
        ('"0123abc"', False),
    ],
)
def test_none_match(header: str | None, expected: bool) -> None:
    assert none_match(header, TAG) is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("*", True),
        ("*, gzip;q=0", False),
        ("GZIP", True),
        ("gzip;q=abc", False),
    ],
)
def test_accepts_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_strong_etag_is_quoted_stable_and_separates_parts() -> None:
    tag = strong_etag(("a", b"bc"))
    assert tag == strong_etag(("a", "bc"))
    assert tag.startswith('"')
    assert tag.endswith('"')
    assert len(tag) == 34
    assert tag != strong_etag(("ab", "c"))
    assert tag != strong_etag(("a", "bc", ""))
