"""Database URLs, engines and migrations: the one place that knows which engine is in use.

One URL names the database for every part of Pathways: `sqlite:///PATH` or
`postgresql://USER:PASSWORD@HOST:PORT/NAME`. The API opens it with an async driver
(aiosqlite, psycopg), the indexer and the command line with a sync one (sqlite3, psycopg).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from meili_local import default_state_dir
from service.errors import StorageUnavailableError

MIGRATIONS: Final = Path(__file__).resolve().parent / "migrations"
DEFAULT_FILE_NAME: Final = "pathways.sqlite3"
URL_ENV_VAR: Final = "PATHWAYS_DATABASE_URL"
_ASYNC_DRIVERS: Final = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
_SYNC_DRIVERS: Final = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


class DatabaseUrlError(ValueError):
    """The database URL names an engine Pathways does not support."""


def default_url(state_dir: Path) -> str:
    """The embedded default: a SQLite file in the state folder."""
    return f"sqlite:///{(state_dir / DEFAULT_FILE_NAME).resolve()}"


def database_url(env: Mapping[str, str]) -> str:
    """PATHWAYS_DATABASE_URL, else the embedded SQLite file in the state folder (`make run`)."""
    return env.get(URL_ENV_VAR, "").strip() or default_url(default_state_dir(env))


def _with_driver(url: str, drivers: dict[str, str]) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in drivers:
        raise DatabaseUrlError(
            f"PATHWAYS_DATABASE_URL: {backend!r} is not supported; use sqlite:///PATH "
            "or postgresql://USER:PASSWORD@HOST:PORT/NAME"
        )
    return parsed.set(drivername=drivers[backend])


def engine_name(url: str) -> str:
    """`sqlite` or `postgresql`."""
    return _with_driver(url, _SYNC_DRIVERS).get_backend_name()


def _connect_args(url: URL, timeout_s: float) -> dict[str, Any]:
    if url.get_backend_name() == "sqlite":
        # How long a writer waits for another's lock before giving up.
        return {"timeout": timeout_s}
    return {"connect_timeout": max(1, math.ceil(timeout_s))}


def _prepare_sqlite_folder(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(str(url.database)).parent.mkdir(parents=True, exist_ok=True)


def sync_engine(url: str, *, timeout_s: float = 5.0) -> Engine:
    """A sync engine (indexer, command line, migrations)."""
    parsed = _with_driver(url, _SYNC_DRIVERS)
    _prepare_sqlite_folder(parsed)
    return sa.create_engine(
        parsed, connect_args=_connect_args(parsed, timeout_s), pool_pre_ping=True
    )


def async_engine(url: str, *, timeout_s: float) -> AsyncEngine:
    """The API's async engine; pre-ping makes a restarted database usable again by itself."""
    parsed = _with_driver(url, _ASYNC_DRIVERS)
    _prepare_sqlite_folder(parsed)
    return create_async_engine(
        parsed,
        connect_args=_connect_args(parsed, timeout_s),
        pool_pre_ping=True,
        pool_timeout=timeout_s,
    )


def migrate(engine: Engine) -> None:
    """Bring the database's tables to the newest migration (a no-op when they are there)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def unavailable_as_ours() -> Iterator[None]:
    """Turn the drivers' connection and timeout failures into StorageUnavailableError."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        # The driver's message can hold the URL's host; the class name is enough to say why.
        raise StorageUnavailableError(
            f"The database is not answering ({type(exc.orig or exc).__name__})."
        ) from exc
    except sa.exc.TimeoutError as exc:
        raise StorageUnavailableError("The database's connections are all busy.") from exc
    except (OSError, TimeoutError) as exc:
        raise StorageUnavailableError(
            f"The database is not answering ({type(exc).__name__})."
        ) from exc
