"""Run wrk against a list of requests and read its JSON summary (bench/wrk_requests.lua)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import msgspec

LUA_SCRIPT: Final = Path(__file__).with_name("wrk_requests.lua")


class LoadResult(msgspec.Struct, frozen=True, kw_only=True):
    """Throughput, latency percentiles and errors of one load run."""

    requests: int
    seconds: float
    errors: int
    status_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    """The wrk binary, installed with apt-get when missing (Debian)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise SystemExit("bench needs wrk: install it (apt-get install wrk) and re-run")
    subprocess.run([apt, "update"], check=False, capture_output=True)
    subprocess.run([apt, "install", "-y", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get could not install wrk")
    return found


def run_load(
    base_url: str,
    requests: Sequence[tuple[str, str, bytes]],
    *,
    connections: int,
    duration_s: int,
    headers: dict[str, str] | None = None,
    threads: int = 1,
) -> LoadResult:
    """Replay (method, path, body) requests round-robin at `connections` for `duration_s`."""
    wrk = ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as handle:
        for method, path, body in requests:
            handle.write(f"{method}\t{path}\t{body.decode('utf-8')}\n")
        listing = handle.name
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--timeout", "10s"]
    command += ["-s", str(LUA_SCRIPT)]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    command += [base_url, "--", listing]
    try:
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        Path(listing).unlink(missing_ok=True)
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    return LoadResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        errors=raw["errors"],
        status_errors=raw["status_errors"],
        p50_ms=raw["p50_ms"],
        p95_ms=raw["p95_ms"],
        p99_ms=raw["p99_ms"],
        max_ms=raw["max_ms"],
    )
