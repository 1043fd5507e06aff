"""A Meilisearch process we start on loopback, wait for, and stop by the PID we started."""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Final, Self

logger = logging.getLogger(__name__)

LOOPBACK: Final = "127.0.0.1"
MIN_KEY_BYTES: Final = 16
_POLL_INTERVAL_S: Final = 0.1
_LOG_TAIL_LINES: Final = 20
_PORT_RETRIES: Final = 3
_RUN_HEADER: Final = "--- pathways: starting meilisearch"


class MeiliServerError(RuntimeError):
    """The managed Meilisearch could not be started, or its key file is unusable."""


def load_or_create_master_key(path: Path) -> str:
    """Return the master key stored at path, creating a random one (mode 0600) if absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    key = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(key + "\n")
    return key


def _read_key(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        logger.warning("%s was readable by others (mode %o): setting it to 0600.", path, mode)
        path.chmod(0o600)
    key = path.read_text(encoding="utf-8").strip()
    if len(key.encode()) < MIN_KEY_BYTES:
        raise MeiliServerError(
            f"The master key in {path} is shorter than {MIN_KEY_BYTES} bytes; "
            "delete the file and a new key will be generated."
        )
    return key


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port that was free on host a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _require_free_port(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As a server would bind: connections of a stopped server left in TIME_WAIT
        # must not make its own port look taken when it restarts.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
            probe.listen(1)
        except OSError as exc:
            raise MeiliServerError(f"Cannot use {LOOPBACK}:{port}: {exc.strerror}") from None


class ManagedMeilisearch:
    """A Meilisearch child process on loopback; use as a context manager or start()/stop()."""

    def __init__(
        self,
        *,
        binary: Path,
        db_path: Path,
        master_key: str,
        log_path: Path,
        port: int | None = None,
        startup_timeout_s: float = 30.0,
        stop_timeout_s: float = 10.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        if len(master_key.encode()) < MIN_KEY_BYTES:
            raise MeiliServerError(f"The master key must be at least {MIN_KEY_BYTES} bytes")
        self.binary = binary
        self.db_path = db_path
        self.master_key = master_key
        self.log_path = log_path
        self.startup_timeout_s = startup_timeout_s
        self.stop_timeout_s = stop_timeout_s
        # More options of the first start only, e.g. ("--import-dump", path) for a new replica.
        self.extra_args = extra_args
        self._fixed_port = port
        self._port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def port(self) -> int:
        """The port it listens on (known once started)."""
        if self._port is None:
            raise MeiliServerError("Meilisearch has not been started")
        return self._port

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:7700."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int | None:
        """PID of the process we started, or None when not running under our control."""
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start Meilisearch and return once /health answers "available"."""
        if self._process is not None:
            raise MeiliServerError("Meilisearch is already started")
        self.db_path.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._fixed_port is not None:
            # Otherwise another server on that port could answer our /health check.
            _require_free_port(self._fixed_port)
        # A free port found by binding port 0 can be taken before Meilisearch binds it.
        attempts = 1 if self._fixed_port is not None else _PORT_RETRIES
        for attempt in range(1, attempts + 1):
            self._port = self._fixed_port or free_port()
            try:
                self._wait_until_available(self._spawn())
                # A restart keeps the port: clients were given this URL.
                self._fixed_port = self._port
                # An import runs once: a restart on the same data must not import it again.
                self.extra_args = ()
                return
            except MeiliServerError:
                port_taken = "in use" in self._log_tail()
                self.stop()
                if not port_taken or attempt == attempts:
                    raise
            except BaseException:
                # Ctrl-C while waiting: __exit__ will not run, so stop it here.
                self.stop()
                raise

    def _spawn(self) -> subprocess.Popen[bytes]:
        state_dir = self.db_path.parent
        command = [
            str(self.binary),
            *("--http-addr", f"{LOOPBACK}:{self.port}"),
            *("--db-path", str(self.db_path)),
            *("--dump-dir", str(state_dir / "dumps")),
            *("--snapshot-dir", str(state_dir / "snapshots")),
            *("--env", "production"),
            "--no-analytics",
            # ERROR: INFO has a line per request (paths, client addresses), and WARN one per
            # refused request quoting its filter (where someone searched): tests/integration/
            # test_privacy_logs.py.
            *("--log-level", "ERROR"),
            *self.extra_args,
        ]
        self._log = self.log_path.open("ab")
        header = f"{_RUN_HEADER} {time.strftime('%Y-%m-%dT%H:%M:%S%z')} on port {self.port}"
        self._log.write(f"\n{header}\n".encode())
        self._log.flush()
        # MEILI_* variables meant for some other server (say docker compose's) must not
        # reconfigure this one; the key goes in the environment, not on the command line,
        # so other local users cannot read it with `ps`.
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("MEILI_")}
        child_env["MEILI_MASTER_KEY"] = self.master_key
        self._process = subprocess.Popen(  # noqa: S603 (binary found and verified by binary.py)
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=state_dir,
            env=child_env,
        )
        logger.info("Started Meilisearch (PID %d) on %s", self._process.pid, self.url)
        return self._process

    def _wait_until_available(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            code = process.poll()
            if code is not None:
                raise MeiliServerError(
                    f"Meilisearch exited with code {code} while starting; the end of "
                    f"{self.log_path}:\n{self._log_tail()}"
                )
            if self._is_available():
                return
            time.sleep(_POLL_INTERVAL_S)
        raise MeiliServerError(
            f"Meilisearch did not report available within {self.startup_timeout_s:.0f} s; "
            f"the end of {self.log_path}:\n{self._log_tail()}"
        )

    def _is_available(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=1.0) as response:  # noqa: S310
                body = json.loads(response.read())
        except (OSError, ValueError):
            return False
        return isinstance(body, dict) and body.get("status") == "available"

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return "(no log)"
        # Only this run's lines: the file is appended to across runs.
        starts = [i for i, line in enumerate(lines) if line.startswith(_RUN_HEADER)]
        this_run = lines[starts[-1] :] if starts else lines
        return "\n".join(this_run[-_LOG_TAIL_LINES:])

    def wait(self) -> int:
        """Block until the process exits (and reap it); return its exit code."""
        process = self._process
        if process is None:
            raise MeiliServerError("Meilisearch has not been started")
        return process.wait()

    def stop(self) -> None:
        """Terminate the process we started (SIGTERM, then SIGKILL) and reap it."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                logger.warning("Meilisearch (PID %d) ignored SIGTERM: killing it.", process.pid)
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
