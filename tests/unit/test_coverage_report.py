"""The coverage report: counts per state, the state outlines, the map and the Markdown."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from indexer.coverage.atlas import decode_arcs, ring_points, state_paths
from indexer.coverage.counts import count, states_of
from indexer.coverage.report import SHADES, map_svg, markdown
from service.contract.documents import Address, IndexDocument, Kind, Provenance, ServiceArea


def doc(
    doc_id: str, kind: Kind, *, source: str = "s", updated_at: str | None = None, **fields: object
) -> IndexDocument:
    """INVENTED: the least a listing needs for counting."""
    prov = Provenance(
        source=source, source_name="S", source_record_id=doc_id, updated_at=updated_at
    )
    return IndexDocument(
        id=doc_id,
        kind=kind,
        name=doc_id,
        status="active",
        provenance=prov,
        **fields,  # type: ignore[arg-type]
    )


DOCS = [
    doc("a", "meeting", address=Address(state="PA"), needs=("family_friends",), languages=("es",),
        updated_at="2021-05-01"),
    doc("b", "meeting", service_area=ServiceArea(states=("MA", "RI")), updated_at="2023-08-22"),
    doc("c", "treatment", address=Address(state="PA"), needs=("buprenorphine",)),
    doc("d", "helpline", service_area=ServiceArea(nationwide=True), source="h", needs=("crisis",)),
]  # fmt: skip


def test_a_listing_counts_where_it_is_and_where_it_serves() -> None:
    assert [sorted(states_of(d)) for d in DOCS] == [["PA"], ["MA", "RI"], ["PA"], []]


def test_counts() -> None:
    coverage = count(DOCS)
    assert coverage.by_state["PA"] == {"meeting": 1, "treatment": 1}
    assert coverage.by_state["RI"] == {"meeting": 1}
    assert coverage.by_state["WY"] == {}
    assert coverage.nationwide == {"helpline": 1}
    assert coverage.nationwide_needs == ["crisis"]
    assert coverage.need_states == {"family_friends": ["PA"], "buprenorphine": ["PA"], "crisis": []}
    assert coverage.languages == {"es": (1, 1)}
    [h, s] = coverage.sources
    assert (s.source, s.listings, s.oldest, s.newest) == ("s", 3, "2021-05-01", "2023-08-22")
    assert (h.source, h.oldest) == ("h", None)


def test_topojson_arcs_are_decoded_and_reversed() -> None:
    topology = {"transform": {"scale": [1, 2], "translate": [10, 0]},
                "arcs": [[[0, 0], [1, 0], [0, 1]], [[1, 1], [-1, 0]]]}  # fmt: skip
    arcs = decode_arcs(topology)
    assert arcs == [[(10, 0), (11, 0), (11, 2)], [(11, 2), (10, 2)]]
    assert ring_points([0, 1], arcs) == [(10, 0), (11, 0), (11, 2), (10, 2)]
    assert ring_points([~1], arcs) == [(10, 2), (11, 2)]


def test_every_state_and_dc_has_an_outline() -> None:
    paths = state_paths()
    assert len(paths) == 51
    assert {"PA", "AK", "HI", "DC"} <= set(paths)
    assert all(re.fullmatch(r"(M[-\d., L]+Z)+", d.replace("L", " L ")) for d in paths.values())


def test_the_map_is_svg_with_a_shade_per_state() -> None:
    svg = map_svg(count(DOCS))
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    fills = {p.findtext(f"{ns}title", "")[:2]: p.get("fill") for p in root.iter(f"{ns}path")}
    assert fills["PA"] == SHADES[2]
    assert fills["MA"] == SHADES[1]
    assert fills["WY"] == SHADES[0]
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_the_report_names_the_gaps_and_the_map() -> None:
    text = markdown(count(DOCS), map_name="coverage-map.svg")
    assert "![States shaded by how many kinds of help they hold](coverage-map.svg)" in text
    assert "- Family and friends: listings in 1 state (PA)." in text
    assert "| PA | 1 | 1 |" in text
    assert "Harm reduction" in text
    assert "- Crisis support: listings in 0 states and national helplines." in text
    assert "| Crisis support (`crisis`) | 0 | nationwide only |" in text
