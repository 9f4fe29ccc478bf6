"""How common a record's name is among the records being resolved.

"John Smith" shared by two records says much less than "Irwin Bevan": Fellegi-Sunter's
average ``u`` for an exact name match hides that. As Splink's term-frequency adjustments do,
the name weight of a pair is corrected by the frequency of its name, estimated from the
name's distinctive parts among the records of its family (below). A record with several
names (or spellings) takes its commonest one, and a pair is as rare as the commoner of its
two records: a police record of "HU, Jianguo" that also writes 胡建国 is as common as Hu
Jianguo, not as rare as names written in Han characters; taken at its rarest, it met the
twin's "Jianguo Woo" with no frequency correction at all and joined it.

Two shares are kept: the share of records whose names hold all of the name's parts (the
product of each part's share), and the share of *entities* with the same name (the same
distinctive parts, in any order), counted as the most records one organization holds with
that name. Splink's term frequency counts records, and so counts each entity as often as
organizations report it: a company known to three organizations had its name held by three
records, "measured" as common, and its own records' pairs, an exact name and a country, fell
just below p 0.5 (large tuning world 1). An organization rarely holds one entity twice, so
its count is a lower bound on the entities of that name; the largest over organizations is
the estimate (one organization holding everything, as a deduplication of one file, counts
records as before). A near name is judged by the first: a near match of "Jade Freight FZE"
is any of the 39 companies built from those two words ("Jade Coral Freight S.A."). An exact
name is judged by the rarer of the two: an identical "Jade Freight FZE" is that company
alone. Until session 18 the product served exact names too, and a short name of common words
looked common (3,877 record pairs of one company with the very same name and country stayed
apart in large tuning world 1, the commonest loss of recall there).

Where the two records share a country, the frequency is counted among the records of that
country: the pair's country agreement is weighed on its own, and what the name adds beyond
it is how rare the name is *there*: "Wei Zhang" is commoner among Chinese records than among
all, and a name and a country agreeing are not two independent coincidences. A country's
count is shrunk towards the overall share (``COUNTRY_PRIOR``) where it holds few records.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from silobreak.resolve.blocking import PartSets
from silobreak.resolve.records import Record

# (estimated share of records whose names contain the name's parts, share of records with the
# same name, share of one record in the family)
Frequency = tuple[float, float, float]
# A country's count of a name part starts from this many records at the part's overall share:
# in a country of a few dozen records, one person's four records would make their own name look
# common (small scenario worlds lost 0.02-0.03 of F1 without it); in a country of thousands
# the country's own count decides. Chosen on the tuning worlds (small 10, 11, 17, medium 1-4,
# large 1; docs/resolution.md).
COUNTRY_PRIOR = 200


@dataclass(frozen=True)
class NameFrequencies:
    """Per record, its name's frequency among all records and among each of its countries'."""

    overall: list[Frequency | None]
    # per record, (country, share, same-name share, floor) for each of its countries: flat
    # tuples, not dicts, since a million records each hold one (a third of the memory)
    by_country: list[tuple[tuple[str, float, float, float], ...]]


def name_frequencies(records: list[Record], parts_of: list[PartSets]) -> NameFrequencies:
    """Per record, the estimated shares of records that carry its (commonest) name, from the
    part sets of the key pass (``keys.key_pass``), overall and in each of its countries."""
    family_size: Counter[str] = Counter(f for r in records for f in r.families)
    country_size: Counter[tuple[str, str]] = Counter(
        (f, c) for r in records for f in r.families for c in r.countries
    )
    part_count: Counter[tuple[str, str]] = Counter()
    country_count: Counter[tuple[str, str, str]] = Counter()
    name_count: Counter[tuple[str, tuple[str, ...]]] = Counter()
    country_name_count: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    by_org: dict[str, list[int]] = {}
    for index, (record, sets) in enumerate(zip(records, parts_of, strict=True)):
        mine = {(family, part) for family, parts in sets for part in parts}
        part_count.update(mine)
        country_count.update((f, c, p) for f, p in mine for c in record.countries)
        by_org.setdefault(record.org, []).append(index)
    # One organization at a time, so that only one organization's counts are held at once
    # (a million records name about as many names).
    for members in by_org.values():
        here: Counter[tuple[str, tuple[str, ...]]] = Counter()
        here_country: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
        for index in members:
            names = set(parts_of[index])
            here.update(names)
            countries = records[index].countries
            here_country.update((f, c, parts) for f, parts in names for c in countries)
        for key, n in here.items():
            name_count[key] = max(name_count[key], n)
        for country_key, n in here_country.items():
            country_name_count[country_key] = max(country_name_count[country_key], n)
    overall: list[Frequency | None] = []
    by_country: list[tuple[tuple[str, float, float, float], ...]] = []
    for record, sets in zip(records, parts_of, strict=True):
        best: Frequency | None = None
        local: dict[str, Frequency] = {}
        for family, parts in sets:
            size = family_size[family]
            value = (
                math.prod(part_count[(family, p)] / size for p in parts),
                name_count[(family, parts)] / size,
                1 / size,
            )
            best = value if best is None else _commoner(best, value)
            prior = COUNTRY_PRIOR / size
            for c in record.countries:
                n = country_size[(family, c)] + COUNTRY_PRIOR
                there = (
                    math.prod(
                        (country_count[(family, c, p)] + prior * part_count[(family, p)]) / n
                        for p in parts
                    ),
                    (country_name_count[(family, c, parts)] + prior * name_count[(family, parts)])
                    / n,
                    1 / n,
                )
                held = local.get(c)
                local[c] = there if held is None else _commoner(held, there)
        overall.append(best)
        by_country.append(tuple((c, *f) for c, f in local.items()) if local else ())
    return NameFrequencies(overall, by_country)


def _commoner(a: Frequency, b: Frequency) -> Frequency:
    """Each share at the commoner of two names (or records); the floor is the family's."""
    return (max(a[0], b[0]), max(a[1], b[1]), max(a[2], b[2]))


def pair_frequency(frequencies: NameFrequencies, i: int, j: int) -> Frequency | None:
    """The name frequency of a pair: that of the commoner of its two records, counted in the
    country they share where the name is rarest, where they share any."""
    there = [
        _commoner(a[1:], b[1:])
        for a in frequencies.by_country[i]
        for b in frequencies.by_country[j]
        if a[0] == b[0]
    ]
    if there:
        return min(there)
    a, b = frequencies.overall[i], frequencies.overall[j]
    if a is None or b is None:
        return None
    return _commoner(a, b)
