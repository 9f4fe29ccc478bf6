"""Cantonese romanisations of Chinese given names, read against their Pinyin.

One name, two spellings with no letters in common: 德明 is "Deming" in Pinyin (mainland
registries, most banks) and "Tak-ming" in Hong Kong's romanisation of its Cantonese reading
(HK identity cards and passports, the diaspora's records). No edit distance or sound code
relates them, and rigour's name symbols know only some such names; the characters do. So
this module keeps, for every syllable of Cantonese as Hong Kong writes it, the Pinyin
syllables of the characters read that way, and a run of Cantonese syllables ("tak", "ming")
meets a Pinyin name ("deming", or "de ming") when each syllable is a reading of one
character in both: tak is 德 (and 特), whose Pinyin is de (te); ming is 明, ming.

The readings come from two dictionaries shipped on PyPI: ToJyutping (Cantonese, in Jyutping)
and pypinyin (Mandarin), over the common characters (the first levels of GB 2312 and Big5,
the 3,755 and 5,401 characters each standard ranks commonest: 6,722 together), each at its
first (commonest) reading in both. With every reading of every character a Cantonese
syllable stood for 10-40 Pinyin ones ("chi" for 43), which would let unrelated names meet;
at the first readings of common characters, for about 3. Hong Kong's spelling is not
Jyutping (Jyutping "dak", "zeon", "jyun", "koeng" are written "tak", "chun", "yuen",
"keung"), and clerks vary it ("Sze"/"Tsz"/"Chi", "Wah"/"Wa"), so both are folded to one key
(``fold``): unaspirated and aspirated initials as one (b/p, d/t, g/k, z/c as "ch"), "aa" as
"a", a final "h" dropped, "ee"/"oo"/"ue" as "i"/"u"/"u", "ou" as "o".

Loading ToJyutping takes over a second, so the table is built on first use, in a child
process (``readings``; ``names.load_name_data`` builds it before resolution forks its
workers), not on import.
Wade-Giles (Taiwan: "Hsiao-ming") is not read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from silobreak.resolve.pinyin import SYLLABLES, segmentations

_CJK = range(0x4E00, 0xA000)  # the CJK Unified Ideographs block: every common character
MIN_SYLLABLES = 2  # a single syllable ("Wah" / "Hua") is too common a coincidence
MAX_READINGS = 32  # Pinyin readings of one Cantonese given name given to blocking, at most


def fold(syllable: str, jyutping: bool = False) -> str:
    """One key for a Cantonese syllable however it is written (Hong Kong's romanisation and
    its variants, or toneless Jyutping with ``jyutping``)."""
    s = syllable.lower()
    if jyutping:
        s = re.sub(r"\d", "", s)
        if s.startswith("j"):
            s = "y" + s[1:]
        if s.startswith("yyu"):
            s = "yu" + s[3:]
        s = re.sub(r"^[zc]", "ch", s)
        s = s.replace("oe", "eu").replace("eoi", "ui").replace("eon", "un").replace("eot", "ut")
    else:
        s = re.sub(r"^tsz?$", "chi", s)
        s = re.sub(r"^tsz", "chi", s)
        s = re.sub(r"^sze?$", "si", s)
        s = re.sub(r"^ts", "ch", s)
        s = re.sub(r"^sh", "s", s)
        s = re.sub(r"([aeiou])h$", r"\1", s)
        s = re.sub(r"eun(?!g)", "un", s)
        s = s.replace("ee", "i").replace("oo", "u").replace("ue", "u").replace("eui", "ui")
        s = s.replace("oy", "oi")
    s = re.sub(r"^b", "p", s)
    s = re.sub(r"^d", "t", s)
    s = re.sub(r"^g", "k", s)
    s = s.replace("aa", "a").replace("ou", "o")
    return re.sub(r"^(ch|s|k|y)yu", r"\1u", s)


def _toneless(pinyin: str) -> str:
    text = unicodedata.normalize("NFD", pinyin)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ü", "v")


_CHILD: subprocess.Popen[str] | None = None


def start_readings() -> None:
    """Start building the table of ``readings`` in a child process, so that it loads while
    this process does other work (``names.load_name_data``: rigour's name data)."""
    global _CHILD
    if _CHILD is None and readings.cache_info().currsize == 0:
        src = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
        _CHILD = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from silobreak.resolve.cantonese import _print_table as p; p()",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": path},
        )


@lru_cache(maxsize=1)
def readings() -> dict[str, frozenset[str]]:
    """Folded Cantonese syllable -> the Pinyin syllables of the characters read that way.

    Built in a child process: the two dictionaries load about 460,000 Python objects that
    would stay here for the garbage collector to walk on every full collection (the name
    cases of ``bench_names.py`` ran at half speed beside them); the table itself is a few
    hundred entries."""
    global _CHILD
    start_readings()
    assert _CHILD is not None
    out, _ = _CHILD.communicate()
    code, _CHILD = _CHILD.returncode, None
    if code:
        raise RuntimeError(f"building the Cantonese readings failed (exit status {code})")
    return {k: frozenset(v) for k, v in json.loads(out).items()}


def _print_table() -> None:
    """The table of ``readings``, as JSON on standard output (run in the child process)."""
    import ToJyutping
    from pypinyin.pinyin_dict import pinyin_dict

    out: dict[str, set[str]] = {}
    chars = "".join(chr(cp) for cp in _CJK if _common(chr(cp)))
    for ch, jyutping in ToJyutping.get_jyutping_candidates(chars):
        mandarin = pinyin_dict.get(ord(ch), "")
        if jyutping and mandarin:
            first = _toneless(mandarin.split(",")[0])
            out.setdefault(fold(jyutping[0], jyutping=True), set()).add(first)
    print(json.dumps({k: sorted(v) for k, v in sorted(out.items())}))


def _common(ch: str) -> bool:
    """Whether a character is in the first (commonest) level of GB 2312 (mainland) or Big5
    (Hong Kong, Taiwan): rows 16-55 of GB 2312, codes A440-C67E of Big5."""
    for codec, low, high in (("gb2312", 0xB0A1, 0xD7FE), ("big5", 0xA440, 0xC67E)):
        try:
            code = int.from_bytes(ch.encode(codec), "big")
        except UnicodeEncodeError:
            continue
        if low <= code <= high:
            return True
    return False


@lru_cache(maxsize=20_000)
def is_syllable(word: str) -> bool:
    """Whether a lower-case word is one syllable of Cantonese as Hong Kong writes it."""
    return 1 < len(word) <= 6 and word.isascii() and fold(word) in readings()


def reads_as(cantonese: Sequence[str], pinyin: Sequence[str]) -> bool:
    """Whether Cantonese syllables ("tak", "ming") are a reading of the characters that
    Pinyin words ("deming", or "de", "ming") spell, syllable by syllable."""
    table = readings()
    keys = [fold(s) for s in cantonese]
    if any(k not in table for k in keys):
        return False

    def fits(k: int, words: Sequence[str]) -> bool:
        if not words:
            return k == len(keys)
        return any(
            k + len(seg) <= len(keys)
            and all(p in table[keys[k + n]] for n, p in enumerate(seg))
            and fits(k + len(seg), words[1:])
            for seg in segmentations(words[0])
        )

    return fits(0, pinyin)


def looks_cantonese(syllables: Sequence[str], text: str) -> bool:
    """Whether syllables are written the Hong Kong way rather than in Pinyin: one of them is
    no Pinyin syllable ("tak", "keung", "wah"), or the name joins them with a hyphen
    ("Ka-yan"), which Pinyin does not do for a given name."""
    if any(s not in SYLLABLES for s in syllables):
        return True
    joined = "-".join(syllables)
    return joined in text.lower()


def spans(words: Sequence[str], text: str) -> list[tuple[int, int]]:
    """Where a name's words (its parts, in order) hold a given name written the Hong Kong
    way: (start, stop) of each run of two or three Cantonese syllables, longest first."""
    out = []
    for size in (3, MIN_SYLLABLES):
        for k in range(len(words) - size + 1):
            run = words[k : k + size]
            if looks_cantonese(run, text) and all(is_syllable(w) for w in run):
                out.append((k, k + size))
    return out


def pinyin_readings(syllables: Sequence[str]) -> list[str]:
    """The Pinyin words that Cantonese syllables may be a reading of ("tak", "ming" ->
    "deming", "teming", ...), for blocking; none if more than ``MAX_READINGS``."""
    table = readings()
    options = [sorted(table.get(fold(s), ())) for s in syllables]
    count = 1
    for option in options:
        count *= len(option)
    if not count or count > MAX_READINGS:
        return []
    words = [""]
    for option in options:
        words = [w + p for w in words for p in option]
    return words
