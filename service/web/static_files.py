"""The page's own assets under /static: only the files shipped in static/, by exact name.

A name is looked up in the set listed at start-up, never joined to a path: `.`, `..`, NUL
bytes, encoded slashes and directories are all just unknown names, answered 404 with a body
that names no file system path.
"""

from __future__ import annotations

import mimetypes
from typing import Final

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from service.web.render import STATIC_DIR

# Read on each request (a few KB): a deploy that replaces a file needs no restart.
STATIC_NAMES: Final[frozenset[str]] = frozenset(
    p.name for p in STATIC_DIR.iterdir() if p.is_file() and not p.name.startswith(".")
)
STATIC_HEADERS: Final[dict[str, str]] = {"Cache-Control": "public, max-age=600"}
_TYPES: Final[dict[str, str]] = {".js": "text/javascript", ".svg": "image/svg+xml"}


def media_type(name: str) -> str:
    """The Content-Type of a shipped asset."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@get("/static/{name:str}", include_in_schema=False, sync_to_thread=False, name="static")
def static_file(name: FromPath[str]) -> Response[bytes]:
    """One shipped asset, or 404."""
    if name not in STATIC_NAMES:
        raise NotFoundException("No such file.")
    body = (STATIC_DIR / name).read_bytes()
    return Response(body, media_type=media_type(name), headers=STATIC_HEADERS)
