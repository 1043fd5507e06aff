"""`stale` is computed when a listing is served, from its sources' dates and the clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.contract.documents import Provenance, SearchHit
from service.search.freshness import Freshness, is_stale, last_verified, parse_date, with_stale

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def provenance(updated_at: str | None, source: str = "s") -> Provenance:
    return Provenance(
        source=source, source_name=source, source_record_id="1", updated_at=updated_at
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
