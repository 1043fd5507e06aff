"""What `understand()` costs per query: p50 and p90 over the evaluation set, after warm-up.

    .venv/bin/python -m bench.understanding_cost

Measured in-process with perf_counter_ns, the gazetteer and lexicon loaded beforehand (the
service loads both once at start), so the figure is the step's own cost per search.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Final

from bench.search_eval import load_queries
from service.places.gazetteer import PlaceIndex
from service.search.understanding import understand

ROUNDS: Final = 50
WARM_UP_ROUNDS: Final = 5


def main() -> None:
    """Print p50, p90 and max of understand() in microseconds."""
    places = PlaceIndex.load()
    queries = load_queries()
    for _ in range(WARM_UP_ROUNDS):
        for query in queries:
            understand(query.q, near=query.near, at=query.at, places=places)
    timings_us: list[float] = []
    for _ in range(ROUNDS):
        for query in queries:
            start = time.perf_counter_ns()
            understand(query.q, near=query.near, at=query.at, places=places)
            timings_us.append((time.perf_counter_ns() - start) / 1000)
    cuts = statistics.quantiles(timings_us, n=100)
    sys.stdout.write(
        f"understand(): {len(queries)} queries x {ROUNDS} rounds: p50 {cuts[49]:.0f} us, "
        f"p90 {cuts[89]:.0f} us, p99 {cuts[98]:.0f} us, max {max(timings_us):.0f} us\n"
    )


if __name__ == "__main__":
    main()
