"""Partners file parsing, origin checks, preset narrowing and the per-partner rate limit."""

from __future__ import annotations

import pytest

from service.http.partners import (
    PartnerConfigError,
    PartnerPresets,
    narrow_filters,
    narrow_radius_km,
    normalize_origin,
    origin_allowed,
    parse_partners,
)
from service.http.rate_limit import RateLimiter
from service.settings import PROJECT_ROOT, from_env

DEMO = """
[[partner]]
key = "demo"
name = "Example Recovery Community Center (demo)"
origins = ["http://localhost:8001", "HTTP://127.0.0.1:8001/"]
rate_limit_per_min = 3
[partner.presets]
kind = ["Meeting"]
near = "Philadelphia, PA"
radius_km = 40
"""


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://localhost:8001", "http://localhost:8001"),
        ("HTTPS://Example.ORG", "https://example.org"),
        ("https://example.org:443", "https://example.org"),
        ("http://example.org:80/", "http://example.org"),
        ("https://example.org:8443", "https://example.org:8443"),
        ("http://[::1]:8001", "http://[::1]:8001"),
    ],
)
def test_origins_are_normalized(origin: str, expected: str) -> None:
    assert normalize_origin(origin) == expected


@pytest.mark.parametrize(
    "origin",
    [
        "ftp://example.org",
        "example.org",
        "https://example.org/page",
        "https://a@example.org",
        "https://example.org/?q=1",
        "",
    ],
)
def test_non_origins_are_refused(origin: str) -> None:
    with pytest.raises(ValueError, match="origin"):
        normalize_origin(origin)


def test_the_demo_partner_parses_with_normalized_origins_and_codes() -> None:
    partner = parse_partners(DEMO).get("demo")
    assert partner is not None
    assert partner.origins == ("http://localhost:8001", "http://127.0.0.1:8001")
    assert partner.presets.codes("kind") == ("meeting",)
    assert partner.presets.radius_km == 40
    assert partner.per_page == 10


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:8001", True),
        ("http://127.0.0.1:8001", True),
        ("http://127.0.0.1:8002", False),
        ("https://localhost:8001", False),
        ("null", False),
        ("", False),
        (None, False),
        ("not a url", False),
    ],
)
def test_only_declared_origins_are_allowed(origin: str | None, allowed: bool) -> None:
    partner = parse_partners(DEMO).get("demo")
    assert partner is not None
    assert origin_allowed(partner, origin) is allowed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[partner]]\nkey = "x"\nname = "X"\norigins = ["ftp://x"]', "http"),
        ('[[partner]]\nkey = "x"\nname = "X"\norigins = []', "at least one"),
        (
            '[[partner]]\nkey = "x"\nname = "X"\norigins = ["http://a"]\n'
            '[partner.presets]\nkind = ["spaceship"]',
            "not an allowed value",
        ),
        (
            '[[partner]]\nkey = "x"\nname = "X"\norigins = ["http://a"]\n'
            '[partner.presets]\nnear = "<script>"',
            "presets",
        ),
        (
            '[[partner]]\nkey = "x"\nname = "X"\norigins = ["http://a"]\n'
            "[partner.presets]\nradius_km = 10",
            "needs presets.near",
        ),
        ('[[partner]]\nkey = "x"\nname = "X"\norigins = ["http://a"]\ncolour = "red"', "colour"),
        ('[[partner]]\nkey = "Bad Key"\nname = "X"\norigins = ["http://a"]', "key"),
        (
            '[[partner]]\nkey = "x"\nname = "X"\norigins = ["http://a"]\n'
            '[[partner]]\nkey = "x"\nname = "Y"\norigins = ["http://b"]',
            "unique",
        ),
        ("[[partner]\n", "partners file"),
    ],
)
def test_bad_partner_files_fail_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(PartnerConfigError, match=message):
        parse_partners(text)


def test_the_shipped_config_has_one_example_partner() -> None:
    registry = parse_partners((PROJECT_ROOT / "config" / "partners.toml").read_text())
    assert registry.keys == ["demo"]
    demo = registry.get("demo")
    assert demo is not None
    assert demo.example
    assert set(demo.origins) == {"http://localhost:8001", "http://127.0.0.1:8001"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, PROJECT_ROOT / "config" / "partners.toml"),
        ({"PATHWAYS_PARTNERS_FILE": "/etc/pathways/partners.toml"}, "/etc/pathways/partners.toml"),
    ],
)
def test_the_partners_file_comes_from_settings(env: dict[str, str], expected: object) -> None:
    settings = from_env({"PATHWAYS_MEILI_URL": "http://127.0.0.1:7700", **env})
    assert str(settings.partners_file) == str(expected)


PRESETS = PartnerPresets(filters={"kind": ("meeting",), "language": ("es", "en")})


@pytest.mark.parametrize(
    ("asked", "filters", "impossible"),
    [
        ({}, {"kind": ["meeting"], "language": ["es", "en"]}, False),
        ({"language": ["es"]}, {"kind": ["meeting"], "language": ["es"]}, False),
        # Asking for more than the preset cannot widen it.
        ({"language": ["es", "fr"]}, {"kind": ["meeting"], "language": ["es"]}, False),
        ({"kind": ["treatment"]}, {"kind": [], "language": ["es", "en"]}, True),
        (
            {"need": ["alcohol"]},
            {"kind": ["meeting"], "need": ["alcohol"], "language": ["es", "en"]},
            False,
        ),
    ],
)
def test_presets_and_visitor_filters_are_anded(
    asked: dict[str, list[str]], filters: dict[str, list[str]], impossible: bool
) -> None:
    narrowed = narrow_filters(PRESETS, asked)
    assert narrowed.filters == filters
    assert narrowed.impossible is impossible


@pytest.mark.parametrize(
    ("preset_km", "asked_km", "expected"),
    [
        (None, None, None),
        (None, 10.0, 10.0),
        (40.0, None, 40.0),
        (40.0, 10.0, 10.0),
        (40.0, 250.0, 40.0),
    ],
)
def test_the_radius_is_never_wider_than_the_partners(
    preset_km: float | None, asked_km: float | None, expected: float | None
) -> None:
    presets = PartnerPresets(near="19103", radius_km=preset_km)
    assert narrow_radius_km(presets, asked_km) == expected


def test_the_rate_limit_counts_per_partner_per_minute() -> None:
    limiter = RateLimiter()
    assert [limiter.retry_after_s("a", 2, now_s=600.0) for _ in range(3)] == [None, None, 60]
    assert limiter.retry_after_s("b", 2, now_s=610.0) is None
    assert limiter.retry_after_s("a", 2, now_s=645.0) == 15
    assert limiter.retry_after_s("a", 2, now_s=660.0) is None
