"""`python -m meili_local ensure|serve`: fetch the pinned binary, or run a local server.

Exit codes: 0 ok, 2 failure (message on stderr).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from meili_local import (
    ManagedMeilisearch,
    MeiliBinaryError,
    MeiliServerError,
    MeiliSupervisor,
    binary_cache_dir,
    default_state_dir,
    find_or_install_binary,
    load_or_create_master_key,
)
from service.logs import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    parser = argparse.ArgumentParser(prog="python -m meili_local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("ensure", help="find or fetch (and verify) the binary; print its path")
    serve = commands.add_parser("serve", help="run a managed Meilisearch until Ctrl-C")
    serve.add_argument("--port", type=int, default=None, help="default: a free port")
    args = parser.parse_args(argv)
    configure_logging()
    try:
        binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
        if args.command == "ensure":
            print(binary)  # noqa: T201 (this is the command's output)
            return 0
        return _serve(binary=binary, port=args.port)
    except (MeiliBinaryError, MeiliServerError) as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2


def _serve(*, binary: Path, port: int | None) -> int:
    meili_dir = default_state_dir(os.environ) / "meili"
    key_path = meili_dir / "master.key"
    server = ManagedMeilisearch(
        binary=binary,
        db_path=meili_dir / "data",
        master_key=load_or_create_master_key(key_path),
        log_path=meili_dir / "meilisearch.log",
        port=port,
    )
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    # Restarted with backoff whenever it dies, until Ctrl-C (meili_local/supervisor.py).
    with MeiliSupervisor(server):
        print(  # noqa: T201
            f"Meilisearch (PID {server.pid}) on {server.url}; master key in {key_path}; "
            f"log in {server.log_path}. Ctrl-C stops it.",
            flush=True,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            return 0
    return 0


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turned into an exception so `with server:` stops the child instead of orphaning it.
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
