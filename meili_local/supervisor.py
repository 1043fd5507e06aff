"""Keep a managed Meilisearch running: restart it with backoff when it dies, reap it, log
each change of state once.

A watcher thread waits on the child process, so a dead Meilisearch is reaped at once (no
defunct child) and started again on the same port and data after a delay that doubles with
each crash in a row (0.5 s, 1 s, 2 s ... at most 30 s) and starts over once it has stayed up
for a minute. The log gets one line when it dies and one when it is back; Meilisearch's own
output stays in its log file (meili_local/server.py).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Final

from meili_local.server import ManagedMeilisearch, MeiliServerError

logger = logging.getLogger("pathways.meili")

INITIAL_DELAY_S: Final = 0.5
MAX_DELAY_S: Final = 30.0
# Up this long, a crash is a new incident rather than one more of the same.
STEADY_AFTER_S: Final = 60.0


class Backoff:
    """Delays before each restart: doubling while crashes follow each other, reset when steady."""

    def __init__(
        self,
        *,
        initial_s: float = INITIAL_DELAY_S,
        max_s: float = MAX_DELAY_S,
        steady_after_s: float = STEADY_AFTER_S,
    ) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self.steady_after_s = steady_after_s
        self._next_s = initial_s

    def delay_s(self, uptime_s: float) -> float:
        """The wait before restarting a server that ran `uptime_s` before it died."""
        if uptime_s >= self.steady_after_s:
            self._next_s = self.initial_s
        delay = self._next_s
        self._next_s = min(self.max_s, self._next_s * 2)
        return delay


def exit_text(code: int) -> str:
    """An exit code as people read it: `code 1`, or `signal 9 (SIGKILL)`."""
    if code < 0:
        try:
            return f"signal {-code} ({signal.Signals(-code).name})"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


class MeiliSupervisor:
    """Starts a ManagedMeilisearch and keeps it running until `stop()`."""

    def __init__(
        self,
        server: ManagedMeilisearch,
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.server = server
        self.backoff = backoff or Backoff()
        self.restarts = 0
        self._clock = clock
        self._stopping = threading.Event()
        # Held while starting or stopping, so a stop never races a restart into an orphan.
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start Meilisearch (MeiliServerError if it will not start), then watch it."""
        with self._lock:
            self.server.start()
        self._thread = threading.Thread(target=self._watch, name="meili-supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching, then stop Meilisearch by its PID and reap it."""
        self._stopping.set()
        with self._lock:
            self.server.stop()
        if self._thread is not None:
            self._thread.join(timeout=self.server.stop_timeout_s + 5)

    def _watch(self) -> None:
        started = self._clock()
        while not self._stopping.is_set():
            try:
                code = self.server.wait()
            except MeiliServerError:
                code = None  # not running: a restart failed
            if self._stopping.is_set():
                return
            delay_s = self.backoff.delay_s(self._clock() - started)
            if code is not None:
                logger.warning(
                    "Meilisearch (port %d) exited with %s; restarting it in %.1f s",
                    self.server.port,
                    exit_text(code),
                    delay_s,
                )
            if self._stopping.wait(delay_s):
                return
            started = self._clock()
            self._restart(delay_s)

    def _restart(self, delay_s: float) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            try:
                self.server.stop()  # reaped already; closes its log file
                self.server.start()
            except MeiliServerError as exc:
                logger.error("Meilisearch would not start again (%s); retrying", exc)
                return
            self.restarts += 1
        logger.warning(
            "Meilisearch is back (PID %s) on %s after a %.1f s wait",
            self.server.pid,
            self.server.url,
            delay_s,
        )

    def __enter__(self) -> MeiliSupervisor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
