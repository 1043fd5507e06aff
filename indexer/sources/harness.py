"""The record loop every format goes through, and the one check of a document.

A format reads its file into numbered records (`at_lines`, `at_indexes`) and maps each raw record
to documents, raising RecordError when it cannot. The loop checks every document against
the index contract (`validate_document`), settles documents that repeat an id through the
format's `on_duplicate`, and reports each problem where it is: `file:line: reason` for rows,
`file[index]: reason` for JSON items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, NamedTuple, TypeAlias, TypeVar

import msgspec

from indexer.records import RecordError, Rejection, SourceConfig, SourceLoad
from service.contract.documents import (
    DOCUMENT_ID_PATTERN,
    DOCUMENT_ID_RE,
    FILTER_FIELDS,
    IndexDocument,
    filter_codes,
)

T = TypeVar("T")


class Mapped(msgspec.Struct, frozen=True, kw_only=True):
    """A record's documents, with what was dropped from them and codes outside our lists."""

    documents: tuple[IndexDocument, ...] = ()
    # Kept, with something dropped (e.g. impossible coordinates): reported, not rejected.
    warnings: tuple[str, ...] = ()
    # Codes (meeting types, BMLT formats...) kept as tags because no crosswalk knows them.
    unknown_codes: tuple[str, ...] = ()


Produced: TypeAlias = IndexDocument | Sequence[IndexDocument] | Mapped


class Record(NamedTuple, Generic[T]):
    """A raw record, where rejections name it, and its line or index in its file."""

    location: str
    # 0 for records whose location is all there is to say (a service nested from CSV rows).
    number: int
    raw: T


class Kept(NamedTuple):
    """The document kept for an id, and the record it came from."""

    record: Record[Any]
    document: IndexDocument


# A document whose id an earlier record gave: the answer is the document to keep instead
# (a merge), the reason to reject the later record, or None to drop it silently.
OnDuplicate: TypeAlias = Callable[[Kept, IndexDocument, Record[Any]], IndexDocument | str | None]


def at_lines(where: str, rows: Iterable[tuple[int, T]]) -> Iterator[Record[T]]:
    """CSV rows with the line each starts on, named `where:line`."""
    for line, row in rows:
        yield Record(location=f"{where}:{line}", number=line, raw=row)


def at_indexes(where: str, values: Iterable[T]) -> Iterator[Record[T]]:
    """JSON items with their index, named `where[index]`."""
    for index, value in enumerate(values):
        yield Record(location=f"{where}[{index}]", number=index, raw=value)


def validate_document(doc: IndexDocument) -> IndexDocument:
    """The document as the index reads it back; RecordError naming the first thing wrong."""
    if not DOCUMENT_ID_RE.match(doc.id):
        raise RecordError(f"invalid document: id {doc.id!r} does not match {DOCUMENT_ID_PATTERN}")
    # Struct constructors do not check Meta constraints; a round trip through the contract
    # does, so a bad value is this record's rejection, not a batch Meilisearch refuses later.
    try:
        checked = msgspec.convert(msgspec.to_builtins(doc), IndexDocument)
    except msgspec.ValidationError as error:
        raise RecordError(f"invalid document: {error}") from error
    for field in FILTER_FIELDS:
        codes = filter_codes(checked, field)
        if not field.vocabulary.codes.issuperset(codes):
            unknown = next(c for c in codes if c not in field.vocabulary.codes)
            allowed = ", ".join(field.vocabulary.ordered_codes())
            raise RecordError(
                f"invalid document: {field.attribute}: unknown value {unknown!r} "
                f"(allowed: {allowed})"
            )
    # Keep the format's own object when equal: a second copy of every document would only
    # feed the garbage collector. A seed file's nested types are not equal, so they convert.
    return doc if checked == doc else checked


def _mapped(produced: Produced) -> Mapped:
    if isinstance(produced, Mapped):
        return produced
    if isinstance(produced, IndexDocument):
        return Mapped(documents=(produced,))
    return Mapped(documents=tuple(produced))


class RecordLoop(Generic[T]):
    """One source's records through its format's mapping into one SourceLoad."""

    def __init__(
        self,
        source: SourceConfig,
        to_documents: Callable[[T, SourceConfig], Produced],
        *,
        on_duplicate: OnDuplicate | None = None,
    ) -> None:
        self.load = SourceLoad(source=source)
        self.records = 0
        self._to_documents = to_documents
        # Without `on_duplicate`, documents that share an id are all kept.
        self._on_duplicate = on_duplicate
        self._kept: dict[str, tuple[Record[Any], int]] = {}
        self._unknown: Counter[str] = Counter()

    def run(self, records: Iterable[Record[T]]) -> SourceLoad:
        """Map, check and collect every record; the source's load so far."""
        for record in records:
            self.records += 1
            self._one(record)
        self.load.unknown_codes = dict(self._unknown)
        return self.load

    def _one(self, record: Record[T]) -> None:
        try:
            mapped = _mapped(self._to_documents(record.raw, self.load.source))
        except RecordError as error:
            self._report(self.load.rejections, record, str(error))
            return
        valid: list[IndexDocument] = []
        for doc in mapped.documents:
            try:
                valid.append(validate_document(doc))
            except RecordError as error:
                self._report(self.load.rejections, record, str(error))
        if mapped.documents and not valid:
            return
        self._unknown.update(mapped.unknown_codes)
        admitted = [self._admit(record, doc) for doc in valid]
        # What was dropped from a record matters only if something of it is indexed.
        if any(admitted) or not mapped.documents:
            for warning in mapped.warnings:
                self._report(self.load.warnings, record, warning)

    def _admit(self, record: Record[T], doc: IndexDocument) -> bool:
        """Keep, merge, drop or reject one valid document; True when it is in the index."""
        documents = self.load.documents
        kept = self._kept.get(doc.id)
        if kept is None or self._on_duplicate is None:
            self._kept.setdefault(doc.id, (record, len(documents)))
            documents.append(doc)
            return True
        first, index = kept
        outcome = self._on_duplicate(Kept(record=first, document=documents[index]), doc, record)
        if isinstance(outcome, IndexDocument):
            documents[index] = outcome
            return True
        if outcome is not None:
            self._report(self.load.rejections, record, outcome)
        return False

    def _report(self, into: list[Rejection], record: Record[T], reason: str) -> None:
        into.append(Rejection(source=self.load.source.id, location=record.location, reason=reason))
