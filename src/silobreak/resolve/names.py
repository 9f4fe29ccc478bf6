"""Compare names of people, organizations and things, in any script, and explain the score.

The comparison works on name *parts* analysed by rigour (tokenised, normalised, transliterated,
tagged: given/family names, legal forms, stop words, and symbols from its name databases, so
that ``Mohammed`` and ``محمد`` or ``OOO`` and ``LLC`` are known to mean the same). Two passes
align the parts of two names:

1. **symbols**: parts that share a rigour symbol are aligned (a name variant across scripts, a
   legal form across languages, an initial with the name it abbreviates, a number);
2. **residue**: what is left is aligned by rigour's edit-cost model, which tolerates typos,
   transliteration drift and merged or split tokens, and refuses distant strings.

The score is the weighted share of name mass that aligned, times how well. Parts weigh by
length; stop words and legal forms weigh little (they carry no identity); for people, extra
parts on one side (a middle name, a second family name, a patronymic) cost less when
everything on the other side aligned. Names in scripts rigour does not latinise (Arabic,
Chinese, ...) are also compared through an ICU transliteration, and the better reading wins.
An ICU reading of Arabic script has no short vowels ("aljbwry" for الجبوري), which no edit
distance bridges to "Al-Jabouri": its parts also meet a Latin part that fits them letter by
letter (``abjad_pattern``: long vowels are letters, short ones are not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from normality import ascii_text
from rigour.names import (
    Alignment,
    Name,
    NamePart,
    NamePartTag,
    NameTypeTag,
    align_person_name_order,
    analyze_names,
    compare_parts,
    pair_symbols,
)

from silobreak.resolve.cantonese import readings, reads_as, spans, start_readings
from silobreak.resolve.pinyin import SYLLABLES, is_pinyin

DEFAULT_THRESHOLD = 0.7

PERSON_SCHEMATA = frozenset({"Person"})
THING_SCHEMATA = frozenset(
    {"Vessel", "Vehicle", "Airplane", "CryptoWallet", "BankAccount", "Security", "RealEstate"}
)

# How much a symbol alignment is worth, by symbol category: a shared name symbol means two
# spellings of one name, an initial only agrees with a name, a phonetic code is weak evidence.
# (Keys are rigour's category codes.)
_SYMBOL_SCORES: dict[str, float] = {
    "NAME": 0.95,
    "NICK": 0.8,
    "INITIAL": 0.75,
    "PHON": 0.75,
    "ORGCLS": 1.0,
    "SYMBOL": 1.0,
    "NUM": 1.0,
    "LOC": 1.0,
    "DOMAIN": 1.0,
}
_LIGHT_TAGS = {
    NamePartTag.STOP: 0.15,
    NamePartTag.LEGAL: 0.25,
    NamePartTag.TITLE: 0.1,
    NamePartTag.HONORIFIC: 0.1,
    NamePartTag.SUFFIX: 0.3,
}
_EXTRA_PART_DISCOUNT = 0.35  # a person's unmatched extra part, when the rest aligned
# "bin Said", "ibn Tariq", "ould Ahmed": the part after one of these is the father's name
FILIAL = frozenset({"bin", "ibn", "bint", "binti", "ben", "bn", "ould"})
_PHONETIC_SCORE = 0.8
# Arabic abbreviations of legal forms, as rigour writes them (dots dropped), which its data
# does not tag: ش.ذ.م.م and ذ.م.م (limited liability company), ش.م.ع (public joint stock),
# ش.م.خ (private joint stock), ش.م.ل (Lebanese SAL), ش.م.ك / ش.م.ك.ع (Kuwaiti KSC / KSCP),
# ش.م.ب (Bahraini BSC), ش.م.ع.ع / ش.م.ع.م (Omani SAOG / SAOC), ش.م.م. Untagged, "ATLAS
# OCEAN HOLDINGS ش.ذ.م.م" held a fourth distinctive word: its customs records never met the
# registry's "ATLAS OCEAN HOLDINGS FZE" (large tuning world 1, 76 records).
ARABIC_LEGAL_FORMS = frozenset(
    {"شذمم", "ذمم", "شمع", "شمخ", "شمل", "شمك", "شمكع", "شمب", "شمعع", "شمعم", "شمم"}
)
# the same forms in the ICU reading of the name ("shdhmm")
ARABIC_LEGAL_READINGS = frozenset(ascii_text(f).replace("?", "") for f in ARABIC_LEGAL_FORMS)
_ORG_EXTRA_WORD = 2.0


def _substitution(kind: NameTypeTag, parts: int = 0) -> float:
    """Weight factor of a part replaced by another: organizations' names are built from few
    distinctive words (Saudi Arabian *Gas* / *Oil* Company), people's from many shared ones.
    In a person's long name (four parts or more: a chain of father's and grandfather's names,
    a tribe) one element replaced (AL-HARBI / AL-SUBHI, BEN MOHAMED / BEN ALI) is another
    lineage, so it weighs more than a replaced part of a short name, which is more often a
    first name written as a nickname (Will / Billy). Chosen on the tune half of the name
    cases (2.5 against 2.0 and 3.0)."""
    if kind != NameTypeTag.PER:
        return 3.0
    return LONG_NAME_SUBSTITUTION if parts >= LONG_NAME_PARTS else 2.0


LONG_NAME_PARTS = 4
LONG_NAME_SUBSTITUTION = 2.5


_GENERIC_CATEGORIES = frozenset({"SYMBOL", "DOMAIN"})


def _content(parts: Sequence[Part]) -> bool:
    """Whether unaligned parts carry identity (not stop words, legal forms, initials)."""
    return any(not p.light and len(p.comparable) > 1 for p in parts)


def _residue_score(
    qps: Sequence[Part], rps: Sequence[Part], edit: float, pinyin: bool, abjad: bool | None = None
) -> tuple[float, str]:
    """rigour's edit score, raised to the phonetic score when the parts sound the same or
    when one, read from Arabic script, fits the other letter by letter (``abjad``: True when
    the left parts are that reading, False when the right ones are, None when neither), or
    to an initial's score when one part is the other's initial. ``pinyin``: both names are
    romanised Mandarin (see ``_sound_alike``)."""
    left = "".join(p.comparable for p in qps)
    right = "".join(p.comparable for p in rps)
    if left == right:
        return 1.0, "same"
    one_to_one = len(qps) == len(rps) == 1
    if one_to_one and min(len(left), len(right)) == 1 and left[0] == right[0]:
        # an initial the name databases hold no symbol for: "Joseph E." / "Joseph Emanuel"
        return _SYMBOL_SCORES["INITIAL"], "initial"
    if edit < _PHONETIC_SCORE and one_to_one and _sound_alike(qps[0], rps[0], pinyin):
        return _PHONETIC_SCORE, "phonetic"
    if edit < _PHONETIC_SCORE and one_to_one and abjad is not None:
        pair = (qps[0], rps[0]) if abjad else (rps[0], qps[0])
        if _abjad_meets(*pair):
            return _PHONETIC_SCORE, "script"
    return float(edit), "fuzzy"


# How Latin writings render each letter of an ICU reading of Arabic script. Long vowels are
# letters there (alif "a", waw "w", ya "y"); short vowels are not written, so a Latin name may
# hold one vowel letter between any two (``_SHORT``).
_ABJAD_LETTERS: dict[str, str] = {
    "th": "(?:th|s|t)",
    "dh": "(?:dh|z|d)",
    "sh": "(?:sh|ch|sch|s)",
    "kh": "(?:kh|ch|h|k)",
    "gh": "(?:gh|g)",
    "j": "(?:j|g|dj|dsch|zh)",
    "q": "(?:q|k|c|g)",
    "k": "(?:k|c|ck)",
    "a": "(?:a|aa|e|ah)",
    "w": "(?:w|ou|oo|u|o|aw|au|ow|v)",
    "y": "(?:y|i|ee|ie|ei|e|ai|ay|iy|j)",
    "f": "(?:f|ph)",
}
_SHORT = "[aeiou]?"
_CONSONANTS = frozenset("bcdfghjklmnpqrstvxz")


@lru_cache(maxsize=20_000)
def abjad_pattern(reading: str) -> re.Pattern[str] | None:
    """A pattern for the Latin writings of one part of an Arabic-script name, from its ICU
    reading ("aljbwry" for الجبوري): the article "al" optional, each letter as Latin writes
    it (doubled consonants allowed: shadda is not written), one short vowel allowed between
    letters, a final ta marbuta ("t") optional. None when the reading holds fewer than three
    consonants (Zaid and Ziad differ only in their long vowel)."""
    text = "".join(ch for ch in reading.lower() if "a" <= ch <= "z")
    if text.startswith("al") and len(text) > 4:
        text = text[2:]
    letters: list[str] = []
    k = 0
    while k < len(text):
        two = text[k : k + 2]
        if two in _ABJAD_LETTERS:
            letters.append(two)
            k += 2
        else:
            letters.append(text[k])
            k += 1
    if sum(1 for x in letters if x[0] in _CONSONANTS) < 3:
        return None
    parts = [_SHORT]
    for n, letter in enumerate(letters):
        rendered = _ABJAD_LETTERS.get(letter, re.escape(letter))
        if letter not in ("a", "w", "y"):
            rendered = f"(?:{rendered})+"
        if n == len(letters) - 1 and letter == "t":
            rendered = "(?:t|h|a|ah)?"  # ta marbuta: Fatima / fatmt
        parts.append(rendered)
        parts.append(_SHORT)
    return re.compile("(?:al|el)?" + "".join(parts))


def _abjad_meets(a: Part, b: Part) -> bool:
    """Whether Latin part ``b`` is a writing of ``a``, a part read from Arabic script."""
    pattern = abjad_pattern(a.comparable)
    return pattern is not None and b.comparable.isascii() and bool(pattern.fullmatch(b.comparable))


def _own_name_lost(name: Analysed, used: set[int]) -> list[int]:
    """Positions of a person's own names that the other name lacks while it holds their
    father's (or grandfather's: the part after a ``name.filial``): "Yaser bin Adel Shawky"
    against "SHAWKY ADEL" aligns the father, Adel, and leaves Yaser out. The other name is
    Adel Shawky's (the father's, a brother's), not a shorter writing of Yaser's, which
    would drop the father and keep Yaser."""
    for filial in name.filial:
        if filial + 1 in used:
            return [
                q.position
                for q in name.parts[:filial]
                if q.position not in used
                and not q.light
                and len(q.comparable) > 1
                and q.comparable not in FILIAL
            ]
    return []


def _runs(parts: Sequence[Part], shortest: int, longest: int) -> list[list[Part]]:
    """Runs of consecutive parts (by position), longest first."""
    out = []
    for size in range(longest, shortest - 1, -1):
        for k in range(len(parts) - size + 1):
            run = list(parts[k : k + size])
            if run[-1].position - run[0].position == size - 1:
                out.append(run)
    return out


def _cantonese_reading(
    a: Analysed, b: Analysed, used_a: set[int], used_b: set[int], left: str, right: str
) -> PartMatch | None:
    """A given name in Hong Kong's romanisation of Cantonese on one side and in Pinyin on
    the other ("Tak-ming" / "Deming", see ``cantonese.py``), among the parts not yet
    aligned; marks them used."""
    for x, y, used_x, used_y, text in (
        (a, b, used_a, used_b, left),
        (b, a, used_b, used_a, right),
    ):
        free_y = [p for p in y.parts if p.position not in used_y and is_pinyin(p.comparable)]
        if not free_y:
            continue
        # light parts too: "to" of "Hoi-to" is an English stop word to rigour
        runs = [
            list(x.parts[start:stop])
            for start, stop in spans([p.comparable for p in x.parts], text)
            if not used_x.intersection(range(start, stop))
        ]
        for run in runs:
            for other in _runs(free_y, 1, 3):
                if not reads_as([p.comparable for p in run], [p.comparable for p in other]):
                    continue
                used_x.update(p.position for p in run)
                used_y.update(p.position for p in other)
                q, r = (run, other) if x is a else (other, run)
                return PartMatch(
                    " ".join(p.form for p in q),
                    " ".join(p.form for p in r),
                    _PHONETIC_SCORE,
                    "cantonese",
                    sum(p.weight for p in (*run, *other)),
                )
    return None


def _sound_alike(a: Part, b: Part, pinyin: bool) -> bool:
    """Equal metaphones, unless the names are romanised Mandarin and the parts two different
    syllables: Zhao, Zhou and Zhu share a metaphone and are three surnames."""
    if not a.metaphone or a.metaphone != b.metaphone:
        return False
    return not (pinyin and a.comparable in SYLLABLES and b.comparable in SYLLABLES)


def name_type(schema: str) -> NameTypeTag:
    """The rigour name type for an FtM schema."""
    if schema in PERSON_SCHEMATA:
        return NameTypeTag.PER
    if schema in THING_SCHEMATA:
        return NameTypeTag.OBJ
    return NameTypeTag.ORG


class PartMatch(NamedTuple):
    """One aligned (or unaligned) group of parts and what it contributed (a tuple: hundreds
    of thousands are made per run, and a frozen dataclass costs three times as much)."""

    left: str
    right: str
    score: float
    how: str  # "same", "symbol:NAME", "fuzzy", "unmatched", ...
    weight: float

    def swapped(self) -> PartMatch:
        return PartMatch(self.right, self.left, self.score, self.how, self.weight)

    def describe(self) -> str:
        if not self.right:
            return f"{self.left} (only left, {self.how})"
        if not self.left:
            return f"{self.right} (only right, {self.how})"
        return f"{self.left}={self.right} ({self.how} {self.score:.2f})"


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The score of the best-aligned pair of name variants, and how it was reached."""

    score: float
    left: str
    right: str
    aligned: tuple[PartMatch, ...]  # as compared: in the order of the texts, not the sides
    flipped: bool = False  # the sides are the other way round from ``aligned``

    @property
    def parts(self) -> tuple[PartMatch, ...]:
        """The aligned parts, left side first (turned only when read: most comparisons are
        never explained)."""
        return tuple(p.swapped() for p in self.aligned) if self.flipped else self.aligned

    def swapped(self) -> NameComparison:
        """The same comparison read from the other side."""
        return NameComparison(self.score, self.right, self.left, self.aligned, not self.flipped)

    def explain(self) -> str:
        """``mohammed=محمد (symbol:NAME 0.95); husaini=husseini (fuzzy 0.64); al (only right,
        stop word)``."""
        return "; ".join(p.describe() for p in self.parts) or "no part aligned"


class Part(NamedTuple):
    """What the comparison reads of one rigour name part, read once: each read of a rigour
    part's attribute crosses from Rust (about 100 ns), and a comparison made hundreds."""

    part: NamePart
    position: int  # rigour's index of the part in its name
    comparable: str
    form: str
    tag: NamePartTag
    metaphone: str | None
    weight: float  # by length; stop words, legal forms and titles weigh little
    light: bool  # a stop word, legal form, title, honorific or suffix
    numeric: bool


class Analysed(NamedTuple):
    """One reading of a name, analysed: rigour's ``Name`` and its parts, by index."""

    name: Name
    comparable: str
    parts: tuple[Part, ...]
    pinyin: bool  # every part that weighs is romanised Mandarin ("ZHAO Lihua")
    filial: tuple[int, ...]  # positions of "bin", "ibn", ... (``FILIAL``)
    abjad: bool = False  # the ICU reading of a name in Arabic script (no short vowels)


def _analysed(name: Name, abjad: bool = False) -> Analysed:
    parts = []
    for p in name.parts:
        comparable, tag = p.comparable, p.tag
        light = _LIGHT_TAGS.get(tag)
        weight = float(min(max(len(comparable), 2), 10)) * (light or 1.0)
        numeric = p.numeric or tag == NamePartTag.NUM
        parts.append(
            Part(
                p, p.index, comparable, p.form, tag, p.metaphone, weight, light is not None, numeric
            )
        )
    assert all(part.position == k for k, part in enumerate(parts))
    heavy = [p.comparable for p in parts if not p.light]
    pinyin = bool(heavy) and all(map(is_pinyin, heavy))
    filial = tuple(p.position for p in parts if p.comparable in FILIAL)
    return Analysed(name, name.comparable, tuple(parts), pinyin, filial, abjad)


# An analysed name takes about 15 KB: the cache holds what one pass over the records of a
# block meets again, not every name of a million records.
@lru_cache(maxsize=40_000)
def analyse(kind: NameTypeTag, text: str) -> tuple[Analysed, ...]:
    """rigour's analysis of one raw name, plus an ICU-transliterated reading when the name
    has letters rigour leaves in their script. Cached: names repeat across many pairs."""
    variants = [text]
    if not text.isascii() and any(
        ch.isalpha() and ord(ch) > 0x24F and not 0x400 <= ord(ch) <= 0x4FF for ch in text
    ):
        latin = ascii_text(text)
        if latin and latin.strip() and latin != text:
            variants.append(latin.replace("?", ""))
    arabic = any(0x600 <= ord(ch) <= 0x6FF for ch in text)
    out: list[Analysed] = []
    for k, variant in enumerate(variants):
        for name in sorted(analyze_names(kind, [variant]), key=lambda n: n.form):
            if arabic and kind == NameTypeTag.ORG:
                forms = ARABIC_LEGAL_READINGS if k else ARABIC_LEGAL_FORMS
                for part in name.parts:
                    if part.comparable in forms:
                        part.tag = NamePartTag.LEGAL  # seen by blocking and legal forms too
            out.append(_analysed(name, abjad=arabic and k > 0))
    return tuple(out)


def load_name_data() -> None:
    """Load rigour's name databases (about seven seconds, once per process) and the
    Cantonese readings (``cantonese.readings``, two seconds in a child process meanwhile)
    now: called before forking workers, which otherwise each load them again."""
    start_readings()  # in a child process, while rigour loads here
    for kind in (NameTypeTag.PER, NameTypeTag.ORG, NameTypeTag.OBJ):
        analyze_names(kind, ["Ivan Petrov Holdings LLC"])
    readings()


def compare_names(schema: str, left: str, right: str) -> NameComparison:
    """Compare two raw names for entities of FtM ``schema``."""
    return compare_name_sets(schema, [left], [right])


def compare_name_sets(schema: str, lefts: Iterable[str], rights: Iterable[str]) -> NameComparison:
    """The best comparison between any name of one entity and any name of the other."""
    kind = name_type(schema)
    rights = list(rights)
    lefts = list(lefts)
    # Nothing aligned at all still names the names it compared (an explanation of "~").
    best = NameComparison(0.0, lefts[0] if lefts else "", rights[0] if rights else "", ())
    same = sorted(set(lefts).intersection(rights))
    if same and any(ch.isalnum() for ch in same[0]):
        # One name written identically on both sides: nothing to analyse (a sixth of the
        # candidate pairs of the historical figures).
        return NameComparison(
            1.0, same[0], same[0], (PartMatch(same[0], same[0], 1.0, "same", 1.0),)
        )
    for left in lefts:
        for right in rights:
            result = _compare_texts(kind, left, right)
            if result.score > best.score:
                best = result
                if best.score >= 0.999:
                    return best
    return best


def clear_caches(analysis: bool = True) -> None:
    """Forget cached comparisons (and name analyses): for benchmarks that time cold work."""
    _compare_ordered.cache_clear()
    if analysis:
        analyse.cache_clear()


def _compare_texts(kind: NameTypeTag, left: str, right: str) -> NameComparison:
    """Best alignment of two raw names, made in one order of the two texts whichever side
    each is on: rigour's alignment is greedy, so the two orders can score differently (for
    one pair in a thousand of the historical figures, "carl vincent" / "karl jean vince"
    0.19 one way and 0.82 the other), and a pair of records must not score by which was
    read first. One order also halves what the cache holds for a pair of names."""
    if right < left:
        return _compare_ordered(kind, right, left).swapped()
    return _compare_ordered(kind, left, right)


@lru_cache(maxsize=200_000)
def _compare_ordered(kind: NameTypeTag, left: str, right: str) -> NameComparison:
    """Best alignment of two raw names (cached: the same names meet in many record pairs)."""
    best = NameComparison(0.0, left, right, ())
    for lname in analyse(kind, left):
        for rname in analyse(kind, right):
            result = _compare(kind, lname, rname, left, right)
            if result.score > best.score:
                best = result
    return best


def _compare(kind: NameTypeTag, a: Analysed, b: Analysed, left: str, right: str) -> NameComparison:
    if a.comparable == b.comparable:
        return NameComparison(
            1.0, left, right, (PartMatch(a.comparable, b.comparable, 1.0, "same", 1.0),)
        )
    best: NameComparison | None = None
    for pairing in pair_symbols(a.name, b.name) or [()]:
        result = _score_pairing(kind, a, b, pairing, left, right)
        if best is None or result.score > best.score:
            best = result
    assert best is not None
    return best


def _score_pairing(
    kind: NameTypeTag,
    a: Analysed,
    b: Analysed,
    pairing: Sequence[Alignment],
    left: str,
    right: str,
) -> NameComparison:
    parts_a, parts_b = a.parts, b.parts
    pinyin = a.pinyin and b.pinyin
    # which side is a reading from Arabic script when the other is not (None: neither, both)
    abjad = a.abjad if a.abjad != b.abjad else None
    # one name says whose son or daughter the person is, the other does not
    fathers = kind == NameTypeTag.PER and bool(a.filial) != bool(b.filial)
    matches: list[PartMatch] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for al in pairing:
        category = str(al.symbol.category.value) if al.symbol is not None else "SYMBOL"
        qps = [parts_a[p.index] for p in al.qps]
        rps = [parts_b[p.index] for p in al.rps]
        same = [p.comparable for p in qps] == [p.comparable for p in rps]
        score = 1.0 if same else _SYMBOL_SCORES.get(category, 0.9)
        weight = sum(p.weight for p in (*qps, *rps))
        if category == "ORGCLS":
            weight *= 0.25
        elif kind != NameTypeTag.PER and category in _GENERIC_CATEGORIES:
            weight *= 0.5  # "Bank", "Construction", "Global": common to many organizations
        used_a.update(p.position for p in qps)
        used_b.update(p.position for p in rps)
        matches.append(PartMatch(al.qstr, al.rstr, score, f"symbol:{category}", weight))
    if kind == NameTypeTag.PER:
        cantonese = _cantonese_reading(a, b, used_a, used_b, left, right)
        if cantonese is not None:
            matches.append(cantonese)
    rest_a = [p.part for p in parts_a if p.position not in used_a]
    rest_b = [p.part for p in parts_b if p.position not in used_b]
    solos_a: list[Part] = []
    solos_b: list[Part] = []
    if rest_a or rest_b:
        # compare_parts scores parts position by position: line them up first (persons by
        # greedy similarity, so "BAHES, Basteltus" meets "Basteltus Bahes"; others by tag).
        if kind == NameTypeTag.PER:
            rest_a, rest_b = align_person_name_order(rest_a, rest_b)
        else:
            rest_a, rest_b = NamePart.tag_sort(rest_a), NamePart.tag_sort(rest_b)
        for al in compare_parts(rest_a, rest_b):
            qps = [parts_a[p.index] for p in al.qps]
            rps = [parts_b[p.index] for p in al.rps]
            if qps and rps:
                weight = sum(p.weight for p in (*qps, *rps))
                score, how = _residue_score(qps, rps, al.score, pinyin, abjad)
                matches.append(PartMatch(al.qstr, al.rstr, score, how, weight))
                if score > 0 and fathers:
                    used_a.update(p.position for p in qps)
                    used_b.update(p.position for p in rps)
            else:
                solos_a.extend(qps)
                solos_b.extend(rps)
    # Transliteration drift beyond the edit budget (Mohammed / Muhamad): same sound.
    for sa in list(solos_a):
        if len(sa.comparable) < 3 or not sa.metaphone:
            continue
        how = "phonetic"
        sb = next((p for p in solos_b if _sound_alike(sa, p, pinyin)), None)
        if sb is None and abjad is not None:
            how = "script"
            sb = next((p for p in solos_b if _abjad_meets(*((sa, p) if abjad else (p, sa)))), None)
        if sb is not None:
            solos_a.remove(sa)
            solos_b.remove(sb)
            matches.append(PartMatch(sa.form, sb.form, _PHONETIC_SCORE, how, sa.weight + sb.weight))
            used_a.add(sa.position)
            used_b.add(sb.position)
    solos = [(p, "left") for p in solos_a] + [(p, "right") for p in solos_b]
    matched_sides = {side for _, side in solos}
    # Only a name that aligned at least two parts (given and family) may lack a middle name.
    aligned_parts = sum(1 for m in matches if m.score > 0 and m.how != "symbol:ORGCLS")
    # A part on each side that aligns with nothing (Mosuli / Tikriti) is a different name,
    # not a missing one: that costs more than a part only one side records.
    substituted = _content(solos_a) and _content(solos_b)
    parts = max(len(parts_a), len(parts_b))
    refused = any(m.how == "fuzzy" and m.score == 0.0 for m in matches)
    lost: set[tuple[str, int]] = set()
    if fathers:
        side, named, used = ("left", a, used_a) if a.filial else ("right", b, used_b)
        lost = {(side, k) for k in _own_name_lost(named, used)}
    for part, side in solos:
        weight = part.weight
        how = "unmatched"
        if part.light:
            how = str(part.tag.value).lower().replace("stop", "stop word")
        elif part.numeric:
            weight *= _substitution(kind)  # "Fund VIII" is not "Fund IX", nor "Fund"
            how = "unmatched number"
        elif substituted or refused or (side, part.position) in lost:
            weight *= _substitution(kind, parts)
            how = "different"
        elif kind == NameTypeTag.PER and len(matched_sides) == 1 and aligned_parts >= 2:
            weight *= _EXTRA_PART_DISCOUNT  # e.g. a middle name only one side records
            how = "extra part"
        elif kind == NameTypeTag.ORG:
            weight *= _ORG_EXTRA_WORD  # "Golden Crescent Medical" is not "Crescent Medical"
            how = "extra word"
        label = part.form
        matches.append(
            PartMatch(
                label if side == "left" else "", label if side == "right" else "", 0.0, how, weight
            )
        )
    matches = [
        PartMatch(m.left, m.right, m.score, m.how, m.weight * _substitution(kind, parts))
        if m.how == "fuzzy" and m.score == 0.0
        else m
        for m in matches
    ]
    total = sum(m.weight for m in matches)
    score = sum(m.score * m.weight for m in matches) / total if total else 0.0
    return NameComparison(round(score, 4), left, right, tuple(matches))
