"""Romanised Mandarin names: which words are Hanyu Pinyin, and which are single syllables.

A metaphone keeps consonants, so Zhao, Zhou and Zhu sound alike to it, yet they are three
common Chinese surnames (赵, 周, 朱): two different syllables of romanised Mandarin are two
different names, not one name spelt twice. The syllables here are every initial with every
final: a superset of Pinyin's 400-odd syllables (a few combinations no Mandarin word has are
in it), which is enough to tell a name written in Pinyin ("ZHAO Lihua") from one that is not
("Anna Smith").
"""

from __future__ import annotations

from functools import lru_cache

_INITIALS = (
    *("", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x"),
    *("zh", "ch", "sh", "r", "z", "c", "s", "y", "w"),
)
_FINALS = (
    *("a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong"),
    *("er", "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai"),
    *("ui", "uan", "un", "uang", "ue", "ve"),
)
SYLLABLES = frozenset(i + f for i in _INITIALS for f in _FINALS)
_LONGEST = max(map(len, SYLLABLES))


@lru_cache(maxsize=20_000)
def is_pinyin(word: str) -> bool:
    """Whether a lower-case word is one or more Pinyin syllables ("lihua": li + hua)."""
    if not word:
        return False
    ends = {0}
    for stop in range(1, len(word) + 1):
        if any(
            start in ends and word[start:stop] in SYLLABLES
            for start in range(max(0, stop - _LONGEST), stop)
        ):
            ends.add(stop)
    return len(word) in ends


@lru_cache(maxsize=20_000)
def segmentations(word: str) -> tuple[tuple[str, ...], ...]:
    """Every way to read a lower-case word as Pinyin syllables ("xian": xian, or xi + an);
    none if it is not Pinyin."""
    if not word:
        return ((),)
    out: list[tuple[str, ...]] = []
    for stop in range(1, min(len(word), _LONGEST) + 1):
        if word[:stop] in SYLLABLES:
            out.extend((word[:stop], *rest) for rest in segmentations(word[stop:]))
    return tuple(out)
