"""Taking reports (pure): the fields, the rotating client keys, the limit, form tokens, and
the forward link."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from service.contract.documents import IndexDocument, Provenance
from service.errors import BadParameterError
from service.reporting.guards import FormTokens, ReportLimiter, RotatingClientKeys
from service.reporting.intake import ReportInput, read_report
from service.review.forward import forward_link
from service.store.records import Report


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"problem": "closed"}, ReportInput(problem="closed")),
        (
            {"problem": "other", "details": "  a\\nb  ", "contact": " x  y "},
            ReportInput(problem="other", details="a\\nb", contact="x y"),
        ),
        ({"problem": "moved", "details": "   ", "homepage": ""}, ReportInput(problem="moved")),
        (
            {"problem": "moved", "homepage": "http://spam"},
            ReportInput(problem="moved", honeypot_filled=True),
        ),
        (
            {"problem": "moved", "details": "é" * 500},
            ReportInput(problem="moved", details="é" * 500),
        ),
    ],
)
def test_read_report(values: dict[str, Any], expected: ReportInput) -> None:
    assert read_report(values) == expected


@pytest.mark.parametrize(
    ("values", "parameter"),
    [
        ({}, "problem"),
        ({"problem": "Closed"}, "problem"),
        ({"problem": ["closed"]}, "problem"),
        ({"problem": "other", "details": "x" * 501}, "details"),
        ({"problem": "other", "contact": ["a"]}, "contact"),
        ({"problem": "other", "email": "a@b"}, "email"),
    ],
)
def test_read_report_names_the_bad_field(values: dict[str, Any], parameter: str) -> None:
    with pytest.raises(BadParameterError) as caught:
        read_report(values)
    assert caught.value.parameter == parameter


def test_client_keys_rotate_with_the_day() -> None:
    now = [1_000_000.0]
    keys = RotatingClientKeys(clock=lambda: now[0])
    first = keys.key("203.0.113.7")
    assert keys.key("203.0.113.7") == first
    assert keys.key("203.0.113.8") != first
    assert "203.0.113.7" not in first
    now[0] += 86_400
    assert keys.key("203.0.113.7") != first


def test_the_report_limit_counts_per_client_and_hour() -> None:
    now = [7_200.0]
    limiter = ReportLimiter(per_hour=3, clock=lambda: now[0])
    assert [limiter.retry_after_s("a") for _ in range(3)] == [None, None, None]
    assert limiter.retry_after_s("a") == 3600
    assert limiter.retry_after_s("b") is None
    now[0] += 3600
    assert limiter.retry_after_s("a") is None
    assert ReportLimiter(per_hour=0).retry_after_s("a") is None


def test_form_tokens_are_bound_to_the_listing_and_expire() -> None:
    now = [1_700_000_000.0]
    tokens = FormTokens(secret=b"k" * 32, clock=lambda: now[0], max_age_s=60)
    token = tokens.issue("listing-a")
    assert tokens.valid(token, "listing-a")
    assert not tokens.valid(token, "listing-b")
    assert not FormTokens(secret=b"j" * 32, clock=lambda: now[0]).valid(token, "listing-a")
    for bad in (None, "", "x", "abc.def", f"{int(now[0])}.{'0' * 32}", token + "0"):
        assert not tokens.valid(bad, "listing-a")
    now[0] += 61
    assert not tokens.valid(token, "listing-a")
    now[0] -= 120
    assert not tokens.valid(token, "listing-a")


def _doc(**provenance: Any) -> IndexDocument:
    values = {"source": "aasepia", "source_name": "SEPIA", "source_record_id": "slug"}
    return IndexDocument(
        id="d",
        kind="meeting",
        name="Sunrise",
        status="active",
        provenance=Provenance(**{**values, **provenance}),
    )


REPORT = Report(
    id="r",
    resource_id="d",
    source="aasepia",
    area="PA",
    problem="wrong_time",
    details="Now 19:30",
    contact="me@example.org",
    status="open",
    created_at=datetime(2026, 12, 1, tzinfo=UTC),
)


def test_forward_prefers_the_feedback_page_and_never_names_the_reporter() -> None:
    found = forward_link(
        _doc(feedback_url="https://aasepia.org/meeting-status/", source_url="https://a.org/m"),
        REPORT,
    )
    assert found is not None
    assert found.url == "https://aasepia.org/meeting-status/"
    assert "the time is wrong" in found.message
    assert "Now 19:30" in found.message
    assert "me@example.org" not in found.message
    listing = forward_link(_doc(source_url="https://a.org/m"), REPORT)
    assert listing is not None
    assert listing.url == "https://a.org/m"
    assert forward_link(_doc(source_url="javascript:alert(1)"), REPORT) is None
    assert forward_link(_doc(), REPORT) is None
