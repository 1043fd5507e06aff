"""Input formats by family, each with `load(source, root) -> SourceLoad`, and their harness."""
