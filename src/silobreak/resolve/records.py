"""Resolution records: one per (dataset, entity id) of a schema that can be resolved.

Each record gathers what resolution compares: names, identifiers (normalised, by kind),
birth dates and places, countries and addresses. Relationships, events and payments are not
records: they follow the entities they connect.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from silobreak.policy.viewer import Viewer
from silobreak.resolve.identifiers import kind_of, normalize
from silobreak.store.base import Store

# Families of schemata that may describe the same thing; LegalEntity belongs to both parties.
FAMILIES: dict[str, tuple[str, ...]] = {
    "Person": ("person",),
    "LegalEntity": ("person", "organization"),
    "Company": ("organization",),
    "Organization": ("organization",),
    "PublicBody": ("organization",),
    "Vessel": ("vessel",),
    "BankAccount": ("account",),
    "CryptoWallet": ("wallet",),
    "UserAccount": ("useraccount",),
}
RESOLVABLE = tuple(FAMILIES)
NAME_PROPS = ("name", "alias", "previousName")
DATE_PROPS = ("birthDate",)
COUNTRY_PROPS = ("country", "nationality", "jurisdiction", "citizenship", "flag")


def record_key(dataset: str, entity_id: str) -> str:
    """The user-facing id of a record: ``dataset/entity_id`` (dataset names have no ``/``)."""
    return f"{dataset}/{entity_id}"


def split_key(key: str) -> tuple[str, str]:
    dataset, _, entity_id = key.partition("/")
    return dataset, entity_id


_NONE: frozenset[str] = frozenset()


@dataclass(slots=True)
class Record:
    """Values are frozensets, empty ones shared: a million records mostly lack most fields,
    and an empty set of its own costs each of them 216 bytes."""

    key: str
    dataset: str
    entity_id: str
    schema: str
    org: str
    names: frozenset[str] = _NONE
    ids: dict[str, frozenset[str]] = field(default_factory=dict)
    birth_dates: frozenset[str] = _NONE
    countries: frozenset[str] = _NONE
    addresses: frozenset[str] = _NONE
    birth_places: frozenset[str] = _NONE
    # Keys of the records its dataset names as its members (Membership), for groups: not
    # compared, but a fact for clustering (``cluster.Facts``).
    members: frozenset[str] = _NONE

    def fingerprint(self) -> str:
        """A hash of everything resolution compares: equal fingerprints, equal comparisons."""
        data = [
            self.schema,
            sorted(self.names),
            sorted((k, sorted(v)) for k, v in self.ids.items()),
            sorted(self.birth_dates),
            sorted(self.countries),
            sorted(self.addresses),
            sorted(self.birth_places),
        ]
        return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode()).hexdigest()

    @property
    def families(self) -> tuple[str, ...]:
        return FAMILIES.get(self.schema, ())


def load_records(
    store: Store,
    viewer: Viewer,
    links: list[tuple[str, str]] | None = None,
    memberships: dict[str, dict[str, str]] | None = None,
) -> Iterator[Record]:
    """Stream the records the viewer may see, assembled from their statements; with
    ``links``, also collect there every entity-typed statement of any schema as (record key
    of the entity, record key of the entity it names), for ``neighbours``; with
    ``memberships``, the Membership entities (record key -> property -> record key), for
    ``attach_members`` once the stream has ended."""
    current: Record | None = None
    reader = store.read_statements(viewer, order_by_entity=True)
    for batch in reader:
        columns = batch.to_pydict()
        for i in range(batch.num_rows):
            schema = columns["schema"][i]
            dataset, entity_id = columns["dataset"][i], columns["entity_id"][i]
            if columns["prop_type"][i] == "entity":
                source = record_key(dataset, entity_id)
                target = record_key(dataset, columns["value"][i])
                if links is not None:
                    links.append((source, target))
                if memberships is not None and schema == "Membership":
                    memberships.setdefault(source, {})[columns["prop"][i]] = target
            if schema not in FAMILIES:
                continue
            if current is None or (current.dataset, current.entity_id) != (dataset, entity_id):
                if current is not None:
                    yield current
                current = _new_record(dataset, entity_id, schema, columns["org"][i])
            _add(current, columns["prop"][i], columns["value"][i])
    if current is not None:
        yield current


def records_of(store: Store, viewer: Viewer, keys: list[str]) -> dict[str, Record]:
    """The records of these keys as the viewer may see them (a record with nothing visible,
    or of a schema resolution does not compare, is left out)."""
    out: dict[str, Record] = {}
    for st in store.read_entity_statements(viewer, [split_key(k) for k in keys]):
        if st["schema"] not in FAMILIES:
            continue
        key = record_key(st["dataset"], st["entity_id"])
        record = out.get(key)
        if record is None:
            record = _new_record(st["dataset"], st["entity_id"], st["schema"], st["org"])
            out[key] = record
        _add(record, st["prop"], st["value"])
    return out


def _new_record(dataset: str, entity_id: str, schema: str, org: str) -> Record:
    """An empty record; names repeated by a million records are interned."""
    return Record(
        record_key(dataset, entity_id),
        sys.intern(dataset),
        entity_id,
        sys.intern(schema),
        sys.intern(org),
    )


def attach_members(records: list[Record], memberships: dict[str, dict[str, str]]) -> None:
    """Give each group record the keys of the records its own dataset names as members."""
    by_key = {r.key: r for r in records if "organization" in r.families}
    for link in memberships.values():
        group = by_key.get(link.get("organization", ""))
        member = link.get("member")
        if group is not None and member is not None:
            group.members = group.members | {member}


def _add(record: Record, prop: str, value: str) -> None:
    if prop in NAME_PROPS:
        record.names = record.names | {value}
    elif prop in DATE_PROPS:
        record.birth_dates = record.birth_dates | {value}
    elif prop in COUNTRY_PROPS:
        record.countries = record.countries | {value}
    elif prop == "address":
        record.addresses = record.addresses | {value}
    elif prop == "birthPlace":
        record.birth_places = record.birth_places | {value}
    else:
        spec = kind_of(prop)
        normal = normalize(prop, value) if spec is not None else None
        if spec is not None and normal is not None:
            record.ids[spec.kind] = record.ids.get(spec.kind, _NONE) | {normal}
