"""Write the coverage report and its map beside it (the I/O of indexer/coverage/)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from indexer.coverage.counts import count
from indexer.coverage.report import map_svg, markdown
from service.contract.documents import IndexDocument


def write_coverage(documents: Iterable[IndexDocument], out: Path) -> Path:
    """`out` (Markdown) and `<out stem>-map.svg` next to it; returns the map's path."""
    coverage = count(documents)
    map_path = out.with_name(f"{out.stem}-map.svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    map_path.write_text(map_svg(coverage), encoding="utf-8")
    out.write_text(markdown(coverage, map_name=map_path.name), encoding="utf-8")
    return map_path
