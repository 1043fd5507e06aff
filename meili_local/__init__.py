"""Find or install the pinned Meilisearch binary and run it as a managed local server."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from meili_local.binary import MEILI_VERSION, MeiliBinaryError, find_or_install_binary
from meili_local.server import ManagedMeilisearch, MeiliServerError, load_or_create_master_key
from meili_local.supervisor import MeiliSupervisor

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent
STATE_DIR_ENV_VAR: Final = "PATHWAYS_STATE_DIR"

__all__ = [
    "MEILI_VERSION",
    "PROJECT_ROOT",
    "STATE_DIR_ENV_VAR",
    "ManagedMeilisearch",
    "MeiliBinaryError",
    "MeiliServerError",
    "MeiliSupervisor",
    "binary_cache_dir",
    "default_state_dir",
    "find_or_install_binary",
    "load_or_create_master_key",
]


def default_state_dir(env: Mapping[str, str]) -> Path:
    """Project-local state folder (binary cache, index data, key): $PATHWAYS_STATE_DIR or .state."""
    named = env.get(STATE_DIR_ENV_VAR, "").strip()
    return Path(named).expanduser().resolve() if named else PROJECT_ROOT / ".state"


def binary_cache_dir(env: Mapping[str, str]) -> Path:
    """Where the pinned Meilisearch binary is cached: <state dir>/bin."""
    return default_state_dir(env) / "bin"
