"""`/v1/search.csv` over the real seed index: the search's own answer, as a spreadsheet file."""

from __future__ import annotations

import csv
import html
import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.api.export import CSV_MAX_ROWS
from service.formats.csv_export import COLUMNS
from tests.problem import assert_problem

Client = TestClient[Litestar]


def export(client: Client, query: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    response = client.get(f"/v1/search.csv?{query}")
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    header, *rows = list(reader)
    assert header == list(COLUMNS)
    return [dict(zip(header, row, strict=True)) for row in rows], dict(response.headers)


def search(client: Client, query: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/v1/search?{query}").json()
    return body


def test_a_search_as_a_spreadsheet(client: Client) -> None:
    query = "near=19103&radius_km=10&kind=meeting&language=es"
    rows, headers = export(client, query)
    answer = search(client, f"{query}&per_page=50")
    assert len(rows) == answer["total"] == int(headers["x-total-count"]) > 0
    assert [r["name"] for r in rows] == [h["name"] for h in answer["hits"]]
    assert [r["distance_km"] for r in rows] == [f"{h['distance_km']:.2f}" for h in answer["hits"]]
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"].startswith('attachment; filename="pathways-search-')
    assert headers["cache-control"] == "no-store"
    assert all(r["languages"].startswith("Spanish") or "Spanish" in r["languages"] for r in rows)
    assert all(r["city"] and r["zip"] and r["schedule"] for r in rows)


def test_rows_stop_at_the_cap(client: Client) -> None:
    rows, headers = export(client, "kind=treatment&page=3&per_page=5")
    assert len(rows) == CSV_MAX_ROWS
    assert int(headers["x-total-count"]) > CSV_MAX_ROWS


def test_cells_cannot_run_as_formulas(client: Client) -> None:
    rows, _headers = export(client, "q=562 Group&kind=meeting")
    # Real names that start with a digit are left as they are.
    assert any(r["name"] == "562 Group" for r in rows)
    rows, _headers = export(client, "attendance=phone&kind=meeting&near=19103&include_online=true")
    dial_ins = [r["dial_in"] for r in rows if r["dial_in"]]
    assert dial_ins
    # Many real dial-in numbers start with "+": a spreadsheet would read them as formulas.
    assert any(d.startswith("'+1") for d in dial_ins)
    risky = ("=", "+", "-", "@", "\t", "\r")
    assert not [c for r in rows for c in r.values() if c.startswith(risky)]


def test_schedule_filters_of_search_apply_too(client: Client) -> None:
    rows, _headers = export(client, "kind=meeting&day=mon&near=19103&radius_km=5")
    assert rows
    assert all("Mon " in r["schedule"] for r in rows)


def test_pathways_link_opens_a_page(client: Client) -> None:
    rows, _headers = export(client, "q=988")
    link = urlsplit(rows[0]["pathways_link"])
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 200
    assert html.escape(rows[0]["name"]) in response.text


@pytest.mark.parametrize(
    ("query", "parameter", "status"),
    [("language=xx", "language", 400), ("near=99999", "near", 422), ("sort=distance", "sort", 400)],
)
def test_bad_parameters_fail_as_search_fails(
    client: Client, query: str, parameter: str, status: int
) -> None:
    assert_problem(client.get(f"/v1/search.csv?{query}"), status, parameter=parameter)
