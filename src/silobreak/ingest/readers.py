"""Readers: turn one input file into a stream of rows, each an entity list or a refusal.

Every reader yields :class:`Row` objects with the 1-based line (or spreadsheet row) number and
the raw text, so that a refused row reaches the quarantine exactly as it was. Readers stream:
memory does not grow with file size.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import orjson
import yaml
from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.mapping.query import QueryMapping

from silobreak.ingest.validate import EntityValidator, InvalidRow, clean_value
from silobreak.model.records import BASE_PROP, EntityRecord

FORMATS = ("ftm", "csv", "xlsx")

# FtM's mapper logs a warning for every optional entity a row leaves empty (no vessel on this
# seizure, no named actor on that incident): that is normal in real data, not a problem.
logging.getLogger("followthemoney.mapping").setLevel(logging.ERROR)


@dataclass
class Row:
    """One input row: the entities it produced, or the reason it was refused."""

    line: int
    raw: str
    entities: list[EntityRecord] = field(default_factory=list)
    error: str | None = None


class InputError(Exception):
    """The file as a whole cannot be read (wrong format, bad mapping, missing header)."""


def detect_format(path: Path) -> str:
    """Guess the format from the file name: ``.json``/``.jsonl``/``.ndjson`` are FtM lines."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".json", ".jsonl", ".ndjson", ".ftm")):
        return "ftm"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    raise InputError(f"{path}: cannot tell the format from the name; pass --format ftm|csv|xlsx")


class ProgressFile:
    """Binary file wrapper that reports how many bytes have been read (for progress bars)."""

    def __init__(self, path: Path):
        self.path = path
        self.raw = path.open("rb")
        self.size = path.stat().st_size
        self.stream: IO[bytes] = (
            gzip.GzipFile(fileobj=self.raw) if path.suffix == ".gz" else self.raw  # type: ignore[assignment]
        )

    def position(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.stream.close()
        self.raw.close()


def read_ftm(source: ProgressFile) -> Iterator[Row]:
    """FtM JSON lines, as OpenSanctions, Aleph and ``ftm`` itself write them."""
    validator = EntityValidator()
    for number, line in enumerate(source.stream, start=1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield Row(number, _decode(line), error=f"malformed JSON: {exc}")
            continue
        try:
            record = validator.validate(data)
        except InvalidRow as exc:
            yield Row(number, _decode(line), error=str(exc))
            continue
        record.line = number
        yield Row(number, "", [record])


def _decode(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").rstrip("\r\n")


@dataclass
class Mapping:
    """The queries of an FtM mapping file (the YAML ``ftm map`` reads), bound to a dataset."""

    path: Path
    queries: list[QueryMapping]
    sheets: list[str | None]

    @classmethod
    def load(cls, path: Path, dataset: str) -> Mapping:
        try:
            config = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(f"{path}: cannot read mapping file: {exc}") from exc
        if not isinstance(config, dict) or not config:
            raise InputError(f"{path}: a mapping file is a YAML object of datasets with queries")
        queries: list[QueryMapping] = []
        sheets: list[str | None] = []
        for name, meta in config.items():
            items = (meta or {}).get("queries") or ([meta["query"]] if "query" in meta else [])
            if not items:
                raise InputError(f"{path}: dataset {name!r} has no 'queries'")
            for number, query in enumerate(items, start=1):
                query = dict(query)
                query.pop("database", None)
                sheets.append(query.pop("sheet", None))
                query["csv_url"] = "/dev/null"  # the data is the PATH given to ingest
                try:
                    queries.append(model.make_mapping(query, key_prefix=dataset))
                except FollowTheMoneyException as exc:
                    raise InputError(f"{path}: query {number} of {name!r}: {exc}") from exc
        return cls(path, queries, sheets)

    def map_record(self, record: dict[str, str]) -> list[EntityRecord]:
        """Run every query over one source record; raise :class:`InvalidRow` on a bad value."""
        out: list[EntityRecord] = []
        for query in self.queries:
            source: Any = query.source
            if not source.check_filters(record):
                continue
            _precheck(query, record)
            for proxy in query.map(record).values():
                values: list[tuple[str, str, str, str | None]] = [
                    (BASE_PROP, BASE_PROP, str(proxy.id), None)
                ]
                for prop, value in proxy.itervalues():
                    values.append((prop.name, prop.type.name, value, None))
                out.append(EntityRecord(str(proxy.id), proxy.schema.name, values))
        return out


def _precheck(query: QueryMapping, record: dict[str, str]) -> None:
    """FtM's mapper silently drops values it cannot clean; we refuse the row instead."""
    for emap in query.entities:
        countries = [
            record[c]
            for pm in emap.properties
            if pm.prop.type.name == "country"
            for c in pm.refs
            if record.get(c)
        ]
        for pm in emap.properties:
            if pm.entity is not None or pm.prop.type.name in ("name", "string", "text"):
                continue
            values = pm.record_values(record)
            if pm.join is not None:
                values = [pm.join.join(values)]
            if pm.split is not None:
                values = [part for v in values for part in v.split(pm.split)]
            for value in values:
                if not value or not value.strip():
                    continue
                fmt = pm.format or pm.prop.format
                if pm.fuzzy:
                    ok = pm.prop.type.clean(value, fuzzy=True, format=fmt) is not None
                else:
                    ok = clean_value(pm.prop.type.name, value.strip(), fmt) is not None
                if not ok and pm.prop.type.name == "phone":
                    ok = any(clean_value("phone", value.strip(), c) for c in countries)
                if not ok:
                    columns = ", ".join(sorted(pm.refs)) or "literal"
                    what = pm.prop.format.upper() if pm.prop.format else pm.prop.type.name
                    raise InvalidRow(
                        f"invalid {what} {value!r} for {pm.prop.qname} (column {columns})"
                    )


def read_csv(source: ProgressFile, mapping: Mapping) -> Iterator[Row]:
    """CSV with a header row, mapped to entities by an FtM mapping file."""
    dialect = _sniff(source.path)
    text = io.TextIOWrapper(
        source.stream, encoding="utf-8-sig", errors="surrogateescape", newline=""
    )
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(text, dialect)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    yield from _map_rows(
        ((reader.line_num, cells) for cells in reader), header, mapping, _csv_raw(dialect)
    )


def _sniff(path: Path) -> type[csv.Dialect]:
    """Comma, semicolon, tab or pipe: whichever the header line uses most (comma on a tie).

    Only the header is read: sniffing data rows is fooled by ragged rows and free text.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as fh:
        header = fh.readline()
    best = max(",;\t|", key=lambda d: (header.count(d), d == ","))

    class Sniffed(csv.excel):
        delimiter = best

    return Sniffed


def _csv_raw(dialect: type[csv.Dialect]) -> Callable[[list[Any]], str]:
    def render(cells: list[Any]) -> str:
        buf = io.StringIO()
        csv.writer(buf, dialect).writerow(cells)
        return buf.getvalue().rstrip("\r\n")

    return render


def read_xlsx(path: Path, mapping: Mapping) -> Iterator[Row]:
    """The first sheet of an Excel workbook (or the ``sheet:`` a query names), header first."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"{path}: not a readable Excel workbook: {exc}") from exc
    wanted = next((s for s in mapping.sheets if s), None)
    if wanted is not None and wanted not in book.sheetnames:
        raise InputError(f"{path}: no sheet {wanted!r} (sheets: {', '.join(book.sheetnames)})")
    sheet = book[wanted] if wanted else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        book.close()
        return
    numbered = ((n, [_cell(c) for c in cells]) for n, cells in enumerate(rows, start=2))
    yield from _map_rows(numbered, header, mapping, lambda cells: orjson.dumps(cells).decode())
    book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _map_rows(
    rows: Iterator[tuple[int, list[str]]],
    header: list[str],
    mapping: Mapping,
    render: Callable[[list[Any]], str],
) -> Iterator[Row]:
    width = len(header)
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        raw = render(cells)
        if len(cells) > width:
            yield Row(line, raw, error=f"row has {len(cells)} fields, the header has {width}")
            continue
        record: dict[str, str] = {}
        bad_text = False
        for key, cell in zip(header, cells, strict=False):
            value = cell.strip()
            if value:
                record[key] = value
                bad_text = bad_text or _has_surrogates(value)
        if bad_text:
            yield Row(
                line, raw.encode("utf-8", "replace").decode("utf-8"), error="not valid UTF-8 text"
            )
            continue
        try:
            entities = mapping.map_record(record)
            for mapped in entities:
                mapped.line = line
            yield Row(line, "", entities)
        except InvalidRow as exc:
            yield Row(line, raw, error=str(exc))
        except FollowTheMoneyException as exc:
            yield Row(line, raw, error=f"mapping failed: {exc}")


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
