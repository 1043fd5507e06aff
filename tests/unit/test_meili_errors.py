"""The one Meilisearch error mapping: each failure -> our error, the message and the code."""

from __future__ import annotations

import pytest
import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)

from service.errors import SearchQueryError, SearchUnavailableError
from service.search.meili import (
    MeiliTask,
    TaskFailedError,
    answer_error,
    client_error,
    read_error,
    unreachable_error,
)

ErrorType = type[SearchUnavailableError] | type[SearchQueryError]


def _answer(status: int, body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    return response


def _api_error(status: int, body: bytes) -> MeilisearchApiError:
    return MeilisearchApiError(f"{status} error", _answer(status, body))


@pytest.mark.parametrize(
    ("status", "code", "message", "expected", "detail", "expected_code"),
    [
        (500, "internal", "boom", SearchUnavailableError, "Meilisearch answered 500", None),
        (502, None, "", SearchUnavailableError, "Meilisearch answered 502", None),
        (503, None, "", SearchUnavailableError, "Meilisearch answered 503", None),
        # What a stopped Meilisearch answers the requests that waited, once it resumes.
        (408, None, "", SearchUnavailableError, "Meilisearch answered 408", None),
        (429, "too_many_requests", "", SearchUnavailableError, "Meilisearch answered 429", None),
        (400, "invalid_search_filter", "bad", SearchQueryError, "bad", "invalid_search_filter"),
        (404, "index_not_found", "no index", SearchQueryError, "no index", "index_not_found"),
        (403, "invalid_api_key", "refused", SearchQueryError, "refused", "invalid_api_key"),
        (
            413,
            "payload_too_large",
            "",
            SearchQueryError,
            "Meilisearch answered 413",
            "payload_too_large",
        ),
        (404, "", "gone", SearchQueryError, "gone", None),
    ],
)
def test_answer_error(
    status: int,
    code: str | None,
    message: str,
    expected: ErrorType,
    detail: str,
    expected_code: str | None,
) -> None:
    error = answer_error(status, code=code, message=message)
    assert (type(error), error.detail) == (expected, detail)
    assert getattr(error, "code", None) == expected_code


@pytest.mark.parametrize(
    ("status", "code", "expected", "detail"),
    [
        (404, "index_not_found", SearchUnavailableError, "the search index has not been built yet"),
        (
            403,
            "invalid_api_key",
            SearchUnavailableError,
            "Meilisearch refused the API key (invalid_api_key)",
        ),
        (
            401,
            "missing_authorization_header",
            SearchUnavailableError,
            "Meilisearch refused the API key (missing_authorization_header)",
        ),
        (404, "document_not_found", SearchQueryError, "m"),
        (400, "invalid_search_sort", SearchQueryError, "m"),
        (500, "internal", SearchUnavailableError, "Meilisearch answered 500"),
    ],
)
def test_read_error_makes_a_missing_index_and_a_refused_key_outages(
    status: int, code: str, expected: ErrorType, detail: str
) -> None:
    error = read_error(status, code=code, message="m")
    assert (type(error), error.detail) == (expected, detail)


@pytest.mark.parametrize(
    ("exc", "expected", "detail", "code"),
    [
        (
            _api_error(400, b'{"message":"bad filter","code":"invalid_search_filter"}'),
            SearchQueryError,
            "bad filter",
            "invalid_search_filter",
        ),
        (
            _api_error(404, b'{"message":"no key","code":"api_key_not_found"}'),
            SearchQueryError,
            "no key",
            "api_key_not_found",
        ),
        (
            _api_error(500, b'{"message":"oops","code":"internal"}'),
            SearchUnavailableError,
            "Meilisearch answered 500",
            None,
        ),
        (
            _api_error(502, b"<html>bad gateway</html>"),
            SearchUnavailableError,
            "Meilisearch answered 502",
            None,
        ),
        (_api_error(400, b""), SearchQueryError, "400 error", None),
        (
            MeilisearchCommunicationError("refused"),
            SearchUnavailableError,
            "Meilisearch cannot be reached",
            None,
        ),
        (
            MeilisearchTimeoutError("slow"),
            SearchUnavailableError,
            "Meilisearch did not answer in time",
            None,
        ),
        (
            requests.ConnectionError("reset"),
            SearchUnavailableError,
            "Meilisearch cannot be reached",
            None,
        ),
        (
            requests.ReadTimeout("slow"),
            SearchUnavailableError,
            "Meilisearch did not answer in time",
            None,
        ),
        (
            requests.exceptions.ChunkedEncodingError("cut"),
            SearchUnavailableError,
            "Meilisearch cannot be reached",
            None,
        ),
    ],
)
def test_client_error(exc: Exception, expected: ErrorType, detail: str, code: str | None) -> None:
    error = client_error(exc)
    assert (type(error), error.detail) == (expected, detail)
    assert getattr(error, "code", None) == code


@pytest.mark.parametrize(
    ("timed_out", "detail"),
    [(True, "Meilisearch did not answer in time"), (False, "Meilisearch cannot be reached")],
)
def test_unreachable_error(timed_out: bool, detail: str) -> None:
    error = unreachable_error(timed_out=timed_out)
    assert (type(error), error.detail, error.status_code) == (SearchUnavailableError, detail, 503)


@pytest.mark.parametrize(
    ("task", "waited_s", "detail", "code"),
    [
        (
            MeiliTask(
                uid=7,
                status="failed",
                type="documentAdditionOrUpdate",
                index_uid="meetings",
                error_code="invalid_document_id",
                error_message="bad id",
            ),
            None,
            "Meilisearch task 7 (documentAdditionOrUpdate on meetings) failed: "
            "invalid_document_id: bad id",
            "invalid_document_id",
        ),
        (
            MeiliTask(uid=8, status="canceled", type="indexSwap"),
            None,
            "Meilisearch task 8 (indexSwap) canceled: no reason",
            None,
        ),
        (
            MeiliTask(uid=9, status="processing", type="settingsUpdate", index_uid="x"),
            2.5,
            "Meilisearch task 9 (settingsUpdate on x) still processing after 2.5 s",
            None,
        ),
    ],
)
def test_task_failed_error_names_the_task_and_the_code(
    task: MeiliTask, waited_s: float | None, detail: str, code: str | None
) -> None:
    error = TaskFailedError(task, waited_s=waited_s)
    assert isinstance(error, SearchQueryError)
    assert (error.detail, error.code, error.task) == (detail, code, task)
