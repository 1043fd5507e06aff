"""Meeting Guide JSON feeds (Code4Recovery spec, TSML and compatible plugins)."""
