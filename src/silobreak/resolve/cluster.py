"""Clusters from scored pairs, without following chains into contradictions.

Pairs are merged strongest first (union-find). Two clusters are not merged when the result
would hold contradictory facts about one entity: two different values of a unique identifier
(IMO, IBAN, LEI, crypto address) or two birth dates that cannot be one (full dates, or years
alone), or a pair a person judged ``--different``. So a chain A~B~C whose ends conflict
stops at the weaker link. Records that could belong to either of two people are left alone
(``ambiguous_records``).

A dataset declared deduplicated holds one record per entity (a registry, a customer file):
two of its records are two entities, so no cluster takes two of them. Between two such
datasets the link is one to one, and a pair that is each other's single best candidate
(``mutual_best``) is linked despite conflicting birth dates when it scores above the
threshold: the record's own twin is what the other dataset holds, so a mistyped date is the
likelier story than a namesake. Febrl 4a x 4b is such a link: all 14 true pairs that the
date rule cut there are mutual best, and no false pair is. The cost, where two such datasets
only partly overlap: a father missing from one and his son of one name at one address in
it are each other's best and are merged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from silobreak.resolve.compare import (
    RENEWABLE_KINDS,
    UNIQUE_KINDS,
    Comparison,
    dates_compatible,
    other_documents,
)
from silobreak.resolve.records import Record


@dataclass
class Facts:
    """What an entity can have only one of: values of unique identifiers, a registration
    number in a given jurisdiction, a birth date (full, or a year alone: a police file's "born
    1975" is not the bank's customer born 1979-03-02).

    A registration number alone is not unique (a number written without its country is
    ambiguous), but one registry gives a company one number, and a company is registered in
    one jurisdiction: two numbers under one jurisdiction, or two records registered in two
    jurisdictions (BAOBAB MEDICAL SUPPLIES LLC in Russia, ... LTD in Singapore), are two
    companies, however alike their names. A group's companies abroad are companies of their
    own.

    A group's members in one dataset: the police's two "Al-Tamimi clan" entries, one led by
    Ahmed and one by Faisal, are two groups, since one file names no one in both (a
    family name makes a group's name, and families are many). Members are told apart by
    their records, so a file that holds one person twice and gives each group one of those
    records splits one group in two: a merge missed, not a group invented.
    """

    unique: dict[str, set[str]] = field(default_factory=dict)
    births: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, record: Record, deduplicated: bool = False) -> Facts:
        """``deduplicated``: the record's dataset holds one record per entity, so the record
        itself is a unique fact (two of that dataset's records are two entities)."""
        unique = {k: set(v) for k, v in record.ids.items() if k in UNIQUE_KINDS}
        if deduplicated:
            unique[f"record of deduplicated dataset {record.dataset}"] = {record.key}
        if record.members:
            unique[f"members in {record.dataset}"] = set(record.members)
        numbers = record.ids.get("registration")
        if numbers and len(record.countries) == 1 and record.schema != "Person":
            (country,) = record.countries
            unique[f"registration in {country}"] = set(numbers)
            unique["jurisdiction of registration"] = {country}
        return cls(unique, {d for d in record.birth_dates if len(d) in (4, 10)})

    def contradiction(self, other: Facts, dates: bool = True) -> str | None:
        """Why these facts cannot describe one entity, if they cannot."""
        for kind in self.unique.keys() & other.unique.keys():
            if (
                self.unique[kind]
                and other.unique[kind]
                and not self.unique[kind] & other.unique[kind]
            ):
                return f"different {kind}"
        if (
            dates
            and self.births
            and other.births
            and not dates_compatible(self.births, other.births)
        ):
            return "different birth dates"
        return None

    def signature(self) -> tuple[object, ...]:
        """Equal for equal facts (a hashable form)."""
        unique = sorted((kind, tuple(sorted(values))) for kind, values in self.unique.items())
        return (tuple(unique), tuple(sorted(self.births)))

    def absorb(self, other: Facts) -> None:
        for kind, values in other.unique.items():
            self.unique.setdefault(kind, set()).update(values)
        self.births |= other.births


def ambiguous_records(
    records: Sequence[Record],
    edges: Iterable[tuple[int, int]],
    deduplicated: Collection[str] = (),
    paired: Collection[tuple[int, int]] = (),
    apart: Collection[tuple[int, int]] = (),
) -> set[int]:
    """Records linked to two records that contradict each other.

    A wildlife suspect "Ivan Petrov" with no birth date who matches both the police's Ivan
    Petrov born 1975 and the registry's born 1988 could be either: merging him into one of
    them would be a guess, so he stays on his own until a person decides (``judge``). So does
    a record linked to two records of one deduplicated dataset (two entities), unless one of
    them is its single best match there (``paired``: ``mutual_best``), and a record linked
    to two holders of different passports that do not link to each other
    (``Clusterer._documents_apart``): the bank's thin "David Korir" matching both the
    police's David Korir and a seizure's. ``apart``: pairs compared and found of two
    countries; a record linked to both of such a pair that do not link to each other is in
    doubt too (a thin "Guo Dong Lin" matching the police's Guodong Lin of China and a
    seizure's of Malaysia, which made the two one entity through it).
    """
    neighbours: dict[int, list[int]] = {}
    links: set[tuple[int, int]] = set()
    for i, j in edges:
        neighbours.setdefault(i, []).append(j)
        neighbours.setdefault(j, []).append(i)
        links.add((min(i, j), max(i, j)))
    partner = {(i, records[j].dataset) for i, j in paired} | {
        (j, records[i].dataset) for i, j in paired
    }
    known: dict[int, Facts] = {}

    def facts_of(i: int) -> Facts:
        # a record meets many nodes' checks: its facts are built once
        if i not in known:
            known[i] = Facts.of(records[i])
        return known[i]

    out: set[int] = set()
    for node, linked in neighbours.items():
        if len(linked) < 2:
            continue
        # A link that contradicts the record's own identifiers can never merge (the bank's
        # ZVEZDA-INVEST LLC, registered in Kazakhstan under 88510776, and the registry's
        # namesake under 27878785): it leaves no doubt about which one the record is.
        own = facts_of(node)
        linked = [x for x in linked if own.contradiction(facts_of(x), dates=False) is None]
        if len(linked) < 2:
            continue
        counts = Counter(records[i].dataset for i in linked if records[i].dataset in deduplicated)
        if any(n > 1 and (node, name) not in partner for name, n in counts.items()):
            out.add(node)
            continue
        if any(len(d) == 10 for d in records[node].birth_dates):
            # Its own birth date is within a typo of both (else those links would be
            # conflicts): the two neighbours differ by typos, not by being two people.
            continue
        if (
            _contradicting([facts_of(i) for i in linked])
            or _unlinked_documents(records, linked, links)
            or any(
                (min(x, y), max(x, y)) in apart and (min(x, y), max(x, y)) not in links
                for n, x in enumerate(linked)
                for y in linked[n + 1 :]
            )
        ):
            out.add(node)
    return out


def _unlinked_documents(
    records: Sequence[Record], linked: list[int], links: set[tuple[int, int]]
) -> bool:
    """Whether two of ``linked`` hold different passports (national ids, ...) and do not
    link to each other."""
    holders = [i for i in linked if records[i].ids.keys() & RENEWABLE_KINDS]
    for n, x in enumerate(holders):
        for y in holders[n + 1 :]:
            if (min(x, y), max(x, y)) not in links and other_documents(records[x], records[y]):
                return True
    return False


def _contradicting(linked: list[Facts]) -> bool:
    """Whether two of ``linked`` contradict each other with nothing to reconcile them.

    Identifiers never reconcile. Birth dates may: two records mistyped differently
    (1834-10-11 and 1835-10-14) contradict each other but not a third, 1834-10-14, within a
    typo of both: with such a record among the links they are one person written three ways,
    not two people.
    """
    # Records with equal facts agree with each other and contradict the same others, so one
    # of each kind answers for all (a hub of a few hundred links holds a handful of kinds).
    distinct: dict[tuple[object, ...], Facts] = {}
    for fact in linked:
        distinct.setdefault(fact.signature(), fact)
    facts = list(distinct.values())
    for x in range(len(facts)):
        for y in range(x + 1, len(facts)):
            if facts[x].contradiction(facts[y], dates=False) is not None:
                return True  # two IMO numbers or IBANs: no third record reconciles them
            if facts[x].contradiction(facts[y]) is None:
                continue
            if not any(
                z not in (x, y)
                and facts[z].births
                and facts[z].contradiction(facts[x]) is None
                and facts[z].contradiction(facts[y]) is None
                for z in range(len(facts))
            ):
                return True
    return False


@dataclass
class _Cluster:
    members: list[int]
    facts: Facts
    holders: list[int]  # members holding a passport, national id or other renewable number


class Clusterer:
    def __init__(
        self,
        records: Sequence[Record],
        cannot_link: Iterable[tuple[int, int]] = (),
        links: Iterable[tuple[int, int]] = (),
        deduplicated: Collection[str] = (),
    ):
        self.records = records
        # Strong links, to require that big clusters merge through more than one of them.
        self.links: dict[int, set[int]] = {}
        for a, b in links:
            self.links.setdefault(a, set()).add(b)
            self.links.setdefault(b, set()).add(a)
        self.parent = list(range(len(records)))
        self.clusters: dict[int, _Cluster] = {}
        for index, record in enumerate(records):
            self.clusters[index] = _Cluster(
                [index],
                Facts.of(record, record.dataset in deduplicated),
                [index] if record.ids.keys() & RENEWABLE_KINDS else [],
            )
        self.cannot: dict[int, set[int]] = {}
        for a, b in cannot_link:
            self.cannot.setdefault(a, set()).add(b)
            self.cannot.setdefault(b, set()).add(a)
        self.refused = 0

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int, dates: bool = True) -> str | None:
        """Why clusters ``a`` and ``b`` (roots) cannot be one entity, if they cannot."""
        ca, cb = self.clusters[a], self.clusters[b]
        reason = ca.facts.contradiction(cb.facts, dates)
        if reason is not None:
            return reason
        members_b = set(cb.members)
        for m in ca.members:
            if self.cannot.get(m, set()) & members_b:
                return "judged different"
        if self._documents_apart(ca, cb):
            return "different documents, never linked"
        small = min(len(ca.members), len(cb.members))
        if self.links and max(len(ca.members), len(cb.members)) >= 3 and small >= 2:
            # Single links chain unrelated groups together; a real entity's records link
            # densely. Two groups merge only if at least half of the smaller one links across
            # (of each, when they are as large: which is "smaller" must not depend on order).
            for group, other in ((ca, members_b), (cb, set(ca.members))):
                if len(group.members) != small:
                    continue
                linked = sum(1 for m in group.members if self.links.get(m, set()) & other)
                if linked * 2 < small:
                    return "too few links between the groups"
        return None

    def _documents_apart(self, ca: _Cluster, cb: _Cluster) -> bool:
        """Whether the clusters hold different passports (national ids, ...) and no holder
        in one links to a holder in the other.

        People renew passports, so two records with different numbers that link to each
        other on more than a name (``compare.documents_alone``) are one person; a chain
        through a record that holds none joins two documents that never met. The
        registry's David Korir born 1995 matched the police's David Korir (passport
        N5476225) by birth date and a seizure's (passport S6594318) by name and country
        alone: two namesakes of two crime domains, as likely as one person.
        """
        if not ca.holders or not cb.holders:
            return False
        apart = False
        for x in ca.holders:
            linked = self.links.get(x, set())
            for y in cb.holders:
                if y in linked:
                    return False
                apart = apart or other_documents(self.records[x], self.records[y])
        return apart

    def union(self, i: int, j: int, force: bool = False, dates: bool = True) -> bool:
        """Merge the clusters of ``i`` and ``j`` unless they contradict each other
        (``dates=False``: a shared strong identifier vouches for the pair despite dates)."""
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        if not force and self.conflict(a, b, dates) is not None:
            self.refused += 1
            return False
        if len(self.clusters[a].members) < len(self.clusters[b].members):
            a, b = b, a
        ca, cb = self.clusters[a], self.clusters.pop(b)
        ca.members.extend(cb.members)
        ca.holders.extend(cb.holders)
        ca.facts.absorb(cb.facts)
        self.parent[b] = a
        return True

    def groups(self) -> list[list[int]]:
        return [sorted(c.members) for c in self.clusters.values()]


def mutual_best(
    records: Sequence[Record],
    comparisons: Sequence[Comparison],
    probabilities: Sequence[float],
    deduplicated: Collection[str],
) -> set[int]:
    """Comparisons between records of two deduplicated datasets in which each record is the
    other's single best candidate in the other's dataset (a tie is no single best)."""
    if not deduplicated:
        return set()
    best: dict[tuple[int, str], tuple[float, int | None]] = {}
    across: list[int] = []
    for k, comp in enumerate(comparisons):
        left, right = records[comp.left].dataset, records[comp.right].dataset
        if left == right or left not in deduplicated or right not in deduplicated:
            continue
        across.append(k)
        p = round(probabilities[k], 12)
        for side in ((comp.left, right), (comp.right, left)):
            held = best.get(side)
            if held is None or p > held[0]:
                best[side] = (p, k)
            elif p == held[0]:
                best[side] = (p, None)
    out = set()
    for k in across:
        comp = comparisons[k]
        left, right = records[comp.left].dataset, records[comp.right].dataset
        if best[(comp.left, right)][1] == k and best[(comp.right, left)][1] == k:
            out.add(k)
    return out
