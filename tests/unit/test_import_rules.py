"""The architecture's import rules, read from the source: layers point one way only."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parents[2]
# What the indexer may use of the service: the index contract and the pure libraries both
# sides must agree on (places, weekly schedules, the lexicon's words for the codes), the one
# Meilisearch adapter and settings; and the store of stewards' corrections, which the indexer
# applies over the sources and flags when a source changes a corrected field (its sync side:
# engine, overrides, the pure field rules; never the API's async repository).
INDEXER_MAY_IMPORT: Final = (
    "service.contract",
    "service.places",
    "service.schedules",
    "service.search.indexed",
    "service.search.wording",
    "service.search.meili",
    "service.search.keys",
    "service.settings",
    "service.errors",
    "service.values",
    "service.store.engine",
    "service.store.overrides",
    "service.store.fields",
    "service.store.records",
)


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


@cache
def imports_of(path: Path) -> frozenset[str]:
    """Every module an import statement in this file names (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(found)


def package_of(module: str) -> str:
    """The unit the cycle rule is about: `service.<package>`, or a top-level module."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _known(module: str) -> bool:
    return any(
        (ROOT / Path(*module.split("."))).with_suffix(suffix).exists() for suffix in (".py", "")
    )


def test_service_never_imports_indexer() -> None:
    offenders = [
        f"{name} imports {imported}"
        for name, path in _modules("service")
        for imported in imports_of(path)
        if imported == "indexer" or imported.startswith("indexer.")
    ]
    assert offenders == []


def test_indexer_imports_only_the_shared_contract() -> None:
    offenders = sorted(
        f"{name} imports {imported}"
        for name, path in _modules("indexer")
        for imported in imports_of(path)
        if imported.startswith("service.")
        and _known(imported)
        and not imported.startswith(INDEXER_MAY_IMPORT)
    )
    assert offenders == []


@pytest.mark.parametrize(
    ("low", "high"), [("service.api", "service.web"), ("service.web", "service.api")]
)
def test_api_and_web_never_import_each_other(low: str, high: str) -> None:
    offenders = [
        f"{name} imports {imported}"
        for name, path in _modules(low.replace(".", "/"))
        for imported in imports_of(path)
        if imported == high or imported.startswith(high + ".")
    ]
    assert offenders == []


def package_graph() -> dict[str, set[str]]:
    """Which service package imports which, from the source."""
    graph: dict[str, set[str]] = {}
    for name, path in _modules("service"):
        source = package_of(name)
        edges = graph.setdefault(source, set())
        for imported in imports_of(path):
            if imported.startswith("service.") and _known(imported):
                target = package_of(imported)
                if target != source:
                    edges.add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a path, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles_between_packages() -> None:
    assert find_cycle(package_graph()) is None


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ],
)
def test_find_cycle_finds_cycles(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle
