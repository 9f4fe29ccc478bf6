"""Load one file into a dataset: validate, quarantine bad rows, merge atomically.

The whole file is one transaction: either every good row and every quarantine entry lands, or
(on ``--strict`` with any bad row, on an error, or on a kill) nothing does.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from silobreak.ingest.readers import (
    FORMATS,
    InputError,
    Mapping,
    ProgressFile,
    Row,
    detect_format,
    read_csv,
    read_ftm,
    read_xlsx,
)
from silobreak.model.records import (
    Dataset,
    EntityRecord,
    LoadInfo,
    QuarantineRow,
    StatementDefaults,
)
from silobreak.model.taxonomy import (
    check_domain,
    check_source_grade,
    normalize_handling,
    normalize_marking,
    taxonomy,
)
from silobreak.runtime import cycle_collection_paused
from silobreak.store.base import Store, StoreError

BATCH_ENTITIES = 20_000
DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class IngestOptions:
    """What the ``ingest`` command was asked to do."""

    org: str
    dataset: str
    domains: tuple[str, ...] = ()
    format: str | None = None
    mapping: Path | None = None
    marking: str | None = None
    handling: str | None = None
    source_grade: str | None = None
    retain_until: date | None = None
    strict: bool = False
    progress: bool = True
    # One record per entity; None keeps what the dataset was declared before (else False).
    deduplicated: bool | None = None


@dataclass
class IngestResult:
    """The outcome: the load record, or (``refused``) the reasons nothing was loaded."""

    load: LoadInfo | None
    rows: int = 0
    refused: bool = False
    problems: list[QuarantineRow] = field(default_factory=list)
    problem_count: int = 0


class IngestRefused(Exception):
    """``--strict`` refused a file with bad rows; nothing was loaded."""

    def __init__(self, result: IngestResult):
        super().__init__(f"{result.problem_count} bad rows; nothing loaded (--strict)")
        self.result = result


@cycle_collection_paused()
def ingest_file(store: Store, path: Path, options: IngestOptions) -> IngestResult:
    """Validate and load ``path`` into ``options.dataset``; see the module docstring."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = options.format or detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt in ("csv", "xlsx") and options.mapping is None:
        raise InputError(f"{path}: {fmt} input needs --mapping FILE.yml (an FtM mapping file)")
    dataset = dataset_for(store, options)
    mapping = Mapping.load(options.mapping, options.dataset) if options.mapping else None
    load, defaults = new_load(path, dataset, fmt, options.retain_until)
    result = IngestResult(load=None)
    with store.begin_load(load, defaults, dataset) as session:
        source = ProgressFile(path)
        try:
            batch: list[EntityRecord] = []
            bad: list[QuarantineRow] = []
            for row in _progress(_rows(fmt, source, path, mapping), source, options.progress):
                result.rows += 1
                if row.error is not None:
                    problem = QuarantineRow(str(path), row.line, row.error, row.raw)
                    result.problem_count += 1
                    if len(result.problems) < 20:
                        result.problems.append(problem)
                    if not options.strict:
                        bad.append(problem)
                        if len(bad) >= 1000:
                            session.add_quarantine(bad)
                            bad = []
                    continue
                if options.strict and result.problem_count:
                    continue  # keep reading only to report every problem
                batch.extend(row.entities)
                if len(batch) >= BATCH_ENTITIES:
                    session.add_entities(batch)
                    batch = []
        finally:
            source.close()
        if options.strict and result.problem_count:
            session.rollback()
            result.refused = True
            raise IngestRefused(result)
        if batch:
            session.add_entities(batch)
        session.add_quarantine(bad)
        result.load = session.commit()
    return result


def _rows(fmt: str, source: ProgressFile, path: Path, mapping: Mapping | None) -> Iterator[Row]:
    if fmt == "ftm":
        return read_ftm(source)
    assert mapping is not None
    if fmt == "csv":
        return read_csv(source, mapping)
    return read_xlsx(path, mapping)


def _progress(rows: Iterator[Row], source: ProgressFile, show: bool) -> Iterator[Row]:
    if not show or not Console(stderr=True).is_terminal:
        yield from rows
        return
    columns = (
        TextColumn("[bold]ingest[/] {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(source.path.name, total=source.size)
        for count, row in enumerate(rows):
            if count % 2000 == 0:
                bar.update(task, completed=source.position())
            yield row
        bar.update(task, completed=source.size)


def new_load(
    path: Path, dataset: Dataset, fmt: str, retain_until: date | None = None
) -> tuple[LoadInfo, StatementDefaults]:
    """The record of a load of ``path`` into ``dataset`` starting now, and the provenance and
    sharing terms its rows will carry."""
    started = datetime.now(UTC).replace(tzinfo=None)
    load = LoadInfo(
        load_id=uuid.uuid4().hex,
        dataset=dataset.name,
        org=dataset.org,
        path=str(path),
        sha256=file_sha256(path),
        format=fmt,
        started_at=started,
    )
    defaults = StatementDefaults(
        dataset=dataset.name,
        org=dataset.org,
        origin=path.name,
        marking=dataset.marking,
        handling=dataset.handling,
        source_grade=dataset.source_grade,
        retention_until=retain_until,
        load_id=load.load_id,
        seen_at=started,
    )
    return load, defaults


def dataset_for(store: Store, options: IngestOptions) -> Dataset:
    """Check the org exists and build the dataset record the load will save."""
    if not DATASET_NAME.match(options.dataset):
        raise StoreError(
            f"invalid dataset name {options.dataset!r}: use letters, digits, '_', '-' and '.' "
            "(records are named DATASET/ENTITY_ID, so no '/')"
        )
    org = store.get_org(options.org)
    if org is None:
        names = [o.name for o in store.list_orgs()]
        close = difflib.get_close_matches(options.org, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        known = f" Known organizations: {', '.join(names)}." if names else ""
        raise StoreError(
            f"unknown organization {options.org!r}{hint} Add it first with "
            f"`silobreak org add {options.org} --sector SECTOR`.{known}"
        )
    # The dataset's owner is checked by the store when the load saves it.
    existing = store.get_dataset(options.dataset)
    try:
        domains = tuple(check_domain(d) for d in options.domains)
        marking = (
            normalize_marking(options.marking)
            if options.marking
            else (existing.marking if existing else taxonomy().default_marking)
        )
        handling = (
            normalize_handling(options.handling)
            if options.handling
            else (existing.handling if existing else taxonomy().default_handling)
        )
        grade = (
            check_source_grade(options.source_grade)
            if options.source_grade
            else (existing.source_grade if existing else None)
        )
    except ValueError as exc:
        raise StoreError(str(exc)) from exc
    deduplicated = (
        options.deduplicated
        if options.deduplicated is not None
        else (existing.deduplicated if existing else False)
    )
    return Dataset(
        options.dataset, org.name, domains, marking, handling, grade, deduplicated=deduplicated
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
