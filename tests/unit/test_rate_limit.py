"""The rate limiter (fixed windows, bounded keys) and how client addresses become keys."""

from __future__ import annotations

import pytest

from service.http.rate_limit import (
    ClientKeys,
    PartnerQuota,
    RateLimitedError,
    RateLimiter,
    client_address,
    visitor_share,
)


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now_s: float) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s


@pytest.mark.parametrize(
    ("times_s", "limit", "expected"),
    [
        # Three requests in one window with a limit of two: the third waits for the next.
        ([600.0, 600.0, 600.0], 2, [None, None, 60]),
        ([600.0, 610.0, 645.0], 2, [None, None, 15]),
        # A new window starts afresh.
        ([600.0, 601.0, 660.0, 661.0], 2, [None, None, None, None]),
        ([659.5, 659.6], 1, [None, 1]),
        ([0.0] * 4, 3, [None, None, None, 60]),
    ],
)
def test_fixed_window_counts(times_s: list[float], limit: int, expected: list[int | None]) -> None:
    clock = FakeClock(0.0)
    limiter = RateLimiter(clock=clock)
    got = []
    for t in times_s:
        clock.now_s = t
        got.append(limiter.retry_after_s("k", limit))
    assert got == expected


def test_keys_are_counted_apart() -> None:
    limiter = RateLimiter(clock=FakeClock(1000.0))
    assert limiter.retry_after_s("a", 1) is None
    assert limiter.retry_after_s("b", 1) is None
    assert limiter.retry_after_s("a", 1) == 20
    assert limiter.retry_after_s("b", 1) == 20


def test_refused_requests_do_not_count() -> None:
    clock = FakeClock(0.0)
    limiter = RateLimiter(clock=clock)
    assert [limiter.retry_after_s("k", 1) for _ in range(5)] == [None, 60, 60, 60, 60]
    clock.now_s = 60.0
    assert limiter.retry_after_s("k", 1) is None


def test_a_shorter_window() -> None:
    clock = FakeClock(12.0)
    limiter = RateLimiter(window_s=10.0, clock=clock)
    assert [limiter.retry_after_s("k", 1) for _ in range(2)] == [None, 8]


def test_memory_is_bounded_least_recently_seen_first() -> None:
    limiter = RateLimiter(clock=FakeClock(0.0), max_keys=3)
    for key in ("a", "b", "c"):
        limiter.retry_after_s(key, 1)
    limiter.retry_after_s("a", 1)  # refused, and "a" is now the most recently seen
    limiter.retry_after_s("d", 1)  # "b" is dropped
    assert len(limiter) == 3
    assert limiter.retry_after_s("a", 1) == 60
    assert limiter.retry_after_s("b", 1) is None  # forgotten, so counted afresh


def test_client_keys_hide_the_address() -> None:
    keys = ClientKeys(secret=b"k" * 32)
    key = keys.key("203.0.113.9")
    assert key == keys.key("203.0.113.9")
    assert key != keys.key("203.0.113.10")
    assert "203" not in key
    assert "113" not in key
    # Another process (another secret) gets other keys for the same address.
    assert ClientKeys(secret=b"j" * 32).key("203.0.113.9") != key


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"client": ("198.51.100.7", 5000)}, "198.51.100.7"),
        ({"client": ["::1", 5000]}, "::1"),
        ({"client": None}, "unknown"),
        ({}, "unknown"),
    ],
)
def test_client_address(scope: dict[str, object], expected: str) -> None:
    assert client_address(scope) == expected  # type: ignore[arg-type]


def test_the_error_carries_retry_after() -> None:
    error = RateLimitedError("slow down", retry_after_s=17)
    assert error.status_code == 429
    assert error.response_headers() == {"Retry-After": "17"}


@pytest.mark.parametrize(("limit", "share"), [(1, 1), (4, 1), (5, 2), (120, 30), (1000, 250)])
def test_one_address_gets_a_quarter_of_a_partners_quota(limit: int, share: int) -> None:
    assert visitor_share(limit) == share


def test_a_partners_quota_outlasts_one_greedy_address() -> None:
    quota = PartnerQuota(limiter=RateLimiter(window_s=60.0), keys=ClientKeys(b"k" * 32))
    refused = [quota.retry_after_s("p", 8, "192.0.2.1", now_s=0.0) for _ in range(8)]
    assert refused[:2] == [None, None]
    # Refused as that address alone, and not counted against the partner.
    assert all(r is not None and r[1] for r in refused[2:])
    others = [quota.retry_after_s("p", 8, f"192.0.2.{n}", now_s=1.0) for n in range(2, 8)]
    assert others == [None] * 6
    over = quota.retry_after_s("p", 8, "192.0.2.9", now_s=2.0)
    assert over == (58, False)
