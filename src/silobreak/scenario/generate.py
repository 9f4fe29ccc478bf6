"""``silobreak scenario generate``: write a synthetic multi-organization world to a folder.

The folder holds one file per organization (in that organization's format), the FtM mapping
files for the CSV and Excel ones, ``scenario.yml`` (organizations and datasets, which the demo
ingests) and ``truth.json`` (the answer key for tests and benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import yaml

from silobreak import __version__
from silobreak.scenario.orgs import ORGS, Ctx
from silobreak.scenario.output import Truth
from silobreak.scenario.transactions import TransactionSpec, generate_transactions
from silobreak.scenario.world import SIZES, World, WorldBuilder

MANIFEST = "scenario.yml"
TRUTH = "truth.json"
TRANSACTIONS = "transactions.csv"


@dataclass(frozen=True)
class ScenarioInfo:
    out: Path
    world: World
    records: int
    files: list[str]


def generate(seed: int, out: Path, size: str = "small") -> ScenarioInfo:
    """Generate the scenario for ``seed`` and ``size`` into ``out``; deterministic per seed."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; use one of {', '.join(SIZES)}")
    out.mkdir(parents=True, exist_ok=True)
    builder = WorldBuilder(seed, size)
    world = builder.build()
    truth = Truth()
    ctx = Ctx(world=world, builder=builder, rng=builder.rng, out=out, truth=truth)
    for spec in ORGS:
        spec.write(ctx, spec)
        if spec.mapping:
            text = resources.files("silobreak.scenario").joinpath("mappings", spec.mapping)
            (out / spec.mapping).write_text(text.read_text("utf-8"), "utf-8")
    manifest = {
        "seed": seed,
        "size": size,
        "orgs": [{"name": s.org, "sector": s.sector, "country": s.country} for s in ORGS],
        "datasets": [
            {
                "name": s.dataset,
                "org": s.org,
                "file": s.file,
                "format": s.format,
                "mapping": s.mapping,
                "domains": list(s.domains),
                "marking": s.marking,
                "handling": s.handling,
                "source_grade": s.source_grade,
            }
            for s in ORGS
        ],
        "transactions": [
            {
                "name": "bank_transactions",
                "org": "meridian-bank",
                "file": TRANSACTIONS,
                "marking": "TLP:AMBER+STRICT",
                "handling": "H2",
                "source_grade": "B",
            }
        ],
    }
    _transactions(world, out, seed, size)
    (out / MANIFEST).write_text(yaml.safe_dump(manifest, sort_keys=False), "utf-8")
    (out / TRUTH).write_bytes(orjson.dumps(_truth(world, truth), option=orjson.OPT_INDENT_2))
    return ScenarioInfo(out, world, len(truth.records), [s.file for s in ORGS])


def _transactions(world: World, out: Path, seed: int, size: str) -> None:
    """The bank's transaction file: the world's IBANs, the networks' accounts laundering."""
    suspects = [n.account.iban for n in world.networks]
    others = [a.iban for a in world.accounts if a.iban not in set(suspects)]
    scale = {"small": 1, "medium": 4, "large": 20}.get(size, 1)
    spec = TransactionSpec(
        accounts=max(500, len(suspects) + len(others)),
        transactions=20_000 * scale,
        days=180,
        schemes=max(14, 2 * len(suspects)),
        seed=seed,
    )
    generate_transactions(out / TRANSACTIONS, spec, [*suspects, *others], len(suspects))


def _truth(world: World, truth: Truth) -> dict[str, Any]:
    entities: dict[str, dict[str, Any]] = {}
    for person in world.persons:
        entities[person.tid] = {
            "schema": "Person",
            "name": person.canonical_name(),
            "kind": person.kind,
            "birth_date": person.birth_date.isoformat(),
        }
    for company in world.companies:
        entities[company.tid] = {
            "schema": "Company",
            "name": company.canonical_name(),
            "kind": company.kind,
        }
    for vessel in world.vessels:
        entities[vessel.tid] = {
            "schema": "Vessel",
            "name": vessel.name,
            "kind": "vessel",
            "imo": vessel.imo,
        }
    for account in world.accounts:
        entities[account.tid] = {
            "schema": "BankAccount",
            "name": account.iban,
            "kind": "account",
            "holder": account.holder,
        }
    for wallet in world.wallets:
        entities[wallet.tid] = {
            "schema": "CryptoWallet",
            "name": wallet.address,
            "kind": "wallet",
            "holder": wallet.holder,
        }
    for tid, info in entities.items():
        info["domains"] = sorted(truth.entity_domains.get(tid, ()))
        info["orgs"] = sorted(truth.entity_orgs.get(tid, ()))
    convergences = []
    for net in world.networks:
        members = [
            net.boss.tid,
            *(p.tid for p in net.lieutenants),
            *(c.tid for c in net.companies),
            net.vessel.tid,
            net.account.tid,
            net.wallet.tid,
        ]
        domains = sorted({d for m in members for d in truth.entity_domains.get(m, ())})
        convergences.append(
            {"network": net.nid, "members": members, "domains": domains, "boss": net.boss.tid}
        )
    return {
        "generator": f"silobreak {__version__}",
        "seed": world.seed,
        "size": world.size,
        "entities": entities,
        "records": truth.records,
        "convergences": convergences,
        "decoys": {
            "namesakes": [[a.tid, b.tid] for a, b in world.namesakes],
            "legit_everywhere": [c.tid for c in world.legit],
            "repeat_offenders": [p.tid for p in world.repeaters],
        },
        "expected_quarantine": truth.expected_quarantine,
    }
