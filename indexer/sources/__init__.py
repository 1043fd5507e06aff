"""One module per input format; each exposes `load(source, root) -> SourceLoad`."""
