"""The bytes of a source: a file next to the sources file, or a URL fetched over HTTP.

Every reader gets its input through `source_bytes`, so a feed can move from a file to its
publisher's URL by changing one line of the sources file. A URL is fetched once per run,
with a timeout and a size limit; any failure (unreachable host, HTTP error, too large) is a
SourceLoadError, so the source fails whole and the index is left as it was.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Final

import httpx

from indexer.records import SourceConfig, SourceLoadError

FETCH_TIMEOUT_S: Final = 30.0
# The largest real feed here is 2.4 MB; a national HSDS export can reach tens of MB.
MAX_FETCH_BYTES: Final = 200 * 1024 * 1024
READ_CHUNK_BYTES: Final = 1024 * 1024
USER_AGENT: Final = "pathways-indexer (+https://github.com/pathways)"


def source_bytes(
    source: SourceConfig,
    root: Path,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = MAX_FETCH_BYTES,
) -> bytes:
    """The raw data of a source, from its `path` (under root) or its `url`."""
    if source.url is not None:
        return fetch_url(source.url, client=client, max_bytes=max_bytes)
    assert source.path is not None  # noqa: S101 - SourceConfig guarantees one of the two
    return read_file(root / source.path)


def read_file(path: Path, *, timeout_s: float = FETCH_TIMEOUT_S) -> bytes:
    """A regular file's bytes; SourceLoadError naming the file when it cannot be read.

    A FIFO, a device or a socket may never end (or never start): they are refused before
    anything is read, and a file that takes longer than `timeout_s` to read fails whole.
    """
    deadline = time.monotonic() + timeout_s
    try:
        # Non-blocking open: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise SourceLoadError(f"{path}: cannot read the file ({exc.strerror})") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SourceLoadError(f"{path}: not a regular file (a pipe, device or directory)")
    with os.fdopen(fd, "rb") as stream:
        chunks: list[bytes] = []
        try:
            while chunk := stream.read(READ_CHUNK_BYTES):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise SourceLoadError(f"{path}: not read within {timeout_s:g} s")
        except OSError as exc:
            raise SourceLoadError(f"{path}: cannot read the file ({exc.strerror})") from exc
    return b"".join(chunks)


def fetch_url(
    url: str,
    *,
    client: httpx.Client | None = None,
    timeout_s: float = FETCH_TIMEOUT_S,
    max_bytes: int = MAX_FETCH_BYTES,
) -> bytes:
    """GET a URL and return its body; SourceLoadError on any failure or an oversized body."""
    own = client is None
    http = client or httpx.Client(
        timeout=timeout_s, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )
    try:
        return _read_limited(http, url, max_bytes)
    except httpx.TimeoutException as exc:
        raise SourceLoadError(f"{url}: no answer within {timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        raise SourceLoadError(f"{url}: cannot be fetched ({type(exc).__name__}: {exc})") from exc
    finally:
        if own:
            http.close()


def _read_limited(http: httpx.Client, url: str, max_bytes: int) -> bytes:
    with http.stream("GET", url) as response:
        if response.status_code != 200:
            raise SourceLoadError(f"{url}: the server answered HTTP {response.status_code}")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise SourceLoadError(f"{url}: {declared} bytes is more than the {max_bytes} allowed")
        chunks: list[bytes] = []
        size = 0
        # Counted as it arrives: a server may send no length, or a wrong one.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise SourceLoadError(f"{url}: more than the {max_bytes} bytes allowed")
            chunks.append(chunk)
    return b"".join(chunks)
