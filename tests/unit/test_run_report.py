"""What a run tells its user: unknown codes, records kept with a warning, merges."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import msgspec

from indexer.dedupe import MergeReport
from indexer.records import SourcesFile
from indexer.report import RunReport, write_rejections, write_summary
from indexer.sources.meeting_guide import feed as meeting_guide

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SOURCES = {
    s.id: s
    for s in msgspec.convert(
        tomllib.loads((SEED / "sources.toml").read_text(encoding="utf-8")), SourcesFile
    ).source
}


def test_unknown_type_codes_are_counted_and_shown() -> None:
    load = meeting_guide.load(SOURCES["aasepia"], SEED)
    # ASBI is in no version of the spec's types.json: kept as a tag, counted.
    assert load.unknown_codes == {"ASBI": 26}
    assert all("ASBI" in d.tags for d in load.documents if "ASBI" in d.tags)
    report = RunReport(loads=[load], merges=MergeReport(groups=2, records=5))
    out = io.StringIO()
    write_rejections(report, out=out, max_shown=5, path=None)
    write_summary(report, out=out, seconds=1.0, published=False)
    text = out.getvalue()
    assert "unknown codes in aasepia (kept as tags): 'ASBI' x26" in text
    assert "kept with a warning: 0; unknown codes kept as tags: 26" in text
    assert "merged duplicates: 5 records of 2 resources" in text
