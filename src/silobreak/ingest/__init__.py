"""Ingestion: readers for FtM JSON lines, CSV and Excel (through FtM mapping files),
validation, quarantine of bad rows, and atomic, idempotent loads."""

from silobreak.ingest.load import IngestOptions, IngestRefused, IngestResult, ingest_file
from silobreak.ingest.readers import InputError

__all__ = ["IngestOptions", "IngestRefused", "IngestResult", "InputError", "ingest_file"]
