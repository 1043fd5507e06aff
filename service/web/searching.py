"""Run a `/v1/search` from a page's query string, through the API handler itself.

The page, the iframe and the widget call the same handler function as `/v1/search`, so they
validate, filter and answer exactly as the API does, including any parameter the handler
gains later (the schedule filters of issue 4 appear here as soon as the handler takes them).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Final

import msgspec
from litestar import Litestar
from litestar.di import Dependency, Provide

from service.api.search import search as search_handler
from service.errors import BadParameterError

_FN: Final = search_handler.fn
# Parameters that only the API decides, never a page's visitor.
_NOT_FROM_PAGES: Final = frozenset({"return"})
# Issue 4's time parameters, and the online-meetings switch, that pages pass on to the
# handler when it takes them; `at` and `tz` come only from a URL or the page's script.
SCHEDULE_PARAMS: Final[tuple[str, ...]] = (
    "open_now",
    "starts_within_min",
    "day",
    "time_from",
    "time_to",
    "include_online",
    "at",
    "tz",
)


def _strip_annotated(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    if typing.get_origin(hint) is typing.Annotated:
        args = typing.get_args(hint)
        return args[0], tuple(args[1:])
    return hint, ()


def _is_list(hint: Any) -> bool:
    union = typing.get_origin(hint) in {typing.Union, types.UnionType}
    options = typing.get_args(hint) if union else (hint,)
    return any(typing.get_origin(o) in {list, tuple} for o in options)


class HandlerSignature(msgspec.Struct, frozen=True, kw_only=True):
    """What the search handler takes: its query parameters (with types) and dependencies."""

    params: dict[str, Any]
    repeated: frozenset[str]
    dependencies: tuple[str, ...]


def inspect_handler(fn: Any = _FN) -> HandlerSignature:
    """Read the handler's parameters from its type hints."""
    hints = typing.get_type_hints(fn, include_extras=True)
    params: dict[str, Any] = {}
    dependencies: list[str] = []
    for name, hint in hints.items():
        if name in _NOT_FROM_PAGES:
            continue
        inner, metadata = _strip_annotated(hint)
        if any(isinstance(m, Dependency) for m in metadata):
            dependencies.append(name)
        else:
            params[name] = inner
    repeated = frozenset(n for n, t in params.items() if _is_list(t))
    return HandlerSignature(params=params, repeated=repeated, dependencies=tuple(dependencies))


SIGNATURE: Final = inspect_handler()


def schedule_params_available(signature: HandlerSignature = SIGNATURE) -> tuple[str, ...]:
    """The schedule parameters `/v1/search` accepts today (none before issue 4 lands)."""
    return tuple(p for p in SCHEDULE_PARAMS if p in signature.params)


def handler_args(
    query: Mapping[str, Sequence[str]], signature: HandlerSignature = SIGNATURE
) -> dict[str, Any]:
    """Typed keyword arguments for the handler from raw query values; unknown keys are dropped.

    Raises BadParameterError naming the parameter when a value has the wrong type.
    """
    args: dict[str, Any] = {}
    for name, hint in signature.params.items():
        values = [v for v in query.get(name, ()) if v != ""]
        if not values:
            continue
        raw: Any = values if name in signature.repeated else values[-1]
        try:
            args[name] = msgspec.convert(raw, hint, strict=False)
        except msgspec.ValidationError as exc:
            raise BadParameterError(name, f"{name}: {exc}") from exc
    return args


async def run_search(args: Mapping[str, Any], dependencies: Mapping[str, Any]) -> dict[str, Any]:
    """Call the `/v1/search` handler and return its answer as plain JSON-like data."""
    missing = [d for d in SIGNATURE.dependencies if d not in dependencies]
    if missing:
        raise RuntimeError(f"the search handler needs dependencies {missing} that pages lack")
    deps = {name: dependencies[name] for name in SIGNATURE.dependencies}
    # Pages, the widget and the CSV export show no facet counts: skip their cost.
    if "facets" in SIGNATURE.params:
        args = {"facets": "none", **args}
    response = await _FN(**deps, **args)
    result: dict[str, Any] = msgspec.to_builtins(response)
    return result


async def app_dependencies(app: Litestar) -> dict[str, Any]:
    """The handler's dependencies, produced by the app's own providers from its state."""
    values: dict[str, Any] = {}
    for name in SIGNATURE.dependencies:
        provide = app.dependencies.get(name)
        if not isinstance(provide, Provide):
            raise RuntimeError(f"the app provides no dependency {name!r} for /v1/search")
        kwargs = {
            p: app.state for p in inspect.signature(provide.dependency).parameters if p == "state"
        }
        value = provide.dependency(**kwargs)
        values[name] = await value if inspect.isawaitable(value) else value
    return values


def empty_result(per_page: int = 10) -> dict[str, Any]:
    """An answer with no hits, for a search that cannot match anything."""
    return {
        "hits": [],
        "total": 0,
        "page": 1,
        "per_page": per_page,
        "total_pages": 0,
        "sort": "relevance",
        "facets": {},
        "origin": None,
    }
