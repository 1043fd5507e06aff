"""Logging, configured here and nowhere else: one stderr handler for Pathways' own loggers.

Whichever way the app starts (`make run`'s launcher, `uvicorn --factory
service.app:create_app_from_env`, a test's `create_app`), `configure_logging` runs, so the
`pathways` logger always has its handler, and running it twice adds none. Records still
propagate, so pytest's capture and a test's own handler on the root logger see them; the root
logger itself is left alone (the app tells Litestar not to configure it), so nothing is
written twice.

Privacy: nothing logged at INFO or above holds query text, places or IP addresses
(tests/integration/test_privacy_logs.py); keep such details at DEBUG, if anywhere.
"""

from __future__ import annotations

import logging
import sys
from typing import Final

# The service's loggers are `pathways.*`; the indexer's and the local Meilisearch's are
# named after their packages, and `make run` runs both in the same process.
OWN_LOGGERS: Final = ("pathways", "indexer", "meili_local")
# httpx logs every request URL at INFO; the URLs carry no user text, but the default stays quiet.
QUIET_LOGGERS: Final = ("httpx", "httpcore", "aiohttp")
HANDLER_NAME: Final = "pathways-stderr"
FORMAT: Final = "%(levelname)s %(name)s: %(message)s"


class _StderrHandler(logging.Handler):
    """Writes to whatever `sys.stderr` is at the time (pytest swaps it), never a stale one."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never raise; handleError reports it
            self.handleError(record)


def configure_logging(level: str | int = "INFO") -> None:
    """Give Pathways' loggers their one stderr handler at `level`; quiet chatty libraries."""
    for name in OWN_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(handler.name == HANDLER_NAME for handler in logger.handlers):
            handler = _StderrHandler()
            handler.name = HANDLER_NAME
            handler.setFormatter(logging.Formatter(FORMAT))
            logger.addHandler(handler)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
