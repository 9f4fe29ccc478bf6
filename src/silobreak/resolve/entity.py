"""The merged entity: all statements of a canonical id's records, value by value, with where
each value came from. Read through policy like every other read."""

from __future__ import annotations

import json
from typing import Any

from silobreak.model.records import BASE_PROP
from silobreak.model.schemata import merge_schemata
from silobreak.policy.viewer import Viewer
from silobreak.resolve.records import record_key, split_key
from silobreak.store.base import Store, StoreError


def find_record_keys(store: Store, viewer: Viewer, ident: str) -> list[str]:
    """Records named by ``dataset/entity_id`` or by a bare entity id (maybe in several)."""
    dataset, _, entity_id = ident.partition("/")
    rows = store.read_resolver_rows(viewer, entity_ids=[entity_id or dataset])
    keys = [record_key(r["dataset"], r["entity_id"]) for r in rows]
    if entity_id:
        return [k for k in keys if split_key(k)[0] == dataset]
    return keys


def one_record_key(store: Store, viewer: Viewer, ident: str) -> str:
    """The one record ``ident`` names, or an error that says how to name it."""
    keys = find_record_keys(store, viewer, ident)
    if not keys:
        raise StoreError(f"no record {ident!r}; use DATASET/ENTITY_ID")
    if len(keys) > 1:
        raise StoreError(
            f"{ident!r} is in several datasets: {', '.join(keys)}; use DATASET/ENTITY_ID"
        )
    return keys[0]


def merged_entity(store: Store, viewer: Viewer, ident: str) -> dict[str, Any]:
    """Everything the viewer may see about the entity ``ident`` belongs to."""
    canonical = ident if ident.startswith("sb-") else None
    if canonical is None:
        keys = find_record_keys(store, viewer, ident)
        if not keys:
            raise StoreError(f"no entity {ident!r} (run `silobreak resolve` first?)")
        if len(keys) > 1:
            raise StoreError(f"{ident!r} is in several datasets: {', '.join(keys)}")
        rows = store.read_resolver_rows(viewer, entity_ids=[split_key(keys[0])[1]])
        canonical = next(
            r["canonical_id"] for r in rows if record_key(r["dataset"], r["entity_id"]) == keys[0]
        )
    members = store.read_resolver_rows(viewer, canonical_id=canonical)
    if not members:
        raise StoreError(f"no entity {ident!r}")
    statements = store.read_entity_statements(
        viewer, [(m["dataset"], m["entity_id"]) for m in members]
    )
    if not statements:
        raise StoreError(f"no entity {ident!r}")  # nothing visible: say no more than that
    props: dict[str, dict[str, dict[str, set[str]]]] = {}
    schemata: dict[tuple[str, str], str] = {}
    orgs: dict[tuple[str, str], str] = {}
    for st in statements:
        schemata[(st["dataset"], st["entity_id"])] = st["schema"]
        orgs[(st["dataset"], st["entity_id"])] = st["org"]
        if st["prop"] == BASE_PROP:
            continue
        slot = props.setdefault(st["prop"], {}).setdefault(
            st["value"], {"datasets": set(), "orgs": set()}
        )
        slot["datasets"].add(st["dataset"])
        slot["orgs"].add(st["org"])
    names = tuple(sorted(set(schemata.values())))
    schema = merge_schemata(names) or names[0]
    # The name most datasets agree on (ties: the last in sort order).
    name_values = props.get("name", {})
    caption = max(name_values, key=lambda v: (len(name_values[v]["datasets"]), v), default="")
    visible = [m for m in members if (m["dataset"], m["entity_id"]) in schemata]
    return {
        "canonical_id": canonical,
        "caption": caption,
        "schema": schema,
        "members": [
            {
                "dataset": m["dataset"],
                "entity_id": m["entity_id"],
                "org": orgs[(m["dataset"], m["entity_id"])],
                "schema": schemata[(m["dataset"], m["entity_id"])],
                "link": _link(m.get("evidence")),
            }
            for m in visible
        ],
        "properties": {
            prop: [
                {"value": v, "datasets": sorted(s["datasets"]), "orgs": sorted(s["orgs"])}
                for v, s in sorted(values.items())
            ]
            for prop, values in sorted(props.items())
        },
    }


def _link(evidence: str | None) -> str:
    if not evidence:
        return ""
    data = json.loads(evidence)
    return f"p={data['probability']:.2f} {' ~ '.join(data['pair'])}"
