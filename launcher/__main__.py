"""`pathways` (what `make run` runs): start Meilisearch, index the seed data, serve the API.

Environment:
  PATHWAYS_MEILI_URL / PATHWAYS_MEILI_KEY  use this Meilisearch (and its master key) instead
                                           of starting one; the API gets a search-only key
  PATHWAYS_MEILI_BINARY                    the meilisearch binary to run (else PATH, else npm)
  PATHWAYS_STATE_DIR                       where the binary, index data and key live (.state)
  PATHWAYS_HOST / PATHWAYS_PORT            where the API listens (127.0.0.1:8000)
  PATHWAYS_DATABASE_URL                    reports and corrections (else SQLite in the state dir)
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Final, TextIO

from meili_local import (
    PROJECT_ROOT,
    ManagedMeilisearch,
    MeiliBinaryError,
    MeiliServerError,
    MeiliSupervisor,
    binary_cache_dir,
    default_state_dir,
    find_or_install_binary,
    load_or_create_master_key,
)
from service.http.limits import SERVER_OPTIONS
from service.logs import configure_logging
from service.search.keys import MeiliKeyError, ensure_search_key
from service.settings import DEFAULT_INDEX
from service.store.engine import database_url

SOURCES_PATH: Final = PROJECT_ROOT / "seed_data" / "sources.toml"
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
# The indexer's exit codes (see indexer/__main__.py).
INDEX_OK: Final = 0
INDEX_SOME_REJECTED: Final = 1

logger = logging.getLogger("pathways.launcher")


class LaunchError(RuntimeError):
    """The launcher cannot go on; the message says why and what to do."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run Pathways locally; return the exit code (0 ok, 2 failure)."""
    if argv is None:
        argv = sys.argv[1:]
    if argv:
        _say(__doc__ or "", stream=sys.stderr)
        return 0 if argv[0] in {"-h", "--help"} else 2
    configure_logging()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        host, port = _listen_address(os.environ)
        # The indexer applies the stewards' corrections from it; the API takes reports into it.
        os.environ["PATHWAYS_DATABASE_URL"] = database_url(os.environ)
        with _meilisearch(os.environ) as (url, key):
            _index_seed_data(url, key)
            # The master key stays with the indexer and the managed server (docs/security.md).
            os.environ.pop("PATHWAYS_MEILI_KEY", None)
            os.environ["PATHWAYS_MEILI_URL"] = url
            os.environ["PATHWAYS_MEILI_SEARCH_KEY"] = _search_key(url, key)
            _serve(host=host, port=port)
    except (LaunchError, MeiliBinaryError, MeiliServerError, MeiliKeyError) as exc:
        _say(f"error: {exc}", stream=sys.stderr)
        return 2
    except KeyboardInterrupt:
        _say("Stopped.", stream=sys.stderr)
    return 0


@contextlib.contextmanager
def _meilisearch(env: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Yield (url, key): the server named by PATHWAYS_MEILI_URL, or a managed local one."""
    external_url = env.get("PATHWAYS_MEILI_URL", "").strip()
    if external_url:
        logger.info("Using the Meilisearch at %s (PATHWAYS_MEILI_URL).", external_url)
        yield external_url.rstrip("/"), env.get("PATHWAYS_MEILI_KEY", "")
        return
    meili_dir = default_state_dir(env) / "meili"
    binary = find_or_install_binary(cache_dir=binary_cache_dir(env), env=env)
    server = ManagedMeilisearch(
        binary=binary,
        db_path=meili_dir / "data",
        master_key=load_or_create_master_key(meili_dir / "master.key"),
        log_path=meili_dir / "meilisearch.log",
    )
    # Restarted with backoff if it dies while we serve (meili_local/supervisor.py).
    with MeiliSupervisor(server):
        yield server.url, server.master_key
    # Leaving the block stopped it by its PID, whether we return normally or not.


def _index_seed_data(url: str, key: str) -> None:
    """Load seed_data into Meilisearch in-process, or raise LaunchError."""
    from indexer.__main__ import main as indexer_main

    logger.info("Indexing %s ...", _shown(SOURCES_PATH))
    # In-process, so the key in these arguments never shows in `ps`; one token, as a random
    # key may start with "-", which argparse would take for an option.
    code = indexer_main(
        ["index", "--sources", str(SOURCES_PATH), "--meili-url", url, f"--meili-key={key}"]
    )
    if code == INDEX_SOME_REJECTED:
        # Exit 1 also covers a source that failed to load: say so, but still serve.
        logger.warning("The indexer reported problems (listed above); serving what is live.")
    elif code != INDEX_OK:
        reason = "Meilisearch is unreachable" if code == 2 else f"exit code {code}"
        raise LaunchError(f"indexing into {url} failed ({reason}); see the messages above.")


def _search_key(url: str, master_key: str) -> str:
    """The API's search-only key, made from the master key (none for a keyless server)."""
    if not master_key:
        return ""
    index = os.environ.get("PATHWAYS_INDEX", "").strip() or DEFAULT_INDEX
    return ensure_search_key(url, master_key, index)


def _serve(*, host: str, port: int) -> None:
    """Serve the API in the foreground until Ctrl-C."""
    import uvicorn

    from service.app import create_app
    from service.settings import from_env

    app = create_app(from_env())
    _say(f"Pathways is serving on http://{host}:{port} — try /v1/search?near=19103&kind=meeting")
    # SERVER_OPTIONS: request size limits and no access log (request lines carry what people
    # search for and their addresses); see service/http/limits.py.
    uvicorn.run(app, host=host, port=port, log_level="info", **SERVER_OPTIONS)


def _listen_address(env: Mapping[str, str]) -> tuple[str, int]:
    """Read PATHWAYS_HOST/PORT and check the port is free before the slow steps run."""
    host = env.get("PATHWAYS_HOST", "").strip() or DEFAULT_HOST
    raw_port = env.get("PATHWAYS_PORT", "").strip() or str(DEFAULT_PORT)
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise LaunchError(f"PATHWAYS_PORT must be a port number (1-65535), got {raw_port!r}")
    port = int(raw_port)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The same option uvicorn sets, so a port in TIME_WAIT does not count as busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise LaunchError(
                f"cannot listen on {host}:{port} ({exc.strerror}); "
                "set PATHWAYS_PORT (or PATHWAYS_HOST) to another one."
            ) from None
    return host, port


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def _say(message: str, *, stream: TextIO | None = None) -> None:
    print(message, file=stream or sys.stdout, flush=True)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turned into an exception so the managed Meilisearch is stopped, not orphaned.
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
