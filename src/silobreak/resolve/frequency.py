"""How common a record's name is among the records being resolved.

"John Smith" shared by two records says much less than "Irwin Bevan": Fellegi-Sunter's
average ``u`` for an exact name match hides that. As Splink's term-frequency adjustments do,
the name weight of a pair is corrected by the frequency of its name: here the product of the
frequencies of the name's distinctive parts (share of records of the family that contain the
part), never below one record in the family. A record with several names takes its rarest
one; a pair is as rare as the commoner of its two records.
"""

from __future__ import annotations

import math
from collections import Counter

from silobreak.resolve.blocking import PartSets
from silobreak.resolve.records import Record

# (estimated share of records carrying the name, share of one record in the family)
Frequency = tuple[float, float]


def name_frequencies(records: list[Record], parts_of: list[PartSets]) -> list[Frequency | None]:
    """Per record, the estimated share of records that carry its (rarest) name, from the
    part sets of the key pass (``keys.key_pass``)."""
    family_size: Counter[str] = Counter(f for r in records for f in r.families)
    part_count: Counter[tuple[str, str]] = Counter()
    for sets in parts_of:
        part_count.update({(family, part) for family, parts in sets for part in parts})
    out: list[Frequency | None] = []
    for sets in parts_of:
        best: Frequency | None = None
        for family, parts in sets:
            size = family_size[family]
            product = math.prod(part_count[(family, p)] / size for p in parts)
            value = (product, 1 / size)
            best = value if best is None else min(best, value)
        out.append(best)
    return out


def pair_frequency(frequencies: list[Frequency | None], i: int, j: int) -> Frequency | None:
    """The name frequency of a pair: that of the commoner of its two records."""
    a, b = frequencies[i], frequencies[j]
    if a is None or b is None:
        return None
    return max(a, b)
