"""The rate limiter (fixed windows, bounded keys) and how client addresses become keys."""

from __future__ import annotations

import pytest

from service.http.rate_limit import ClientKeys, RateLimitedError, RateLimiter, client_address


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
