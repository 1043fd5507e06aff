"""`stale` is computed when a listing is served, from its sources' dates and the clock."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from service.contract.documents import Checked, Provenance, SearchHit
from service.search.freshness import (
    Freshness,
    good_until,
    hit_is_stale,
    is_stale,
    last_verified,
    parse_date,
    with_stale,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def provenance(
    updated_at: str | None, source: str = "s", refresh_days: int | None = None
) -> Provenance:
    return Provenance(
        source=source,
        source_name=source,
        source_record_id="1",
        updated_at=updated_at,
        refresh_days=refresh_days,
    )


@pytest.mark.parametrize(
    ("dates", "days", "stale"),
    [
        (["2026-06-01"], 365, False),
        (["2025-11-23T12:00:00"], 365, False),  # exactly the limit: not older than it
        (["2025-11-23T11:59:59"], 365, True),
        (["2020-04-09"], 365, True),  # the SAMHSA list's date
        (["2020-04-09"], 3000, False),  # a longer limit
        (["2020-04-09", "2026-01-05"], 365, False),  # merged: the most recent source counts
        ([None], 365, False),  # no date: nothing says it is old
        (["not a date"], 365, False),
        (["2026-11-20T10:00:00Z"], 1, True),
        (["2026-11-23T09:00:00-05:00"], 0.1, False),  # 14:00 UTC, after NOW
    ],
)
def test_is_stale(dates: list[str | None], days: float, stale: bool) -> None:
    provenances = [provenance(d, f"s{i}") for i, d in enumerate(dates)]
    assert is_stale(provenances, now=NOW, stale_after_days=days) == stale


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-06-10", datetime(2021, 6, 10, tzinfo=UTC)),
        ("2023-03-15T10:30:45", datetime(2023, 3, 15, 10, 30, 45, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_last_verified_is_the_latest_date() -> None:
    dates = [provenance("2020-01-01"), provenance(None), provenance("2024-05-06")]
    assert last_verified(dates) == datetime(2024, 5, 6, tzinfo=UTC)


def test_hits_get_the_flag_at_the_instant_given() -> None:
    hit = SearchHit(
        id="x-1",
        kind="meeting",
        name="Example",
        status="active",
        provenance=provenance("2025-12-01"),
    )
    freshness = Freshness(stale_after_days=365)
    assert with_stale([hit], freshness, now=NOW)[0].stale is False
    assert with_stale([hit], freshness, now=datetime(2027, 1, 1, tzinfo=UTC))[0].stale is True


@pytest.mark.parametrize(
    ("dates", "stale"),
    [
        ([("2025-06-01", 730)], False),  # a meeting feed: two years
        ([("2024-06-01", 730)], True),
        ([("2026-06-01", 90)], True),  # a source that refreshes every quarter
        ([("2026-06-01", None)], False),  # no period of its own: the default (365)
        # Merged: each date is good for its own source's period; one good date is enough.
        ([("2026-06-01", 90), ("2025-06-01", 730)], False),
        ([("2026-06-01", 90), ("2024-06-01", 730)], True),
    ],
)
def test_each_source_has_its_own_refresh_period(
    dates: list[tuple[str, int | None]], stale: bool
) -> None:
    # The periods are invented, to cover the rule; the real ones are in seed_data/sources.toml.
    provenances = [provenance(d, f"s{i}", days) for i, (d, days) in enumerate(dates)]
    assert is_stale(provenances, now=NOW, stale_after_days=365) == stale


@pytest.mark.parametrize(
    ("checked_on", "stale"),
    [
        (None, True),
        ("2026-11-20", False),  # a steward checked it last week
        ("2025-11-23", False),  # the day a year ago counts whole
        ("2025-11-21", True),  # a check older than the default period does not help
    ],
)
def test_a_stewards_check_is_the_most_recent_date(checked_on: str | None, stale: bool) -> None:
    checked = Checked(on=checked_on, by="SEPIA Intergroup") if checked_on else None
    old = [provenance("2020-04-09")]
    assert is_stale(old, now=NOW, stale_after_days=365, checked=checked) == stale


def test_a_check_alone_dates_an_undated_listing() -> None:
    checked = Checked(on="2026-01-01", by="SEPIA Intergroup")
    assert good_until([provenance(None)], None, stale_after_days=365) is None
    assert good_until([provenance(None)], checked, stale_after_days=30) == datetime(
        2026, 2, 1, tzinfo=UTC
    )


def test_the_newer_of_the_indexed_check_and_a_given_one_counts() -> None:
    hit = SearchHit(
        id="x-1",
        kind="meeting",
        name="Example",
        status="active",
        provenance=provenance("2020-04-09"),
        checked=Checked(on="2021-01-01", by="Old check"),
    )
    freshness = Freshness(stale_after_days=365)
    assert hit_is_stale(hit, freshness, now=NOW)
    newer = Checked(on="2026-11-01", by="SEPIA Intergroup")
    assert not hit_is_stale(hit, freshness, now=NOW, checked=newer)
    older = Checked(on="2019-01-01", by="Older")
    assert hit_is_stale(hit, freshness, now=NOW, checked=older)


@pytest.mark.parametrize(
    ("updated_at", "edition", "stale"),
    [
        # The seed's Philadelphia feed: its newest edit is 2022-10-14, and meeting feeds
        # keep a date good for two years.
        ("2022-09-30", "2022-10-14T22:24:55", False),  # in step with its feed, however old
        ("2020-11-01", "2022-10-14T22:24:55", False),  # within two years of the feed's newest
        ("2019-06-01", "2022-10-14T22:24:55", True),  # lagging its own feed by three years
        ("2019-06-01", None, True),  # no edition known: counted to now
        ("2026-06-01", None, False),
    ],
)
def test_a_date_is_counted_to_its_sources_newest(
    updated_at: str, edition: str | None, stale: bool
) -> None:
    p = msgspec.structs.replace(provenance(updated_at, refresh_days=730), source_updated_at=edition)
    assert is_stale([p], now=NOW, stale_after_days=365) == stale
