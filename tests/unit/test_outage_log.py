"""Meilisearch's outages in the log: one line when searches start failing, one when back."""

from __future__ import annotations

import logging

import pytest

from service.search.outage import OutageLog


class Clock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def test_an_outage_is_two_lines_however_many_requests_fail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    outage = OutageLog(clock=clock)
    caplog.set_level(logging.INFO, logger="pathways.search")
    outage.succeeded()
    for _ in range(15_000):
        outage.failed("Meilisearch did not answer in time")
    assert outage.down
    clock.now_s = 125.0
    outage.succeeded()
    outage.succeeded()
    assert not outage.down
    assert [r.getMessage() for r in caplog.records] == [
        "Meilisearch unavailable (Meilisearch did not answer in time): searches answer 503 "
        "until it is back",
        "Meilisearch available again after 25.0 s (15000 requests to it failed meanwhile)",
    ]


def test_each_outage_is_logged_on_its_own(caplog: pytest.LogCaptureFixture) -> None:
    outage = OutageLog(clock=Clock())
    caplog.set_level(logging.INFO, logger="pathways.search")
    for _ in range(2):
        outage.failed("Meilisearch cannot be reached")
        outage.failed("Meilisearch cannot be reached")
        outage.succeeded()
    assert len(caplog.records) == 4
    assert "(2 requests" in caplog.records[-1].getMessage()
