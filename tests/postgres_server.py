"""A real PostgreSQL for the storage tests: Debian's binaries, a temporary data folder, a free
loopback port, started and stopped by its PID (as the Meilisearch fixture does)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Final

import psycopg

from meili_local.server import free_port

USER: Final = "pathways"
START_TIMEOUT_S: Final = 30.0


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL's binaries are missing or the server would not start."""


def bin_dir() -> Path:
    """The folder of Debian's PostgreSQL server binaries (the newest installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailableError(
        "PostgreSQL is not installed: `make postgresql` (apt-get install postgresql) installs it"
    )


class ManagedPostgres:
    """One PostgreSQL server of the test session's own."""

    def __init__(self) -> None:
        self.bin = bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="pathways-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        # PostgreSQL refuses to run as root: run it as Debian's postgres account then.
        self.run_as = "postgres" if os.geteuid() == 0 else None

    def _command(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            list(args), user=self.run_as, capture_output=True, check=False, timeout=120
        )

    def init(self) -> None:
        """Make the data folder (once)."""
        if self.run_as:
            account = pwd.getpwnam(self.run_as)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        done = self._command(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C",
        )  # fmt: skip
        if done.returncode != 0:
            raise PostgresUnavailableError(f"initdb failed: {done.stderr.decode()[-800:]}")

    def start(self) -> None:
        """Start the server on loopback and wait until it answers."""
        with (self.root / "postgres.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", f"unix_socket_directories={self.root}",
                ],
                user=self.run_as, stdout=log, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = (self.root / "postgres.log").read_text(errors="replace")[-800:]
                raise PostgresUnavailableError(f"postgres exited: {tail}")
            with contextlib.suppress(psycopg.OperationalError):
                with psycopg.connect(self.admin_dsn, connect_timeout=1):
                    return
            time.sleep(0.1)
        raise PostgresUnavailableError(f"postgres did not answer in {START_TIMEOUT_S:g} s")

    @property
    def admin_dsn(self) -> str:
        """The maintenance database."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh empty database; its SQLAlchemy-style URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def kill(self) -> None:
        """SIGKILL the server (no clean shutdown), and wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            # Its children (backends) notice the postmaster is gone and exit by themselves.
            time.sleep(0.5)

    def _family(self) -> list[int]:
        """The postmaster's PID and its children's (the backends), from /proc."""
        assert self.process is not None
        root = self.process.pid
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == root:
                    children.append(int(stat.parent.name))
        return [root, *children]

    def freeze(self) -> None:
        """SIGSTOP the server and every backend: connections open, nothing answers."""
        for pid in self._family():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT what freeze stopped."""
        for pid in self._family():
            os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        """Stop the server by its PID (fast shutdown) and wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def remove(self) -> None:
        """Delete the data folder."""
        shutil.rmtree(self.root, ignore_errors=True)
