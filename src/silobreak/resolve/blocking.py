"""Blocking: which pairs of records are worth comparing.

Every record gets keys, and the first letter of a key is its kind:

- ``i`` identifiers, normalised (``id:imo:9321483``);
- ``n`` names: each distinctive name part (``n:``), its sound (``nm:``, metaphone), rigour's
  name symbols (``ns:``, the same across scripts: Mohammed and محمد share one), each pair of
  parts of one name (``nn:``, "john|smith"), of their sounds (``nq:``, so "Percy Molten0"
  meets "Percy Molteno") and of their first four letters (``nx:``, so "Oleg Lebedew" meets
  "LEBEDEV, Oleg": transliterations differ at the end of a name more than at its start,
  and there sounds differ too), and each part with the birth year (``ny:``), the birth date
  (``nd:``), the birth place (``np:``; with the part's sound, ``nl:``, so "Ellie Powel" born
  in County Durham meets "Eleanor Powell" born there) and each word of an address
  (``na:``), and pairs of rigour name symbols of two parts (``nt:``: "صالح حسين" meets
  "Hussein Saleh" though both names are common, "Sacharow Ludmila" meets "Lyudmila
  Zaharov"), which pair a record written in another script than Latin whatever their
  count, and two Latin records only when rare (rigour scores Zhou / Chiu as one name: a
  common pair among Latin records adds ambiguity, not recall), and a company's whole name
  (``nf:``, its distinctive parts without the legal form; ``nb:``, each part cut to its first
  three letters, and ``ne:``, one part in turn cut to its last four, for a typo), which
  pairs its records however many companies share it, up to the limit of any key, and a
  name's parts written together from each part in turn (``nc:``, "zixuanyao" for "Zi Xuan
  Yao", "Zixuan Yao" and "YAO, Zixuan": syllables one clerk splits and another joins; for a
  given name written the Hong Kong way, also its Pinyin readings, ``cantonese.py``). The
  composite keys keep common parts usable: ``john`` alone is held by too many records,
  ``john`` born on 1970-05-03 is not;
- ``d`` full birth dates;
- ``p`` birth places;
- ``a`` addresses: the whole address and each pair of neighbouring words (a postcode, a
  street and its number), so "Devon, TQ13 8DF" and "TQ13 8DF" share ``a:tq13 8df``.

A pair is a candidate if it shares an identifier (or a pair of name symbols with a record
in another script, or a company's whole name), two name parts, keys of two kinds (a name and
a birth date, a birth date and an address, ...), a rare name part, address or composite name
key (at most 20 records), or a very rare key of another kind (at most 5: a birthday alone, or
a name's sound alone, pairs mostly strangers). Keys shared by too many records
(``trading``, ``mohammed``) are not used: they would pair everyone with everyone.
"""

from __future__ import annotations

import itertools
import sys
import unicodedata
from collections.abc import Iterator

from rigour.names import Name, NamePart, NamePartTag

from silobreak.resolve.cantonese import pinyin_readings, spans
from silobreak.resolve.compare import words
from silobreak.resolve.names import analyse, name_type
from silobreak.resolve.records import Record

_SKIP_TAGS = {NamePartTag.STOP, NamePartTag.LEGAL, NamePartTag.TITLE, NamePartTag.HONORIFIC}
MAX_KEY_RECORDS = 200
RARE_KEY_RECORDS = 20  # a name part or an address this rare pairs records on its own
VERY_RARE_KEY_RECORDS = 5  # a sound, a symbol, a birth date or a part-and-year: this rare
_MAX_PAIRED_PARTS = 5  # names with more parts get no pair keys (their count grows fast)
PREFIX = 4  # letters of a part in a pair of beginnings (``nx:``)
ENDING = 4  # letters of a company name's word in the key of its ending (``ne:``)
MAX_SYMBOL_PAIRS = 100  # pairs of name symbols of one name (``nt:``), beyond which none
# The parameters of ``sql.CANDIDATE_PAIRS``, in its order.
BLOCKING_LIMITS = (MAX_KEY_RECORDS, RARE_KEY_RECORDS, VERY_RARE_KEY_RECORDS)


def _names(record: Record) -> Iterator[tuple[str, Name]]:
    for family in record.families:
        schema = {"person": "Person", "organization": "Company"}.get(family, "Vessel")
        for text in sorted(record.names):
            for analysed in analyse(name_type(schema), text):
                yield family, analysed.name


def distinctive_parts(name: Name) -> list[NamePart]:
    """The parts of a name that identify: no legal forms, titles or stop words."""
    return [p for p in name.parts if p.tag not in _SKIP_TAGS and len(p.comparable) >= 3]


def _symbol_pairs(name: Name) -> list[str]:
    """Pairs of name symbols of two different parts ("hussein" and "saleh", or "حسين" and
    "صالح", which rigour knows as the same names); none if there would be more than
    ``MAX_SYMBOL_PAIRS`` (a part can stand for a dozen names)."""
    by_part: dict[int, set[str]] = {}
    for span in name.spans:
        if str(span.symbol.category.value) == "NAME" and len(span.parts) == 1:
            by_part.setdefault(span.parts[0].index, set()).add(str(span.symbol.id))
    sets = [sorted(v) for _, v in sorted(by_part.items())]
    if sum(len(a) * len(b) for a, b in itertools.combinations(sets, 2)) > MAX_SYMBOL_PAIRS:
        return []
    return [
        "|".join(sorted((x, y)))
        for a, b in itertools.combinations(sets, 2)
        for x in a
        for y in b
        if x != y
    ]


def _cantonese_keys(family: str, name: Name) -> set[str]:
    """A given name written the Hong Kong way ("Mei-wah Ma") keyed by its Pinyin readings
    ("meihua"), each with every other part of the name (``nn:``) and written together with
    them (``nc:``), so it meets "MA, Meihua" and "MA MEI HUA" as those meet each other
    (``cantonese.py``)."""
    words = [p.comparable for p in name.parts]
    keys: set[str] = set()
    for start, stop in spans(words, name.original):
        others = [w for w in words[:start] + words[stop:] if len(w) >= 2]
        for reading in pinyin_readings(words[start:stop]):
            keys.update(f"nn:{family}:{'|'.join(sorted((reading, w)))}" for w in others)
            keys.update(_written_together(family, [*words[:start], reading, *words[stop:]]))
    return keys


def _written_together(family: str, run: list[str]) -> set[str]:
    """``nc:`` keys: a name's parts written together, starting from each part in turn."""
    return {f"nc:{family}:{''.join(run[k:] + run[:k])}" for k in range(len(run))}


def other_script(record: Record) -> bool:
    """Whether none of the record's names is written in Latin letters (a trafficking case
    naming "صالح حسين" only): its pairs of name symbols (``nt:``) pair it however common."""
    return bool(record.names) and not any(_latin(name) for name in record.names)


def _latin(text: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


# (family, distinctive parts) of each of a record's names, parts sorted and interned: name
# frequencies count them, and a million records repeat the same few hundred thousand parts.
PartSets = tuple[tuple[str, tuple[str, ...]], ...]


def record_keys(record: Record) -> tuple[set[str], PartSets]:
    """The blocking keys of one record and its name part sets: both come from one analysis
    of its names, the costliest step of blocking."""
    keys: set[str] = set()
    part_sets: list[tuple[str, tuple[str, ...]]] = []
    for id_kind, values in record.ids.items():
        keys.update(f"id:{id_kind}:{value}" for value in values)
    keys.update(f"d:{day}" for day in record.birth_dates if len(day) == 10)
    years = {day[:4] for day in record.birth_dates}
    days = {day for day in record.birth_dates if len(day) == 10}
    places = {" ".join(words(place)) for place in record.birth_places} - {""}
    keys.update(f"p:{place}" for place in places)
    streets = {w for address in record.addresses for w in words(address) if len(w) >= 3}
    for family, name in _names(record):
        parts = distinctive_parts(name)
        forms = tuple(sorted({sys.intern(p.comparable) for p in parts}))
        if forms:
            part_sets.append((family, forms))
        if family == "organization" and len(forms) >= 2:
            # Company names are built from a few common words ("Northern", "Agro"): in a
            # large world "Northern Agro" names 14 companies, 56 records, more than a rare
            # key holds, so without this key the records of each went unpaired.
            keys.add(f"nf:{family}:{'|'.join(forms)}")
            # The same by its words' beginnings: a customs declaration with one word mistyped
            # ("SAHHARA DELTA FISHERIES"), whose company's many declarations hold every other
            # key of its words past the rare-key limit.
            keys.add(f"nb:{family}:{'|'.join(sorted(f[:3] for f in forms))}")
            # ... and, for a typo within a word's first three letters ("HARBOR COASTAL
            # LINERALS", "SAVANNA DELTA SAEFOOD"), the other words whole with that word's
            # last four letters. With three, "Harbor Coastal Minerals / Metals / Chemicals"
            # met: in large tuning world 1, 4.4% more pairs for F1 0.9328 -> 0.9355; with
            # four, 0.3% more for 0.9347.
            keys.update(
                f"ne:{family}:{'|'.join(forms[:k] + forms[k + 1 :])}|~{form[-ENDING:]}"
                for k, form in enumerate(forms)
            )
        for part in parts:
            keys.add(f"n:{family}:{part.comparable}")
            keys.update(f"ny:{family}:{year}:{part.comparable}" for year in years)
            keys.update(f"nd:{family}:{day}:{part.comparable}" for day in days)
            keys.update(f"np:{family}:{place}:{part.comparable}" for place in places)
            keys.update(f"na:{family}:{word}:{part.comparable}" for word in streets)
            if part.metaphone and len(part.metaphone) >= 2:
                keys.add(f"nm:{family}:{part.metaphone}")
                keys.update(f"nl:{family}:{place}:{part.metaphone}" for place in places)
        if len(parts) <= _MAX_PAIRED_PARTS:
            keys.update(f"nn:{family}:{a}|{b}" for a, b in itertools.combinations(forms, 2))
            sounds = sorted({p.metaphone for p in parts if p.metaphone and len(p.metaphone) >= 2})
            keys.update(f"nq:{family}:{a}|{b}" for a, b in itertools.combinations(sounds, 2))
            heads = sorted({p.comparable[:PREFIX] for p in parts})
            keys.update(f"nx:{family}:{a}|{b}" for a, b in itertools.combinations(heads, 2))
            # The parts written together, from each part in turn: "Zi Xuan Yao", "Zixuan Yao"
            # and "YAO, Zixuan" all read "zixuanyao" from one of their parts.
            run = [p.comparable for p in name.parts if p.tag not in _SKIP_TAGS]
            if len(run) >= 2:
                keys.update(_written_together(family, run))
        if family == "person":
            keys.update(_cantonese_keys(family, name))
        keys.update(
            f"ns:{family}:{symbol.id}"
            for symbol in name.symbols
            if str(symbol.category.value) == "NAME"
        )
        keys.update(f"nt:{family}:{pair}" for pair in _symbol_pairs(name))
    for address in record.addresses:
        tokens = words(address)
        if tokens:
            keys.add("a:" + " ".join(tokens))
        keys.update(f"a:{a} {b}" for a, b in itertools.pairwise(tokens))
    return keys, tuple(part_sets)
