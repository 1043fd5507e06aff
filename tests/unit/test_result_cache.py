"""The result cache: a result is served only for the index version read after the search
arrived, version reads are shared, and nothing outlives a version change."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable

import pytest

from service.errors import SearchUnavailableError
from service.search.deadline import start_deadline
from service.search.result_cache import FreshVersion, ResultCache
from service.settings import SettingsError, from_env

# Longer than any test holds a read open, unless the test is about the deadline.
WAIT_S = 30.0


class Index:
    """A stand-in for Meilisearch's index version: reads can be held open by the test."""

    def __init__(self) -> None:
        self.version = 1
        self.reads = 0
        self.gate: asyncio.Event | None = None
        self.fail = False

    async def read(self) -> Hashable:
        self.reads += 1
        started_at = self.version
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise SearchUnavailableError("Meilisearch cannot be reached")
        # What a real read answers: the version when the request reached the server.
        return started_at


async def settle() -> None:
    """Let every ready task run until it waits."""
    for _ in range(10):
        await asyncio.sleep(0)


def counter() -> tuple[list[int], Callable[[], Awaitable[str]]]:
    calls: list[int] = []

    async def compute() -> str:
        calls.append(1)
        await asyncio.sleep(0)
        return f"result {len(calls)}"

    return calls, compute


async def test_repeated_question_is_served_from_the_cache() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    calls, compute = counter()
    first = await cache.get("q", compute)
    second = await cache.get("q", compute)
    assert (first, second, len(calls)) == ("result 1", "result 1", 1)
    assert (cache.hits, cache.misses) == (1, 1)
    # Every search read the version, even the one served from the cache.
    assert index.reads == 2


async def test_a_new_version_is_never_answered_from_the_old_one() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    calls, compute = counter()
    assert await cache.get("q", compute) == "result 1"
    index.version = 2  # a publish finished
    assert await cache.get("q", compute) == "result 2"
    assert len(calls) == 2
    assert len(cache) == 1


async def test_a_read_already_in_flight_does_not_answer_later_arrivals() -> None:
    index = Index()
    version = FreshVersion(index.read, timeout_s=WAIT_S)
    index.gate = asyncio.Event()
    early = asyncio.create_task(version.current())
    await settle()
    assert index.reads == 1
    # A publish lands while the first read is on its way, then a search arrives.
    index.version = 2
    late = asyncio.create_task(version.current())
    also_late = asyncio.create_task(version.current())
    await settle()
    assert index.reads == 1
    index.gate.set()
    assert await early == 1
    # The late searches waited for a read that started after they arrived, and shared it.
    assert await late == 2
    assert await also_late == 2
    assert index.reads == 2


async def test_searches_waiting_together_share_one_read() -> None:
    index = Index()
    version = FreshVersion(index.read, timeout_s=WAIT_S)
    results = await asyncio.gather(*(version.current() for _ in range(16)))
    assert results == [1] * 16
    assert index.reads == 1


async def test_version_read_failure_reaches_every_waiter_and_the_next_read_recovers() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    _, compute = counter()
    index.fail = True
    outcomes = await asyncio.gather(
        *(cache.get("q", compute) for _ in range(3)),
        return_exceptions=True,
    )
    assert all(isinstance(o, SearchUnavailableError) for o in outcomes)
    index.fail = False
    assert await cache.get("q", compute) == "result 1"


async def test_cached_result_is_not_served_while_meilisearch_is_down() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    _, compute = counter()
    await cache.get("q", compute)
    index.fail = True
    with pytest.raises(SearchUnavailableError):
        await cache.get("q", compute)


async def test_same_question_in_flight_is_computed_once() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    gate = asyncio.Event()
    calls: list[int] = []

    async def slow() -> str:
        calls.append(1)
        await gate.wait()
        return "answer"

    tasks = [asyncio.create_task(cache.get("q", slow)) for _ in range(5)]
    await asyncio.sleep(0.01)
    gate.set()
    assert await asyncio.gather(*tasks) == ["answer"] * 5
    assert len(calls) == 1


async def test_failed_computation_is_not_kept() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    attempts: list[int] = []

    async def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise SearchUnavailableError("Meilisearch did not answer in time")
        return "answer"

    with pytest.raises(SearchUnavailableError):
        await cache.get("q", flaky)
    assert await cache.get("q", flaky) == "answer"
    assert len(cache) == 1


async def test_result_computed_across_a_publish_is_not_kept_for_the_new_version() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    publish_during = asyncio.Event()

    async def during_publish() -> str:
        index.version = 2
        # Another search sees the new version while this one is still computing.
        await cache.get("other", counter()[1])
        publish_during.set()
        return "mixed"

    assert await cache.get("q", during_publish) == "mixed"
    assert publish_during.is_set()
    calls, compute = counter()
    assert await cache.get("q", compute) == "result 1"
    assert len(calls) == 1


async def test_least_recently_used_entries_go_first() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S, max_entries=2)
    calls, compute = counter()
    for key in ("a", "b", "a", "c"):
        await cache.get(key, compute)
    assert len(cache) == 2
    await cache.get("a", compute)
    await cache.get("b", compute)
    # a and c were kept; b had been evicted and is computed again.
    assert len(calls) == 4


async def test_zero_entries_turns_it_off_and_reads_no_version() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S, max_entries=0)
    calls, compute = counter()
    await cache.get("q", compute)
    await cache.get("q", compute)
    assert (len(calls), index.reads, len(cache)) == (2, 0, 0)


@pytest.mark.parametrize(("raw", "entries"), [(None, 512), ("0", 0), ("2000", 2000)])
def test_size_is_a_setting(raw: str | None, entries: int) -> None:
    env = {"PATHWAYS_MEILI_URL": "http://127.0.0.1:7700"}
    if raw is not None:
        env["PATHWAYS_RESULT_CACHE_ENTRIES"] = raw
    assert from_env(env).result_cache_entries == entries


def test_a_bad_size_names_the_variable() -> None:
    env = {"PATHWAYS_MEILI_URL": "http://127.0.0.1:7700", "PATHWAYS_RESULT_CACHE_ENTRIES": "lots"}
    with pytest.raises(SettingsError, match="PATHWAYS_RESULT_CACHE_ENTRIES"):
        from_env(env)


async def test_a_waiter_on_a_shared_read_gives_up_at_its_own_deadline() -> None:
    index = Index()
    index.gate = asyncio.Event()
    version = FreshVersion(index.read, timeout_s=WAIT_S)
    first = asyncio.create_task(version.current())
    await settle()

    async def late_caller() -> Hashable:
        start_deadline(0.2)
        return await version.current()

    started = asyncio.get_running_loop().time()
    with pytest.raises(SearchUnavailableError, match="in time"):
        await late_caller()
    assert asyncio.get_running_loop().time() - started < 0.5
    # The shared read goes on for the others.
    index.gate.set()
    assert await first == 1


async def test_a_search_waiting_on_the_same_question_gives_up_at_its_deadline() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "answer"

    first = asyncio.create_task(cache.get("k", slow))
    await settle()

    async def same_question() -> str:
        start_deadline(0.2)
        return await cache.get("k", slow)

    with pytest.raises(SearchUnavailableError, match="in time"):
        await same_question()
    gate.set()
    assert await first == "answer"


async def test_a_hit_is_not_answered_sooner_than_its_miss_was() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)

    async def slow() -> str:
        await asyncio.sleep(0.15)
        return "answer"

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await cache.get("k", slow) == "answer"
    miss_s = loop.time() - started
    started = loop.time()
    assert await cache.get("k", slow) == "answer"
    hit_s = loop.time() - started
    assert cache.hits == 1
    assert hit_s >= miss_s - 0.02


async def test_a_hit_waits_no_longer_than_its_requests_deadline() -> None:
    index = Index()
    cache = ResultCache[str](index.read, timeout_s=WAIT_S)

    async def slow() -> str:
        await asyncio.sleep(0.5)
        return "answer"

    await cache.get("k", slow)

    async def hurried() -> str:
        start_deadline(0.1)
        return await cache.get("k", slow)

    started = asyncio.get_running_loop().time()
    assert await hurried() == "answer"
    assert asyncio.get_running_loop().time() - started < 0.3
