"""State outlines as SVG paths, from the Census Bureau's boundaries (indexer/coverage/data).

The TopoJSON is already projected (Albers USA, 975 x 610), so drawing it is decoding its
delta-encoded arcs and joining them into one path per state; no map library is needed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Final

from service.places.gazetteer import DATA_DIR

ATLAS: Final = Path(__file__).parent / "data" / "states-albers-10m.json"
STATE_CODES: Final = DATA_DIR / "us_states.json"
WIDTH: Final = 975
HEIGHT: Final = 610

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc's points in map units: TopoJSON arcs are quantized and delta-encoded."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: Sequence[int], arcs: list[list[Point]]) -> list[Point]:
    """One ring from its arc indexes; a negative index ~i is arc i reversed."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def path_data(polygons: Sequence[Sequence[Sequence[int]]], arcs: list[list[Point]]) -> str:
    """The SVG path `d` of a (multi)polygon, every ring closed, coordinates to 0.1 unit."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = ring_points(ring, arcs)
            head, *rest = points
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in rest)
            parts.append(f"M{head[0]:.1f},{head[1]:.1f}L{line}Z")
    return "".join(parts)


@cache
def state_paths() -> dict[str, str]:
    """USPS state code -> SVG path data, for the states and DC in the atlas."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    codes = {
        s["fips"]: s["code"] for s in json.loads(STATE_CODES.read_text(encoding="utf-8")).values()
    }
    arcs = decode_arcs(topology)
    paths: dict[str, str] = {}
    for geometry in topology["objects"]["states"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        paths[codes[geometry["id"]]] = path_data(polygons, arcs)
    return paths
