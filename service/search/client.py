"""The API's search client: reads of one Meilisearch index on its hot path.

Every call goes through `_request`, which maps failures with the adapter's one mapping
(service/search/meili.py): connection failures, timeouts and 5xx answers become
`SearchUnavailableError`, Meilisearch's own 4xx `SearchQueryError`, so handlers never see an
HTTP client's exception; to the API a missing index or a refused key is an outage too.
With several replicas (PATHWAYS_MEILI_URLS) `_request` also picks the replica, keeps the
request on it and moves to another when it fails (service/search/replicas.py).

The client is aiohttp, not the official client the rest of the project administers
Meilisearch with: per request it costs the API a quarter of that client's CPU through a
thread (0.5 vs 1.7-2.4 ms with 20 hits) and a tenth of httpx's (bench/PROFILE.md), and a
search near a place makes two or three requests.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Hashable, Sequence
from typing import Any, Final
from urllib.parse import quote

import aiohttp
import msgspec

from service.contract.documents import DOCUMENT_ID_RE, PUBLIC_ATTRIBUTES, SearchHit
from service.contract.filters import quote_value
from service.search.deadline import background, remaining_s, timed_out
from service.search.meili import (
    SearchQueryError,
    SearchUnavailableError,
    read_error,
    unreachable_error,
)
from service.search.outage import OutageLog
from service.search.replicas import (
    ReplicaChangedError,
    ReplicaPool,
    ReplicaVersion,
    attempt_budget_s,
    request_replica,
)
from service.search.result_cache import FreshVersion
from service.settings import replica_label


class MeiliError(msgspec.Struct, kw_only=True):
    """The error body Meilisearch sends with a 4xx/5xx."""

    message: str = ""
    code: str = ""


class MeiliSearchResult(msgspec.Struct, kw_only=True):
    """The part of Meilisearch's search answer we use (page / hitsPerPage mode)."""

    hits: list[SearchHit]
    totalHits: int = 0
    totalPages: int = 0
    facetDistribution: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)


class MultiSearchResult(msgspec.Struct, kw_only=True):
    """Meilisearch's answer to a multi-search: one result per query, in order."""

    results: list[MeiliSearchResult]


class IndexStats(msgspec.Struct, kw_only=True):
    """Meilisearch's statistics of one index."""

    numberOfDocuments: int = 0
    isIndexing: bool = False


class IndexInfo(msgspec.Struct, kw_only=True):
    """Meilisearch's description of one index; `updatedAt` changes with every write or swap."""

    uid: str
    createdAt: str = ""
    updatedAt: str = ""

    @property
    def version(self) -> tuple[str, str, str]:
        """What identifies the index's content: it changes whenever the content may have."""
        return (self.uid, self.createdAt, self.updatedAt)


class DocumentsPage(msgspec.Struct, kw_only=True):
    """One page of the documents endpoint (`/documents/fetch`)."""

    results: list[SearchHit]
    total: int = 0


class DocumentId(msgspec.Struct, kw_only=True):
    """A document reduced to its id (and, when asked for, the ids merged into it)."""

    id: str
    former_ids: list[str] = msgspec.field(default_factory=list)


class DocumentIdsPage(msgspec.Struct, kw_only=True):
    """One page of document ids."""

    results: list[DocumentId]
    total: int = 0


_search_decoder: Final = msgspec.json.Decoder(MeiliSearchResult)
_multi_decoder: Final = msgspec.json.Decoder(MultiSearchResult)
_info_decoder: Final = msgspec.json.Decoder(IndexInfo)
_documents_decoder: Final = msgspec.json.Decoder(DocumentsPage)
_ids_decoder: Final = msgspec.json.Decoder(DocumentIdsPage)
_hit_decoder: Final = msgspec.json.Decoder(SearchHit)
_stats_decoder: Final = msgspec.json.Decoder(IndexStats)
_error_decoder: Final = msgspec.json.Decoder(MeiliError)
CONNECT_TIMEOUT_S: Final = 1.0
# How often a replica that stopped answering is asked whether it is back.
PROBE_INTERVAL_S: Final = 0.5
logger: Final = logging.getLogger("pathways.search")
_PUBLIC_FIELDS: Final = quote(",".join(PUBLIC_ATTRIBUTES), safe=",_")


class SearchIndex:
    """An async, connection-reusing client for one Meilisearch index on one or more replicas."""

    def __init__(
        self,
        *,
        url: str = "",
        urls: Sequence[str] = (),
        api_key: str,
        index_name: str,
        timeout_s: float,
    ) -> None:
        headers = {
            "Content-Type": "application/json",
            # Compressed answers on a kept-alive connection stall ~40 ms each (PLATFORM.md).
            "Accept-Encoding": "identity",
        }
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.index_name = index_name
        # Every replica holds the same index under the same key (service/search/replicas.py).
        self.replicas = ReplicaPool(tuple(urls) or (url,))
        self._headers = headers
        self.timeout_s = timeout_s
        self._timeout = aiohttp.ClientTimeout(
            total=timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S)
        )
        self._session: aiohttp.ClientSession | None = None
        self._probes: dict[int, asyncio.Task[None]] = {}
        self._versions = [
            FreshVersion(functools.partial(self._version_at, i), timeout_s=timeout_s)
            for i in range(len(self.replicas))
        ]
        self.outage = OutageLog()

    def _http(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running event loop (aiohttp needs one).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=64),
                # Environment proxies must not see searches (HTTP_PROXY and the like).
                trust_env=False,
            )
        return self._session

    async def aclose(self) -> None:
        """Stop the probes and close the pooled connections."""
        for probe in self._probes.values():
            probe.cancel()
        if self._session is not None:
            await self._session.close()

    async def _request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        pin = request_replica()
        tried: list[int] = []
        failure: SearchUnavailableError | None = None
        while True:
            left_s = remaining_s(self.timeout_s)
            if left_s <= 0:
                raise timed_out()
            if pin is not None and pin.index is not None:
                replica: int | None = pin.index
            else:
                replica = self.replicas.choose(tried)
            if replica is None:
                failure = failure or unreachable_error(timed_out=False)
                self.outage.failed(failure.detail)
                raise failure
            tried.append(replica)
            budget_s = attempt_budget_s(left_s, others_left=self.replicas.others_left(tried))
            try:
                content = await self._send(replica, method, path, body, budget_s)
            except SearchUnavailableError as exc:
                self._down(replica, exc)
                if pin is not None and pin.index == replica:
                    # What this request already has came from that replica: no mixing.
                    pin.index = None
                    raise ReplicaChangedError(exc.detail) from exc
                failure = exc
                continue
            except SearchQueryError:
                self._up(replica)
                raise
            self._up(replica)
            if pin is not None:
                pin.index = replica
            return content

    def _down(self, replica: int, exc: SearchUnavailableError) -> None:
        if self.replicas.mark_down(replica):
            logger.warning(
                "Meilisearch replica %s unavailable (%s): searches go to the others",
                replica_label(self.replicas.urls[replica]),
                exc.detail,
            )
        if replica not in self._probes or self._probes[replica].done():
            self._probes[replica] = background(self._probe(replica))

    def _up(self, replica: int) -> None:
        self.outage.succeeded()
        lasted_s = self.replicas.mark_up(replica)
        if lasted_s is not None:
            logger.warning(
                "Meilisearch replica %s available again after %.1f s",
                replica_label(self.replicas.urls[replica]),
                lasted_s,
            )

    async def _probe(self, replica: int) -> None:
        """Ask a down replica for the index every PROBE_INTERVAL_S until it answers."""
        while not self.replicas.is_up(replica):
            await asyncio.sleep(PROBE_INTERVAL_S)
            try:
                await self._send(
                    replica, "GET", f"/indexes/{self.index_name}", None, self.timeout_s
                )
            except (SearchUnavailableError, SearchQueryError):
                continue
            self._up(replica)

    async def _send(
        self, replica: int, method: str, path: str, body: bytes | None, left_s: float
    ) -> bytes:
        timeout = aiohttp.ClientTimeout(total=left_s, connect=min(left_s, CONNECT_TIMEOUT_S))
        url = self.replicas.urls[replica] + path
        try:
            async with self._http().request(method, url, data=body, timeout=timeout) as response:
                status, content = response.status, await response.read()
                reason = response.reason or ""
        except TimeoutError as exc:
            raise unreachable_error(timed_out=True) from exc
        except aiohttp.ClientError as exc:
            raise unreachable_error(timed_out=False) from exc
        if status >= 400:
            failure = _decode_error(content)
            raise read_error(status, code=failure.code, message=failure.message or reason)
        return content

    async def _version_at(self, replica: int) -> Hashable:
        """The index version of one replica, read from it alone (no failover: its own)."""
        try:
            raw = await self._send(
                replica, "GET", f"/indexes/{self.index_name}", None, self.timeout_s
            )
        except SearchUnavailableError as exc:
            self._down(replica, exc)
            raise
        self._up(replica)
        return ReplicaVersion(replica=replica, index=_info_decoder.decode(raw).version)

    async def current(self) -> Hashable:
        """The version of the replica this request is on (chosen now if it is on none).

        Shared like FreshVersion: each replica's read serves every search waiting on it.
        """
        if remaining_s(self.timeout_s) <= 0:
            raise timed_out()
        pin = request_replica()
        if pin is not None and pin.index is not None:
            replica = pin.index
            try:
                return await self._versions[replica].current()
            except SearchUnavailableError as exc:
                pin.index = None
                raise ReplicaChangedError(exc.detail) from exc
        tried: list[int] = []
        while True:
            chosen = self.replicas.choose(tried)
            if chosen is None:
                raise SearchUnavailableError("no Meilisearch replica answers")
            tried.append(chosen)
            left_s = remaining_s(self.timeout_s)
            budget_s = attempt_budget_s(left_s, others_left=self.replicas.others_left(tried))
            try:
                version = await asyncio.wait_for(self._versions[chosen].current(), budget_s)
            except TimeoutError:
                if self.replicas.others_left(tried):
                    # It hung for its share of the time: the next search should not wait too.
                    self._down(chosen, unreachable_error(timed_out=True))
                if remaining_s(self.timeout_s) <= 0 or not self.replicas.others_left(tried):
                    self.outage.failed("Meilisearch did not answer in time")
                    raise timed_out() from None
                continue
            except SearchUnavailableError as exc:
                if remaining_s(self.timeout_s) <= 0 or not self.replicas.others_left(tried):
                    self.outage.failed(exc.detail)
                    raise
                continue
            if pin is not None:
                pin.index = chosen
            return version

    @property
    def reads(self) -> int:
        """Version reads sent to Meilisearch since the start, over every replica."""
        return sum(v.reads for v in self._versions)

    async def search(self, body: dict[str, Any]) -> MeiliSearchResult:
        """Run one search on the index."""
        raw = await self._request(
            "POST", f"/indexes/{self.index_name}/search", msgspec.json.encode(body)
        )
        return _search_decoder.decode(raw)

    async def multi_search(self, bodies: list[dict[str, Any]]) -> list[MeiliSearchResult]:
        """Several searches on the index in one round trip; results in the same order."""
        queries = [{**body, "indexUid": self.index_name} for body in bodies]
        body = msgspec.json.encode({"queries": queries})
        raw = await self._request("POST", "/multi-search", body)
        return _multi_decoder.decode(raw).results

    async def get_document(self, doc_id: str) -> SearchHit | None:
        """One document by id, or None when there is none."""
        if not DOCUMENT_ID_RE.match(doc_id):
            return None
        try:
            raw = await self._request(
                "GET",
                f"/indexes/{self.index_name}/documents/{quote(doc_id, safe='')}"
                f"?fields={_PUBLIC_FIELDS}",
            )
        except SearchQueryError as exc:
            if exc.code == "document_not_found":
                return None
            raise
        return _hit_decoder.decode(raw)

    async def successor_id(self, old_id: str) -> str | None:
        """The id of the document an old id was merged into (its `former_ids`), or None."""
        if not DOCUMENT_ID_RE.match(old_id):
            return None
        body = {"filter": f"former_ids = {quote_value(old_id)}", "fields": ["id"], "limit": 1}
        try:
            raw = await self._request(
                "POST", f"/indexes/{self.index_name}/documents/fetch", msgspec.json.encode(body)
            )
        except SearchQueryError as exc:
            # An index built before `former_ids` was filterable holds no former ids.
            if exc.code == "invalid_document_filter":
                return None
            raise
        page = _ids_decoder.decode(raw)
        return page.results[0].id if page.results else None

    async def index_info(self) -> IndexInfo:
        """The index's uid and last update time; SearchUnavailableError when it is missing."""
        raw = await self._request("GET", f"/indexes/{self.index_name}")
        return _info_decoder.decode(raw)

    async def version(self) -> tuple[str, str, str]:
        """The index's `IndexInfo.version`, read now."""
        return (await self.index_info()).version

    async def fetch_documents(self, body: dict[str, Any]) -> DocumentsPage:
        """One page of documents by filter (`filter`, `fields`, `sort`, `offset`, `limit`)."""
        raw = await self._request(
            "POST", f"/indexes/{self.index_name}/documents/fetch", msgspec.json.encode(body)
        )
        return _documents_decoder.decode(raw)

    async def all_documents(
        self, body: dict[str, Any], *, page_size: int = 2000
    ) -> list[SearchHit]:
        """Every document matching a documents-endpoint body, fetched page by page.

        Unlike `/search`, the documents endpoint has no `maxTotalHits` cap.
        """
        documents: list[SearchHit] = []
        while True:
            page = await self.fetch_documents(
                {**body, "offset": len(documents), "limit": page_size}
            )
            documents.extend(page.results)
            if not page.results or len(documents) >= page.total:
                return documents

    async def all_ids(self, *, page_size: int = 10000) -> list[str]:
        """The id of every document in the index."""
        ids: list[str] = []
        while True:
            body = {"fields": ["id"], "offset": len(ids), "limit": page_size}
            raw = await self._request(
                "POST", f"/indexes/{self.index_name}/documents/fetch", msgspec.json.encode(body)
            )
            page = _ids_decoder.decode(raw)
            ids.extend(doc.id for doc in page.results)
            if not page.results or len(ids) >= page.total:
                return ids

    async def merged_ids(self, *, page_size: int = 10000) -> dict[str, str]:
        """Every id merged into another document -> that document's id (`former_ids`)."""
        merged: dict[str, str] = {}
        offset = 0
        while True:
            body = {
                "fields": ["id", "former_ids"],
                "filter": "former_ids EXISTS",
                "offset": offset,
                "limit": page_size,
            }
            try:
                raw = await self._request(
                    "POST", f"/indexes/{self.index_name}/documents/fetch", msgspec.json.encode(body)
                )
            except SearchQueryError as exc:
                # An index built before `former_ids` was filterable holds no former ids.
                if exc.code == "invalid_document_filter":
                    return merged
                raise
            page = _ids_decoder.decode(raw)
            for doc in page.results:
                merged.update(dict.fromkeys(doc.former_ids, doc.id))
            offset += len(page.results)
            if not page.results or offset >= page.total:
                return merged

    async def stats(self) -> IndexStats:
        """Document count of the index; raises SearchUnavailableError when it is missing."""
        raw = await self._request("GET", f"/indexes/{self.index_name}/stats")
        return _stats_decoder.decode(raw)

    async def healthy(self) -> bool:
        """Whether Meilisearch answers its health check."""
        try:
            await self._request("GET", "/health")
        except SearchUnavailableError:
            return False
        return True


def _decode_error(raw: bytes) -> MeiliError:
    try:
        return _error_decoder.decode(raw)
    except msgspec.DecodeError:
        return MeiliError()
