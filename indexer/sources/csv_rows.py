"""Shared CSV reading for the tabular sources: rows with line numbers, and a generic loader.

Duplicate rule (documents with the same id within one source):
- identical after normalisation: merged silently, and counted (`CsvLoad.duplicates_identical`);
- different, and the format gives a `merge` function: combined into the first document
  (counted in `CsvLoad.duplicates_merged`);
- different, without `merge`: the first one wins, and each later one is rejected with
  "duplicate of line N (differs in: ...)" so the conflict is visible in the report.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Protocol, TypeAlias

import msgspec

from indexer.fetch import read_file, source_bytes
from indexer.normalize import clean_text
from indexer.records import RecordError, Rejection, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.harness import Kept, Produced, Record, RecordLoop, at_lines
from service.contract.documents import IndexDocument

logger = logging.getLogger(__name__)

Row: TypeAlias = Mapping[str, str]
ToDocuments: TypeAlias = Callable[[Row, SourceConfig], IndexDocument | Sequence[IndexDocument]]
Merge: TypeAlias = Callable[[IndexDocument, IndexDocument], IndexDocument]

# A record with more (non-empty) fields than the header carries the surplus under this key,
# so that the loader can reject it instead of silently dropping data.
SURPLUS_FIELDS: Final = "\x00surplus"
# Placeholders that exports write for "no value" (R writes NA, spreadsheets N/A, the SAMHSA
# locator "- - -" for a withheld street).
_MISSING: Final = frozenset({"na", "n/a", "null", "none", "nan", "-", "--", "- - -"})


class _CsvReader(Protocol):
    """The part of `csv.reader`'s result the line counting needs."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


class CsvLoad(msgspec.Struct, kw_only=True):
    """What `collect_csv` read from one CSV source, with the counts the run report shows."""

    documents: list[IndexDocument]
    rejections: list[Rejection]
    rows: int = 0
    duplicates_identical: int = 0
    duplicates_merged: int = 0


def read_rows(
    path: Path, *, encoding: str = "utf-8", required_columns: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line where the record starts, row) for each record; the header is line 1.

    Raises SourceLoadError at once for a missing file, undecodable bytes or a missing column.
    """
    if not path.exists():
        raise SourceLoadError(f"{path}: file not found")
    data = read_file(path)
    return parse_rows(data, str(path), encoding=encoding, required_columns=required_columns)


def parse_rows(
    data: bytes, where: str, *, encoding: str = "utf-8", required_columns: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """`read_rows` for bytes already read (a file or a URL); `where` names them in errors."""
    text = _decode(data, where, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [(name or "").strip() for name in next(reader)]
    except StopIteration:
        raise SourceLoadError(f"{where}: empty file, no header row") from None
    except csv.Error as exc:
        raise SourceLoadError(f"{where}:1: unreadable header ({exc})") from exc
    missing = [c for c in required_columns if c not in header]
    if missing:
        raise SourceLoadError(
            f"{where}: missing required column(s) {', '.join(map(repr, missing))}; "
            f"the header has {', '.join(map(repr, header))}"
        )
    return _records(where, reader, header)


def _decode(data: bytes, where: str, encoding: str) -> str:
    # Whole-file decode: the seed files are a few MB, and decoding all at once gives the
    # absolute byte offset of a bad byte, which a streaming decoder does not.
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        line = data.count(b"\n", 0, offset) + 1
        raise SourceLoadError(
            f"{where}: not valid {encoding}: byte 0x{data[offset]:02x} at byte offset {offset} "
            f"(line {line})"
        ) from exc
    except LookupError as exc:
        raise SourceLoadError(f"{where}: unknown encoding {encoding!r}") from exc


def _records(
    where: str, reader: _CsvReader, header: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    # `line_num` counts physical lines read so far, so a record starts one line after
    # the previous record ended, however many lines its quoted fields span.
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceLoadError(f"{where}:{start}: malformed CSV ({exc})") from exc
        line, start = start, reader.line_num + 1
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # blank line
        row = {name: (fields[i] if i < len(fields) else "") for i, name in enumerate(header)}
        surplus = [f for f in fields[len(header) :] if f.strip()]
        if surplus:
            row[SURPLUS_FIELDS] = str(len(fields))
        yield line, row


def collect_csv(
    source: SourceConfig,
    root: Path,
    to_documents: ToDocuments,
    *,
    encoding: str = "utf-8",
    required_columns: Sequence[str] = (),
    merge: Merge | None = None,
) -> CsvLoad:
    """Read a CSV source into validated documents, rejections and duplicate counts."""
    rows = parse_rows(
        _source_data(source, root),
        _where(source, root),
        encoding=encoding,
        required_columns=required_columns,
    )

    def mapped(row: Row, source: SourceConfig) -> Produced:
        if SURPLUS_FIELDS in row:
            raise RecordError(f"{row[SURPLUS_FIELDS]} fields, the header has {len(row) - 1}")
        return to_documents(row, source)

    duplicates = _Duplicates(merge)
    loop = RecordLoop(source, mapped, on_duplicate=duplicates)
    load = loop.run(at_lines(source.location, rows))
    return CsvLoad(
        documents=load.documents,
        rejections=load.rejections,
        rows=loop.records,
        duplicates_identical=duplicates.identical,
        duplicates_merged=duplicates.merged,
    )


def load_csv(
    source: SourceConfig,
    root: Path,
    to_documents: ToDocuments,
    *,
    encoding: str = "utf-8",
    required_columns: Sequence[str] = (),
    merge: Merge | None = None,
) -> SourceLoad:
    """Load a CSV source: every row through the pure `to_documents`, problems as rejections."""
    result = collect_csv(
        source,
        root,
        to_documents,
        encoding=encoding,
        required_columns=required_columns,
        merge=merge,
    )
    logger.info(
        "%s: %d rows -> %d documents, %d rejected, %d identical duplicates merged, "
        "%d differing duplicates combined",
        source.id,
        result.rows,
        len(result.documents),
        len(result.rejections),
        result.duplicates_identical,
        result.duplicates_merged,
    )
    return SourceLoad(source=source, documents=result.documents, rejections=result.rejections)


def _source_data(source: SourceConfig, root: Path) -> bytes:
    if source.path is not None and not (root / source.path).exists():
        raise SourceLoadError(f"{root / source.path}: file not found")
    return source_bytes(source, root)


def _where(source: SourceConfig, root: Path) -> str:
    return str(root / source.path) if source.path is not None else source.location


class _Duplicates:
    """The CSV duplicate rule (see the module docstring), counting what it merges."""

    def __init__(self, merge: Merge | None) -> None:
        self.identical = 0
        self.merged = 0
        self._merge = merge

    def __call__(
        self, kept: Kept, doc: IndexDocument, record: Record[Any]
    ) -> IndexDocument | str | None:
        if kept.document == doc:
            self.identical += 1
            return None
        if self._merge is not None:
            self.merged += 1
            return self._merge(kept.document, doc)
        differing = [
            name
            for name in doc.__struct_fields__
            if getattr(doc, name) != getattr(kept.document, name)
        ]
        return f"duplicate of line {kept.record.number} (differs in: {', '.join(differing)})"


# --- Row helpers shared by the CSV formats -------------------------------------------


def cell(row: Row, column: str) -> str | None:
    """The cleaned value of a column; empty and placeholder values ('NA', '- - -') are None."""
    text = clean_text(row.get(column))
    if text is None or text.casefold() in _MISSING:
        return None
    return text


def required_cell(row: Row, column: str, *, what: str) -> str:
    """The cleaned value of a column that a document cannot do without."""
    text = cell(row, column)
    if text is None:
        raise RecordError(f"missing {what} (column {column!r})")
    return text
