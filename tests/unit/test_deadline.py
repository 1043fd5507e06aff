"""One deadline per request: searches get the search timeout, bulk answers the export one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from service.errors import SearchUnavailableError
from service.search.deadline import SearchDeadlineMiddleware, remaining_s, within_deadline


@pytest.mark.parametrize(
    ("path", "budget_s"),
    [
        ("/v1/search", 2.0),
        ("/", 2.0),
        ("/hsds/services", 2.0),
        ("/v1/feeds/meeting-guide.json", 10.0),
        ("/v1/search.csv", 10.0),
    ],
)
async def test_each_request_starts_its_own_deadline(path: str, budget_s: float) -> None:
    seen: list[float] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(remaining_s(60.0))

    middleware = SearchDeadlineMiddleware(timeout_s=2.0, export_timeout_s=10.0)
    scope: Any = {"type": "http", "path": path}
    await middleware.handle(scope, None, None, app)  # type: ignore[arg-type]
    assert budget_s - 0.1 < seen[0] <= budget_s


def test_outside_a_request_each_call_keeps_its_own_timeout() -> None:
    assert remaining_s(7.0) == 7.0


async def test_a_shared_result_past_the_deadline_is_let_go_not_left_unretrieved() -> None:
    # A waiter whose time is already up never awaits the shared result: it must release it,
    # or the shared read's later failure is logged as "exception was never retrieved".
    inner: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    outer = asyncio.shield(inner)
    with pytest.raises(SearchUnavailableError):
        await within_deadline(outer, default_s=0)
    assert outer.cancelled()
    inner.set_exception(SearchUnavailableError("Meilisearch did not answer in time"))
    assert not inner.cancelled()
    inner.exception()
