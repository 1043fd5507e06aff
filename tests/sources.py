"""Test helpers for source configurations."""

from __future__ import annotations

from indexer.records import SourceConfig


def local_path(source: SourceConfig) -> str:
    """The file of a source read from disk, relative to its folder (a URL source has none)."""
    assert source.path is not None, f"source {source.id} is read from a URL, not a file"
    return source.path
