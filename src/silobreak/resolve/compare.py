"""Compare two records feature by feature; each feature lands in one discrete level.

Levels are what the Fellegi-Sunter model weighs (see ``model.py``). Each comparison also keeps
the evidence (which names aligned, which identifier was shared) for explanations.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from normality import ascii_text
from rigour.names import NameTypeTag

from silobreak.model.schemata import merge_schemata
from silobreak.resolve.identifiers import PROPERTY_KINDS
from silobreak.resolve.legal_forms import compare_forms, legal_forms
from silobreak.resolve.names import compare_name_sets, name_type
from silobreak.resolve.records import Record

UNIQUE_KINDS = frozenset(spec.kind for spec in PROPERTY_KINDS.values() if spec.unique)
STRONG_KINDS = frozenset(spec.kind for spec in PROPERTY_KINDS.values() if spec.strong)
RENEWABLE_KINDS = STRONG_KINDS - UNIQUE_KINDS

# feature -> its levels, most similar first; "absent" (nothing to compare) is always last.
FEATURES: dict[str, tuple[str, ...]] = {
    "name": ("exact", "high", "good", "fair", "weak", "different", "absent"),
    # Identifiers an entity may hold several of over time (passport, national id, tax
    # number) and those it holds one of for good (IMO, IBAN, LEI, crypto address) are two
    # features: two different passports are common among a person's records, two IMO numbers
    # never among a vessel's, and pooled, the vessels' conflicts made a person's different
    # passport look rare among strangers, so evidence for a match.
    "strong_id": ("match", "typo", "different", "absent"),
    "unique_id": ("match", "conflict", "absent"),
    "weak_id": ("match", "different", "absent"),
    "birth_date": ("exact", "swapped", "typo", "year", "conflict", "absent"),
    "country": ("match", "conflict", "absent"),
    "address": ("exact", "close", "partial", "different", "absent"),
    "birth_place": ("match", "different", "absent"),
    # organizations only: the families of their names' legal forms (``legal_forms.py``)
    "legal_form": ("match", "different", "absent"),
}
_NAME_LEVELS = ((0.99, "exact"), (0.9, "high"), (0.8, "good"), (0.7, "fair"), (0.5, "weak"))


@dataclass(frozen=True, slots=True)
class Comparison:
    """The levels of one candidate pair and the evidence behind them."""

    left: int
    right: int
    levels: dict[str, str]
    evidence: dict[str, str]
    conflict: bool  # strong evidence that these are different entities


# One shared dict per pattern of levels: millions of pairs fall into a few hundred patterns.
_PATTERNS: dict[tuple[str, ...], dict[str, str]] = {}


def compare_records(
    i: int, j: int, a: Record, b: Record, explain: bool = True
) -> Comparison | None:
    """Compare two records; ``None`` if their schemata can never be the same thing.

    Without ``explain`` the evidence is left out: blocking yields many pairs and few become
    links, so the explanations are written for those only (``run.py``). The ``levels`` dict
    is shared between comparisons of one pattern and must not be changed.
    """
    schema = merge_schemata(tuple(sorted({a.schema, b.schema})))  # cached
    if schema is None:
        return None
    levels: dict[str, str] = {}
    evidence: dict[str, str] = {}
    if a.names and b.names:
        names = compare_name_sets(schema, _sorted(a.names), _sorted(b.names))
        levels["name"] = next((lvl for cut, lvl in _NAME_LEVELS if names.score >= cut), "different")
        if explain:
            evidence["name"] = (
                f"{names.left} ~ {names.right}: {names.score:.2f} ({names.explain()})"
            )
    else:
        levels["name"] = "absent"
    if name_type(schema) == NameTypeTag.ORG:
        levels["legal_form"], evidence["legal_form"] = compare_forms(
            legal_forms(a.names), legal_forms(b.names)
        )
    else:
        levels["legal_form"] = "absent"
    levels["strong_id"], evidence["strong_id"] = _ids(a, b, RENEWABLE_KINDS)
    levels["unique_id"], evidence["unique_id"] = _ids(a, b, UNIQUE_KINDS)
    levels["weak_id"], evidence["weak_id"] = _ids(a, b, None)
    levels["birth_date"], evidence["birth_date"] = _dates(a.birth_dates, b.birth_dates)
    shared = a.countries & b.countries
    if shared:
        levels["country"], evidence["country"] = "match", ", ".join(sorted(shared))
    elif a.countries and b.countries:
        levels["country"] = "conflict"
        evidence["country"] = f"{','.join(sorted(a.countries))} vs {','.join(sorted(b.countries))}"
    else:
        levels["country"] = "absent"
    levels["address"], evidence["address"] = _addresses(a.addresses, b.addresses)
    levels["birth_place"], evidence["birth_place"] = _places(a.birth_places, b.birth_places)
    # A shared strong identifier (passport, SSN, IMO) outweighs a birth date typed wrong:
    # different people rarely share one, clerks often mistype dates.
    conflict = levels["unique_id"] == "conflict" or (
        levels["birth_date"] == "conflict" and not vouches_for_dates(levels)
    )
    kept = {k: v for k, v in evidence.items() if v} if explain else {}
    return Comparison(i, j, intern_levels(levels), kept, conflict)


def intern_levels(levels: dict[str, str]) -> dict[str, str]:
    """The one shared dict for this pattern of levels."""
    return _PATTERNS.setdefault(tuple(levels.values()), levels)


def shares_strong_id(levels: dict[str, str]) -> bool:
    """Whether the pair shares a strong identifier (a passport, an SSN, an IMO number)."""
    return levels["strong_id"] == "match" or levels["unique_id"] == "match"


def other_documents(a: Record, b: Record) -> bool:
    """Whether two records hold different numbers of one renewable identifier (passports,
    national ids) with none shared nor keyed in error: one person years apart, or two."""
    return _ids(a, b, RENEWABLE_KINDS)[0] == "different"


def documents_alone(levels: dict[str, str]) -> bool:
    """Whether the pair holds two different passports (national ids, ...) and nothing but
    the name and the country agrees: no birth date, address, birth place, phone or e-mail
    tells a renewal from a namesake."""
    return levels["strong_id"] == "different" and not (
        levels["birth_date"] in ("exact", "swapped", "typo", "year")
        or levels["address"] in ("exact", "close", "partial")
        or levels["birth_place"] == "match"
        or levels["weak_id"] == "match"
    )


def vouches_for_dates(levels: dict[str, str]) -> bool:
    """Whether the pair's identifiers outweigh conflicting birth dates: a shared strong
    identifier, or one keyed in error (``keying_error``). Strangers hold neither; a clerk who
    mistypes a number mistypes dates too (Febrl: the social security number and the birth
    date of one person both mistyped, a link the date rule cut)."""
    return shares_strong_id(levels) or levels["strong_id"] == "typo"


def _ids(a: Record, b: Record, group: frozenset[str] | None) -> tuple[str, str]:
    """The level of the identifier kinds in ``group`` (None: the weak kinds)."""
    # Only kinds both records hold can match, be mistyped, conflict or differ; most pairs
    # share none, and this is run for every candidate pair.
    common = a.ids.keys() & b.ids.keys()
    common = common - STRONG_KINDS if group is None else common & group
    kinds = sorted(k for k in common if a.ids[k] and b.ids[k])
    if not kinds:
        return "absent", ""
    for kind in kinds:
        shared = a.ids[kind] & b.ids[kind]
        if shared:
            return "match", f"{kind} {sorted(shared)[0]}"
    if group is UNIQUE_KINDS:
        # A checked number (IBAN, IMO) one keystroke away is another, valid, number.
        left, right = a.ids[kinds[0]], b.ids[kinds[0]]
        return "conflict", f"{kinds[0]} {sorted(left)[0]} vs {sorted(right)[0]}"
    if group is not None:
        # Numbers without a check digit (passports, national ids) are mistyped as dates are.
        for kind in kinds:
            for x in sorted(a.ids[kind]):
                for y in sorted(b.ids[kind]):
                    if keying_error(x, y):
                        return "typo", f"{kind} {x} / {y}"
    # Strong kinds that are not unique differ without contradiction: people hold several
    # passports over their lives.
    return "different", ", ".join(kinds)


def words(text: str) -> list[str]:
    """The words of an address or a place, in ASCII and lower case, commas dropped: the one
    form that comparison and blocking share."""
    return (ascii_text(text) or "").lower().replace(",", " ").split()


@lru_cache(maxsize=100_000)
def _tokens(address: str) -> frozenset[str]:
    """Cached: an address or a place is met again in every pair its record is in."""
    return frozenset(words(address))


@lru_cache(maxsize=100_000)
def _sorted(names: frozenset[str]) -> tuple[str, ...]:
    """A record's names in one order (the first best pair wins ties), sorted once per set of
    names rather than once per pair (a frozenset keeps its hash)."""
    return tuple(sorted(names))


def _addresses(left: AbstractSet[str], right: AbstractSet[str]) -> tuple[str, str]:
    """Best token overlap (Jaccard) between any two addresses of the records."""
    if not left or not right:
        return "absent", ""
    best, pair = 0.0, ("", "")
    for a in left:
        ta = _tokens(a)
        for b in right:
            tb = _tokens(b)
            if ta and tb:
                score = len(ta & tb) / len(ta | tb)
                if score > best:
                    best, pair = score, (a, b)
    level = (
        "exact"
        if best >= 0.9
        else "close"
        if best >= 0.6
        else "partial"
        if best >= 0.3
        else "different"
    )
    return level, f"{pair[0]} ~ {pair[1]}: {best:.2f}" if best else ""


def _places(left: AbstractSet[str], right: AbstractSet[str]) -> tuple[str, str]:
    """Places match when one names a part of the other ("Devon" and "West Devon")."""
    if not left or not right:
        return "absent", ""
    for a in sorted(left):
        ta = _tokens(a)
        for b in sorted(right):
            tb = _tokens(b)
            if ta and tb and (ta <= tb or tb <= ta):
                return "match", f"{a} ~ {b}"
    return "different", f"{sorted(left)[0]} vs {sorted(right)[0]}"


def one_keystroke(a: str, b: str) -> bool:
    """Two values one keystroke apart: one character changed, or two adjacent ones swapped."""
    if len(a) != len(b):
        return False
    diff = [k for k in range(len(a)) if a[k] != b[k]]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def keying_error(a: str, b: str) -> bool:
    """Two numbers one keystroke apart, other than in their last character: numbers that
    differ only at the end are as often issued in sequence (a family's passports applied for
    together, a father's and his son's) as mistyped, so they are two numbers."""
    return one_keystroke(a, b) and a[:-1] != b[:-1]


def dates_compatible(left: AbstractSet[str], right: AbstractSet[str]) -> bool:
    """Whether two sets of birth dates could describe one person (typos and swaps allowed)."""
    return _dates(left, right)[0] != "conflict"


def _dates(left: AbstractSet[str], right: AbstractSet[str]) -> tuple[str, str]:
    if not left or not right:
        return "absent", ""
    if left & right:
        return "exact", sorted(left & right)[0]
    full_l = sorted(d for d in left if len(d) == 10)
    full_r = sorted(d for d in right if len(d) == 10)
    for d in full_l:
        swapped = f"{d[:4]}-{d[8:10]}-{d[5:7]}"
        if swapped in full_r:
            return "swapped", f"{d} / {swapped}"
    for d in full_l:
        for e in full_r:
            # On the digits alone: "1910-02-10" typed as 19100120 swaps two neighbours.
            if one_keystroke(d.replace("-", ""), e.replace("-", "")):
                return "typo", f"{d} / {e}"
    years_l = {d[:4] for d in left}
    years_r = {d[:4] for d in right}
    if years_l & years_r and not (full_l and full_r):
        return "year", sorted(years_l & years_r)[0]
    return "conflict", f"{sorted(left)[0]} vs {sorted(right)[0]}"
