"""The replica pool: round robin over healthy replicas, down ones last, and the settings."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

import pytest

from service.errors import SearchUnavailableError
from service.search.deadline import start_deadline
from service.search.replicas import (
    FAILOVER_SHARE,
    ReplicaChangedError,
    ReplicaPool,
    ReplicaVersion,
    attempt_budget_s,
    request_replica,
)
from service.search.result_cache import ResultCache
from service.settings import SettingsError, from_env, meili_urls, replica_label

URLS = ("http://a:7700", "http://b:7700", "http://c:7700")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("down", "tried", "expected"),
    [
        # Round robin from the first: a, b, c, a.
        ((), (), [0, 1, 2, 0]),
        # A down replica gets nothing while others are up.
        ((1,), (), [0, 2, 0, 2]),
        # A replica this request already tried is skipped.
        ((), (0,), [1, 2, 1, 2]),
        # Every replica down: still asked, the one down for the shortest time first.
        ((0, 1, 2), (), [2, 2, 2, 2]),
        ((0, 1, 2), (2,), [1, 1, 1, 1]),
        # Every replica tried: none left.
        ((), (0, 1, 2), [None, None, None, None]),
    ],
)
def test_choose(down: tuple[int, ...], tried: tuple[int, ...], expected: list[int | None]) -> None:
    clock = Clock()
    pool = ReplicaPool(URLS, clock=clock)
    for replica in down:
        clock.now += 1
        assert pool.mark_down(replica)
    assert [pool.choose(tried) for _ in expected] == expected


def test_mark_down_and_up_report_changes_of_state_only() -> None:
    clock = Clock()
    pool = ReplicaPool(URLS[:2], clock=clock)
    assert pool.mark_up(0) is None
    assert pool.mark_down(0)
    assert not pool.mark_down(0)
    clock.now += 2.5
    assert pool.up() == [1]
    assert pool.mark_up(0) == 2.5
    assert pool.up() == [0, 1]
    assert [h.up for h in pool.health()] == [True, True]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("http://127.0.0.1:7700", "http://127.0.0.1:7700"),
        ("https://user:secret@meili.example.org/prefix", "https://meili.example.org"),
        ("http://meili-a:7700/", "http://meili-a:7700"),
    ],
)
def test_labels_carry_no_credentials_or_path(url: str, label: str) -> None:
    assert replica_label(url) == label


@pytest.mark.parametrize(
    ("left_s", "others", "budget_s"),
    [(2.0, True, 2.0 * FAILOVER_SHARE), (2.0, False, 2.0), (0.4, True, 0.4 * FAILOVER_SHARE)],
)
def test_attempt_budget(left_s: float, others: bool, budget_s: float) -> None:
    assert attempt_budget_s(left_s, others_left=others) == pytest.approx(budget_s)


@pytest.mark.parametrize(
    ("env", "urls"),
    [
        ({"PATHWAYS_MEILI_URL": "http://a:7700/"}, ("http://a:7700",)),
        (
            {"PATHWAYS_MEILI_URLS": "http://a:7700, http://b:7700"},
            ("http://a:7700", "http://b:7700"),
        ),
        # The list wins over the single URL; repeats are dropped, the order kept.
        (
            {
                "PATHWAYS_MEILI_URL": "http://x:1",
                "PATHWAYS_MEILI_URLS": "http://b:1,http://a:1,http://b:1",
            },
            ("http://b:1", "http://a:1"),
        ),
        ({"PATHWAYS_MEILI_URLS": " , "}, ()),
    ],
)
def test_meili_urls(env: dict[str, str], urls: tuple[str, ...]) -> None:
    assert meili_urls(env) == urls


def test_settings_hold_every_replica_and_the_first_as_meili_url() -> None:
    settings = from_env({"PATHWAYS_MEILI_URLS": "http://a:7700,http://b:7700"})
    assert settings.meili_url == "http://a:7700"
    assert settings.replica_urls == ("http://a:7700", "http://b:7700")
    single = from_env({"PATHWAYS_MEILI_URL": "http://a:7700"})
    assert single.meili_urls == ()
    assert single.replica_urls == ("http://a:7700",)


def test_a_url_that_is_not_http_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match=r"PATHWAYS_MEILI_URLS.*meili-b:7700"):
        from_env({"PATHWAYS_MEILI_URLS": "http://a:7700,meili-b:7700"})


class Replicas:
    """Stand-in versions of two replicas (invented), and which one the request is on."""

    def __init__(self) -> None:
        self.versions = {0: ("resources", "c", "1"), 1: ("resources", "c", "9")}
        self.reads = 0
        self.next = 0

    async def current(self) -> Hashable:
        self.reads += 1
        pin = request_replica()
        assert pin is not None
        if pin.index is None:
            pin.index, self.next = self.next, 1 - self.next
        return ReplicaVersion(replica=pin.index, index=self.versions[pin.index])


async def test_results_are_kept_per_replica_version() -> None:
    replicas = Replicas()
    cache = ResultCache[str](replicas, timeout_s=30)
    computed: list[int | None] = []

    async def compute() -> str:
        pin = request_replica()
        assert pin is not None
        computed.append(pin.index)
        return f"from {pin.index}"

    async def ask() -> str:
        start_deadline(30)
        return await cache.get("q", compute)

    answers = [await asyncio.create_task(ask()) for _ in range(4)]
    assert answers == ["from 0", "from 1", "from 0", "from 1"]
    # One computation per replica: the two replicas' entries live side by side.
    assert computed == [0, 1]
    replicas.versions[1] = ("resources", "c", "10")
    assert [await asyncio.create_task(ask()) for _ in range(2)] == ["from 0", "from 1"]
    assert computed == [0, 1, 1]
    assert len(cache) == 2


async def test_a_result_whose_replica_fails_part_way_starts_over_on_another() -> None:
    replicas = Replicas()
    cache = ResultCache[str](replicas, timeout_s=30)
    attempts: list[int | None] = []

    async def compute() -> str:
        pin = request_replica()
        assert pin is not None
        attempts.append(pin.index)
        if pin.index == 0:
            raise ReplicaChangedError("Meilisearch cannot be reached")
        return f"from {pin.index}"

    start_deadline(30)
    assert await cache.get("q", compute) == "from 1"
    assert attempts == [0, 1]


async def test_a_failure_that_is_not_a_replica_change_is_not_retried() -> None:
    cache = ResultCache[str](Replicas(), timeout_s=30)
    attempts: list[int] = []

    async def compute() -> str:
        attempts.append(1)
        raise SearchUnavailableError("Meilisearch cannot be reached")

    start_deadline(30)
    with pytest.raises(SearchUnavailableError):
        await cache.get("q", compute)
    assert attempts == [1]
