"""Large FtM JSON-lines files for load tests and benchmarks, written in a stream.

Unlike ``generate`` this keeps nothing in memory: entity N depends only on (seed, N), so files
of any size can be produced and reproduced. Values are valid (IBAN and IMO check digits), so
every entity loads, and a mix of schemas and relationships resembles real exports.
"""

from __future__ import annotations

import random
from pathlib import Path

import orjson

from silobreak.scenario import identifiers as ids
from silobreak.scenario.world import pools


def write_bulk_ftm(path: Path, entities: int, seed: int = 1) -> int:
    """Write ``entities`` FtM entities to ``path``; return the number of property values."""
    persons = pools()["persons"]
    cultures = sorted(persons)
    words = pools()["company_words"]
    values = 0
    with path.open("wb") as fh:
        for n in range(entities):
            rng = random.Random(seed * 1_000_003 + n)
            kind = n % 10
            if kind < 4:
                pool = persons[rng.choice(cultures)]
                given = rng.choice(pool["given"])["latin"][0]
                family = rng.choice(pool["family"])["latin"][0]
                props = {
                    "name": [f"{given} {family}"],
                    "birthDate": [
                        f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-"
                        f"{rng.randint(1, 28):02d}"
                    ],
                    "nationality": [rng.choice(pool["countries"])],
                    "passportNumber": [f"P{rng.randint(1000000, 9999999)}"],
                }
                schema = "Person"
            elif kind < 7:
                props = {
                    "name": [f"{rng.choice(words['latin'])} {rng.choice(words['trades'])} {n}"],
                    "jurisdiction": [rng.choice(["ke", "ae", "gb", "ru", "cn"])],
                    "registrationNumber": [f"R{n:09d}"],
                    "incorporationDate": [f"{rng.randint(1990, 2024)}"],
                }
                schema = "Company"
            elif kind < 9:
                props = {
                    "owner": [f"e{n - kind}"],
                    "asset": [f"e{n - kind + 4}"],
                    "percentage": [str(rng.randint(1, 100))],
                }
                schema = "Ownership"
            else:
                props = {
                    "iban": [ids.iban(rng, rng.choice(ids.iban_countries()))],
                    "currency": ["EUR"],
                    "bankName": ["Bulk Bank"],
                }
                schema = "BankAccount"
            values += sum(len(v) for v in props.values())
            record = {"id": f"e{n}", "schema": schema, "properties": props}
            fh.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
    return values
