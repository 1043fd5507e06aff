"""Schemathesis against our own OpenAPI document: no 5xx, and every answer as documented.

The API runs as it does in production (uvicorn in its own process, the search-only key,
the session's seed index). Schemathesis reads /schema/openapi.json and generates requests
for every operation: valid ones (positive), invalid ones (negative: wrong types, values
outside the declared enums and ranges), and real resource ids. Each answer is checked for
a 5xx, an undocumented status, content type or header, and a body that breaks the schema.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any, Final

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode

from meili_local.server import ManagedMeilisearch
from tests.integration.conftest import IndexedSeed
from tests.integration.served import ServedApi, api_env, served_api

MIN_REQUESTS: Final = 1000
POSITIVE_EXAMPLES: Final = 100
NEGATIVE_EXAMPLES: Final = 60
CHECKS: Final = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
PARTNER: Final = "fuzz-partner"
PARTNERS_TOML: Final = f"""
[[partner]]
key = "{PARTNER}"
name = "Schemathesis partner (a test fixture)"
origins = ["https://partner.example"]
rate_limit_per_min = 100000
"""


@pytest.fixture(scope="module")
def api(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedApi]:
    directory = tmp_path_factory.mktemp("schemathesis")
    partners = directory / "partners.toml"
    partners.write_text(PARTNERS_TOML, encoding="utf-8")
    env = api_env(
        meili_server,
        seed_index.name,
        PATHWAYS_RATE_LIMIT_PER_MIN="0",
        PATHWAYS_PARTNERS_FILE=str(partners),
    )
    with served_api(env, log_path=directory / "api.log") as served:
        yield served


class Run:
    """Sends cases and keeps count of what came back."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.statuses: dict[str, collections.Counter[int]] = collections.defaultdict(
            collections.Counter
        )

    def check(self, case: Any) -> None:
        """Send one case and validate the answer against the document."""
        response = case.call(base_url=self.base_url, session=self.session)
        self.statuses[case.operation.label][response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    @property
    def total(self) -> int:
        """Requests sent so far."""
        return sum(sum(c.values()) for c in self.statuses.values())


def _fuzz(run: Run, operation: Any, mode: GenerationMode, examples: int) -> None:
    fixed = {"partner": PARTNER} if operation.path.startswith("/embed/") else None

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, query=fixed))
    def fuzz(case: Any) -> None:
        run.check(case)

    try:
        fuzz()
    except Unsatisfiable:
        # Nothing to make invalid: the operation takes no parameters.
        assert mode is GenerationMode.NEGATIVE


def test_the_api_keeps_to_its_openapi_document(api: ServedApi, seed_index: IndexedSeed) -> None:
    schema = schemathesis.openapi.from_url(f"{api.url}/schema/openapi.json")
    run = Run(api.url)
    results = list(schema.get_all_operations())
    # An operation the document describes badly is an error of its own, not one to skip.
    assert all(isinstance(result, Ok) for result in results), results
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 10
    for operation in operations:
        _fuzz(run, operation, GenerationMode.POSITIVE, POSITIVE_EXAMPLES)
        _fuzz(run, operation, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)
    for operation in operations:
        if "{" in operation.path:
            for doc_id in _real_ids(api.url):
                name = operation.path.split("{")[1].split("}")[0]
                run.check(operation.Case(path_parameters={name: doc_id}))
    assert run.total >= MIN_REQUESTS, dict(run.statuses)
    # The generated requests reached the real search, not only the validation.
    assert run.statuses["GET /v1/search"][200] > 0
    assert run.statuses["GET /hsds/services"][200] > 0
    assert run.statuses["GET /embed/v1/search"][200] > 0
    assert "Traceback" not in api.log_text()


def _real_ids(base_url: str) -> list[str]:
    hits = httpx.get(f"{base_url}/v1/search", params={"q": "meeting", "per_page": 8}).json()
    ids: list[str] = [hit["id"] for hit in hits["hits"]]
    return ids


def test_the_document_declares_problem_answers(api: ServedApi) -> None:
    document = httpx.get(f"{api.url}/schema/openapi.json").json()
    assert "Problem" in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("400", "429"):
                assert "application/problem+json" in responses[status]["content"], (path, method)
            assert "Retry-After" in responses["429"]["headers"]
            if path not in ("/healthz", "/v1/vocabularies", "/hsds", "/hsds/"):
                assert "503" in responses, (path, method)
    search = document["paths"]["/v1/search"]["get"]
    kind = next(p for p in search["parameters"] if p["name"] == "kind")
    assert "meeting" in kind["schema"]["items"]["enum"]
    csv = document["paths"]["/v1/search.csv"]["get"]
    assert {p["name"] for p in csv["parameters"]} == {p["name"] for p in search["parameters"]}
    assert "text/csv" in csv["responses"]["200"]["content"]
    assert "literal" in {p["name"] for p in search["parameters"]}
    answer = document["components"]["schemas"]["SearchResponse"]["properties"]
    assert {"crisis", "understood", "alternatives"} <= answer.keys()
    assert list(answer).index("crisis") < list(answer).index("hits")


# The pages are not in the document (they answer HTML): the same kind of fuzzing, by hand.
PAGES: Final = (
    "/",
    "/partials/results",
    f"/embed/v1/results?partner={PARTNER}",
    f"/embed/v1/frame?partner={PARTNER}",
    "/shortlist",
    "/shortlist.txt",
)
PAGE_KEYS: Final = (
    "q",
    "near",
    "radius_km",
    "kind",
    "need",
    "language",
    "community",
    "accessibility",
    "attendance",
    "cost",
    "page",
    "per_page",
    "sort",
    "open_now",
    "starts_within_min",
    "day",
    "time_from",
    "time_to",
    "at",
    "tz",
    "include_online",
    "lang",
    "ids",
    "partner",
)
MARKUP: Final = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
page_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from([MARKUP, "19103", "meeting", "es", "mon", "19:00", "true", "0", "-1"]),
    st.text(min_size=150, max_size=300),
)


def test_the_pages_survive_any_query(api: ServedApi) -> None:
    with httpx.Client(base_url=api.url, timeout=30) as client:

        @settings(max_examples=120, deadline=None, database=None, derandomize=True)
        @given(
            path=st.sampled_from(PAGES),
            query=st.lists(st.tuples(st.sampled_from(PAGE_KEYS), page_values), max_size=8),
        )
        def fuzz(path: str, query: list[tuple[str, str]]) -> None:
            response = client.get(path, params=[*query, ("q", MARKUP)])
            assert response.status_code < 500, (path, query, response.text[:300])
            assert "content-security-policy" in response.headers
            # Whatever was typed comes back escaped, never as markup.
            assert "<script>alert(1)" not in response.text
            assert "<img src=x" not in response.text

        fuzz()
