"""Fellegi-Sunter record linkage with weights estimated without labels.

For each feature level, ``m`` is how often true matches land there and ``u`` how often
non-matches do; a pair's match weight is the sum of ``log2(m/u)`` over its features plus the
prior odds, and its probability follows. ``u`` is measured on random record pairs (nearly all
non-matches); ``m`` and the prior are estimated by expectation-maximisation over the candidate
pairs, as Splink does. Human judgements, where they exist, fix a pair's match probability to
1 or 0 during estimation. "absent" levels carry no weight: missing data is not evidence.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from silobreak.resolve.compare import FEATURES, Comparison, compare_records, shares_strong_id
from silobreak.resolve.frequency import Frequency
from silobreak.resolve.records import Record

# An engine's way to compare pairs of records (``engines.Engine.compare``).
Compare = Callable[[list[Record], list[tuple[int, int]]], list[Comparison]]

_SMOOTH = 1e-4
_M_FLOOR = 0.005  # a level never seen among matches is rare for them, not impossible
# ``u`` is blended with typical values (``estimate_u``), so it is never zero; this only
# guards the logarithm. A floor as high as ``_SMOOTH`` would cap every weight at 13 bits, less
# than the prior odds against a random pair in a workspace of 10,000 records.
_U_FLOOR = 1e-9
_MIN_RULE_PAIRS = 10  # fewer pairs than this in a training rule estimate nothing

# Starting m probabilities: what a match usually looks like; EM moves them.
_M_START: dict[str, dict[str, float]] = {
    "name": {
        "exact": 0.45,
        "high": 0.25,
        "good": 0.12,
        "fair": 0.08,
        "weak": 0.06,
        "different": 0.04,
    },
    "strong_id": {"match": 0.9, "typo": 0.04, "different": 0.06},
    "unique_id": {"match": 0.97, "conflict": 0.03},
    "weak_id": {"match": 0.7, "different": 0.3},
    "birth_date": {"exact": 0.8, "swapped": 0.03, "typo": 0.05, "year": 0.09, "conflict": 0.03},
    "country": {"match": 0.85, "conflict": 0.15},
    "address": {"exact": 0.5, "close": 0.3, "partial": 0.15, "different": 0.05},
    "birth_place": {"match": 0.85, "different": 0.15},
    "legal_form": {"match": 0.9, "different": 0.1},
}


# Features that can only count against a match. A company's legal form follows from its
# country (a German company is a GmbH or an AG), so two companies of one country share a form
# as a rule: weighed for a match, a shared form counted the country twice, and two
# companies of one name in one country, both linked to a third record, left it ambiguous
# (medium tuning worlds lost 0.001-0.003 of F1). A different form is what one company's
# records rarely show.
_EVIDENCE_AGAINST_ONLY = frozenset({"legal_form"})
_FREQUENCY_LEVELS = frozenset({"exact", "high", "good"})
# Aligned name levels, closest first (``name_adjustment`` keeps their weights in this order).
_NAME_ORDER = ("exact", "high", "good", "fair", "weak")
_MAX_ADJUSTMENT = 6.0


def probability_of(weight: float) -> float:
    """Match probability from a match weight (log2 odds)."""
    if weight > 60:
        return 1.0
    odds: float = 2.0**weight
    return odds / (1 + odds)


@dataclass
class FellegiSunter:
    prior: float
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    iterations: int = 0
    history: list[float] = field(default_factory=list)
    candidate_prior: float | None = None  # share of matches among the candidate pairs

    def weights(
        self, levels: dict[str, str], frequency: Frequency | None = None
    ) -> dict[str, float]:
        """``log2(m/u)`` per feature (0 for absent levels and unseen levels); the name weight
        is corrected by the name's ``frequency`` where it is known (see ``frequency.py``)."""
        out: dict[str, float] = {}
        for feature, level in levels.items():
            if level == "absent":
                out[feature] = 0.0
                continue
            out[feature] = self._weight(feature, level)
        if "name" in levels:
            out["name"] += self.name_adjustment(levels["name"], frequency)
        return out

    def _weight(self, feature: str, level: str) -> float:
        m = self.m.get(feature, {}).get(level, _SMOOTH)
        u = self.u.get(feature, {}).get(level, _SMOOTH)
        weight = math.log2(max(m, _SMOOTH) / max(u, _U_FLOOR))
        return min(weight, 0.0) if feature in _EVIDENCE_AGAINST_ONLY else weight

    def name_adjustment(self, level: str, frequency: Frequency | None) -> float:
        """Splink's term-frequency adjustment: ``log2(u / frequency)`` for aligned names.

        A name shared by a tenth of the records is worth less than the average name; one
        held by a single record is worth more. Bounded so that frequency alone never
        decides a pair.

        Where the frequency is known, a name is never stronger evidence than a closer
        alignment of the same name would be: random pairs land on an exact name far more
        often than on a near one (common names repeat exactly), so ``u`` alone made a
        near-exact name weigh 3.5 bits more than an identical one, and the frequency
        correction, capped, did not undo it ("ZAKI, Ghasan bin Tariq" met a namesake's
        "ZAKI GHASSAN IBN TARIQ" with 18.9 bits, where the same name spelt identically
        would have had 15.4, and outweighed a conflicting nationality).
        """
        if frequency is None:
            return 0.0
        closer = _NAME_ORDER[: _NAME_ORDER.index(level) + 1] if level in _NAME_ORDER else (level,)
        adjusted = min(
            self._weight("name", lvl) + self._frequency_adjustment(lvl, frequency) for lvl in closer
        )
        return adjusted - self._weight("name", level)

    def _frequency_adjustment(self, level: str, frequency: Frequency) -> float:
        if level not in _FREQUENCY_LEVELS:
            return 0.0
        contains, same, floor = frequency
        # An exact name: the share of records with that very name, where the product of its
        # parts' shares does not already say rarer (it does where the parts always go
        # together, as the records of one company repeat all of them).
        share = min(same, contains) if level == "exact" else contains
        u = max(self.u["name"].get(level, _SMOOTH), _U_FLOOR)
        adjustment = min(max(math.log2(u / share), -_MAX_ADJUSTMENT), _MAX_ADJUSTMENT)
        # At two records or fewer the estimate is at its floor, not a measurement: a rare name
        # is never held against a pair. "Fewer than three": a country's count is smoothed
        # with a fraction of a record (``frequency.COUNTRY_PRIOR``), which made the two
        # records of a pair count as measured (2.08 records), and the pairs of one company
        # with a name of its own fell just below 0.5 (p 0.49 in large tuning world 1).
        return max(adjustment, 0.0) if share < 3 * floor else adjustment

    def match_weight(self, levels: dict[str, str], frequency: Frequency | None = None) -> float:
        return self.prior_weight() + sum(self.weights(levels, frequency).values())

    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def probability(self, levels: dict[str, str], frequency: Frequency | None = None) -> float:
        return probability_of(self.match_weight(levels, frequency))

    def to_dict(self) -> dict[str, object]:
        return {
            "prior": self.prior,
            "candidate_prior": self.candidate_prior,
            "m": self.m,
            "u": self.u,
            "iterations": self.iterations,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FellegiSunter:
        """The model a run saved (``to_dict``, as JSON in the run record)."""
        return cls(
            prior=data["prior"],
            m=data["m"],
            u=data["u"],
            iterations=data.get("iterations", 0),
            candidate_prior=data.get("candidate_prior"),
        )


def estimate_u(
    records: Sequence[Record],
    samples: int = 20_000,
    seed: int = 0,
    compare: Compare | None = None,
) -> dict[str, dict[str, float]]:
    """Level frequencies among random pairs of records of the same family.

    ``compare``: how to compare a list of pairs (the engine's, which shares them among
    workers; by default one by one here)."""
    rng = random.Random(seed)
    # Drawn from the records in the order of their keys, not of the list: the same records
    # read in another order give the same sample, hence the same model and clusters.
    by_key = sorted(range(len(records)), key=lambda index: records[index].key)
    by_family: dict[str, list[int]] = {}
    for index in by_key:
        for family in records[index].families:
            by_family.setdefault(family, []).append(index)
    # Pick a record uniformly, then a partner of the same family: families weigh by their
    # share of records, so twenty vessels sharing few names do not set u for everyone.
    counts: dict[str, dict[str, float]] = {f: {} for f in FEATURES}
    possible = sum(len(m) * (len(m) - 1) // 2 for m in by_family.values())
    if possible <= samples:  # small workspace: every pair once, not the same pairs many times
        chosen: set[tuple[int, int]] = {
            (a, b)
            for members in by_family.values()
            for x, a in enumerate(members)
            for b in members[x + 1 :]
        }
    else:
        chosen = set()
        for _ in range(samples * 3):
            if len(chosen) >= samples:
                break
            i = by_key[rng.randrange(len(records))]
            if not records[i].families:
                continue
            j = rng.choice(by_family[rng.choice(records[i].families)])
            if i != j:
                chosen.add((min(i, j), max(i, j)))
    pairs = sorted(chosen)
    found: list[Comparison | None]
    if compare is None:
        found = [compare_records(i, j, records[i], records[j], explain=False) for i, j in pairs]
    else:
        found = list(compare(list(records), pairs))
    for comparison in found:
        # A random pair sharing a strong identifier is a match, not a non-match: in a small
        # workspace such pairs are a visible share of all pairs and would make a shared
        # passport or IBAN look common among strangers.
        if comparison is None or shares_strong_id(comparison.levels):
            continue
        for feature, level in comparison.levels.items():
            counts[feature][level] = counts[feature].get(level, 0.0) + 1
    # Small workspaces have too few random pairs to measure rare levels: blend the counts with
    # typical values, as PRIOR_PAIRS pseudo-pairs (a few real pairs barely move them; a large
    # sample swamps them).
    blended: dict[str, dict[str, float]] = {}
    for feature, level_counts in counts.items():
        n = sum(level_counts.get(lvl, 0.0) for lvl in FEATURES[feature] if lvl != "absent")
        typical = _normalise(TYPICAL_U[feature], FEATURES[feature], _U_FLOOR)
        blended[feature] = {
            lvl: (level_counts.get(lvl, 0.0) + PRIOR_PAIRS * typical[lvl]) / (n + PRIOR_PAIRS)
            for lvl in typical
        }
    return blended


# How often random non-matching pairs land on each level, in typical registries and lists.
TYPICAL_U: dict[str, dict[str, float]] = {
    "name": {
        "exact": 0.0005,
        "high": 0.001,
        "good": 0.002,
        "fair": 0.004,
        "weak": 0.02,
        "different": 0.9725,
    },
    # Two strangers share a passport or a national id only by fraud or a clerk's error.
    "strong_id": {"match": 1e-6, "typo": 1e-5, "different": 0.999989},
    "unique_id": {"match": 1e-6, "conflict": 0.999999},
    "weak_id": {"match": 0.0005, "different": 0.9995},
    "birth_date": {
        "exact": 0.0005,
        "swapped": 0.0002,
        "typo": 0.002,
        "year": 0.01,
        "conflict": 0.9873,
    },
    "country": {"match": 0.1, "conflict": 0.9},
    "address": {"exact": 0.0005, "close": 0.002, "partial": 0.02, "different": 0.9775},
    "birth_place": {"match": 0.02, "different": 0.98},
    "legal_form": {"match": 0.3, "different": 0.7},
}
PRIOR_PAIRS = 500.0


def _normalise(
    counts: dict[str, float], levels: Sequence[str], floor: float = _SMOOTH
) -> dict[str, float]:
    """Level probabilities from counts, never exactly zero (``floor`` added to each)."""
    present = [lvl for lvl in levels if lvl != "absent"]
    total = sum(counts.get(lvl, 0.0) for lvl in present)
    if total <= 0:
        return {lvl: 1 / len(present) for lvl in present}
    raw = {lvl: counts.get(lvl, 0.0) / total + floor for lvl in present}
    norm = sum(raw.values())
    return {lvl: value / norm for lvl, value in raw.items()}


# Training rules, as Splink's "estimate parameters by EM" sessions: each selects pairs that
# are likely matches by some features, and estimates m only for the *other* features (within
# the selection those are not biased by the selection itself).
# A rule selects the pairs with any of its features at one of its levels.
TRAINING_RULES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("strong_id", "unique_id"), ("match",)),
    (("name",), ("exact", "high")),
    (("birth_date",), ("exact",)),
)


def train(
    comparisons: Sequence[Comparison],
    u: dict[str, dict[str, float]],
    fixed: dict[tuple[int, int], float] | None = None,
    iterations: int = 30,
    prior: float = 0.1,
    total_pairs: int | None = None,
) -> FellegiSunter:
    """Estimate ``m`` by EM within each training rule, then the prior.

    EM over the candidate pairs finds the share of matches among them; as ``u`` is measured
    on random pairs, the prior must be one for random pairs too (as Splink's lambda): the
    expected number of matches over ``total_pairs``, the pairs of records of one family.
    Without it the prior depends on how loose blocking is, and a lenient blocking makes every
    weak candidate look likely.
    """
    fixed = fixed or {}
    start = {f: _normalise(dict(v), FEATURES[f]) for f, v in _M_START.items()}
    estimates: dict[str, list[dict[str, float]]] = {f: [] for f in FEATURES}
    total_iterations = 0
    for rule_features, rule_levels in TRAINING_RULES:
        subset = [c for c in comparisons if any(c.levels[f] in rule_levels for f in rule_features)]
        if len(subset) < _MIN_RULE_PAIRS:
            continue
        features = [f for f in FEATURES if f not in rule_features]
        model = FellegiSunter(0.5, {f: dict(v) for f, v in start.items()}, u)
        n = _em(model, subset, fixed, features, iterations, update_m=True)
        total_iterations += n
        # Pairs share one levels dict per pattern (compare.py): count patterns, not pairs.
        patterns: dict[int, tuple[dict[str, str], int]] = {}
        for c in subset:
            held = patterns.get(id(c.levels))
            patterns[id(c.levels)] = (c.levels, 1 if held is None else held[1] + 1)
        for feature in features:
            # A feature the rule's pairs never hold says nothing: EM leaves it uniform, and
            # averaging that in gave every rare level a fifth of the matches (a birth-date
            # typo weighed 6 bits in a world that held none, linking strangers who shared a
            # given name and a birth date one digit apart).
            observed = sum(k for levels, k in patterns.values() if levels[feature] != "absent")
            if observed >= _MIN_RULE_PAIRS:
                estimates[feature].append(model.m[feature])
    m = {}
    for feature in FEATURES:
        found = estimates[feature]
        if not found:
            m[feature] = start[feature]
            continue
        levels = set().union(*found)
        m[feature] = {lvl: sum(e.get(lvl, _SMOOTH) for e in found) / len(found) for lvl in levels}
    model = FellegiSunter(prior, m, u)
    total_iterations += _em(model, comparisons, fixed, list(FEATURES), iterations, update_m=False)
    model.iterations = total_iterations
    model.candidate_prior = model.prior
    if total_pairs:
        expected = model.prior * len(comparisons)
        model.prior = min(max(expected / total_pairs, 1e-9), model.prior)
    return model


def _em(
    model: FellegiSunter,
    comparisons: Sequence[Comparison],
    fixed: dict[tuple[int, int], float],
    features: Sequence[str],
    iterations: int,
    update_m: bool,
) -> int:
    """EM steps on ``comparisons`` using only ``features``; returns the iterations run.

    Pairs are grouped by their pattern of levels (there are few patterns and many pairs), so
    each step costs one probability per pattern, not per pair.
    """
    patterns: dict[tuple[str, ...], float] = {}
    judged: list[tuple[tuple[str, ...], float]] = []
    for comp in comparisons:
        key = tuple(comp.levels[f] for f in features)
        p = fixed.get((comp.left, comp.right))
        if p is None:
            patterns[key] = patterns.get(key, 0.0) + 1
        else:
            judged.append((key, p))
    for iteration in range(iterations):
        counts: dict[str, dict[str, float]] = {f: {} for f in features}
        total = 0.0
        weighted = [
            (key, n * model.probability(dict(zip(features, key, strict=True))))
            for key, n in patterns.items()
        ]
        for key, mass in [*weighted, *judged]:
            total += mass
            for feature, level in zip(features, key, strict=True):
                counts[feature][level] = counts[feature].get(level, 0.0) + mass
        new_prior = min(max(total / max(len(comparisons), 1), 1e-6), 1 - 1e-6)
        if update_m:
            for feature in features:
                model.m[feature] = _normalise(counts[feature], FEATURES[feature], _M_FLOOR)
        change = abs(new_prior - model.prior)
        model.prior = new_prior
        model.history.append(new_prior)
        if change < 1e-5:
            return iteration + 1
    return iterations
