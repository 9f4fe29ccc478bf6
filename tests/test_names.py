"""Name comparison across scripts, orders, legal forms and typos; explanations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from silobreak.cli import main
from silobreak.resolve.cantonese import looks_cantonese, reads_as
from silobreak.resolve.names import (
    DEFAULT_THRESHOLD,
    abjad_pattern,
    compare_name_sets,
    compare_names,
)
from silobreak.resolve.pinyin import SYLLABLES, is_pinyin

SAME = [
    ("Person", "Mohammed Al-Husseini", "محمد الحسيني"),  # Arabic script
    ("Person", "Mohammed Husseini", "Muhamad Husaini"),  # transliteration drift
    ("Person", "Maria Osetrova", "Мария Александровна Осетрова"),  # Cyrillic + patronymic
    ("Person", "Wang Wei", "王伟"),  # Chinese
    ("Person", "Chen Xiaoming", "Chan Xiaoming"),  # Mandarin and Cantonese romanisation
    ("Person", "Juan Carlos Garcia", "GARCÍA, Juan Carlos"),  # order, case, accents
    ("Person", "Dmitry Sokolov", "Dmitriy Sokolov"),
    ("Person", "Olaf Scholze", "Olaf Scholz"),  # typo
    ("Company", "ООО «Ромашка»", "ROMASHKA LLC"),  # legal form across languages
    ("Company", "Romashka Obshchestvo s Ogranichennoy Otvetstvennostyu", "ROMASHKA LLC"),
    ("Company", "Sociedad Anónima Atlas Freight", "ATLAS FREIGHT S.A."),
    ("Company", "Northern Star Trading Limited", "Northern Star Trading Ltd."),
    ("Vessel", "Ocean Pearl", "OCEAN PEARL"),
    ("Person", "Joseph E. Kiplagat", "Joseph Emanuel Kiplagat"),  # an initial, no symbol for it
    ("Person", "Yaser bin Adel Shawky", "SHAWKY, Yaser"),  # the father's name dropped
    ("Person", "Marwan bin Abdallah Al-Dulaimi", "AL-DULAIMI, Marwan"),
]

DIFFERENT = [
    ("Person", "John Smith", "John Brown"),
    ("Person", "Izzat Ibrahim al-Mosuli", "Izzat Ibrahim al-Duri"),  # one part substituted
    ("Person", "Shamsuddin", "Shamsuddin Mohammed Haqqani"),  # a given name alone
    ("Person", "Joseph E. Kiplagat", "Joseph Peter Kiplagat"),  # the initial is not his
    ("Company", "Acme Trading Ltd", "Acme Shipping Ltd"),
    ("Company", "Apollo Investment Fund VIII L.P.", "Apollo Investment Fund IX L.P."),
    ("Company", "Saudi Arabian Gas Company", "Saudi Arabian Oil Company"),
    # a long chain of names with one element replaced: another father, another person
    ("Person", "Abdullah Khalid Hamad Saeed Al-Rashidi", "Abdullah Khalid Hamad Nasser Al-Rashidi"),
    # two Chinese surnames that share a metaphone (赵 and 周)
    ("Person", "ZHAO Lihua", "ZHOU, Lihua"),
    # the father's name kept and the person's own dropped: the father, or a brother
    ("Person", "Yaser bin Adel Shawky", "SHAWKY ADEL"),
    ("Person", "DOSARI, Anas A. bin Said", "AL-DOSARI SAID"),
]


@pytest.mark.parametrize(("schema", "left", "right"), SAME)
def test_same_entity_matches(schema: str, left: str, right: str) -> None:
    result = compare_names(schema, left, right)
    assert result.score >= DEFAULT_THRESHOLD, result.explain()
    # symmetric enough that the verdict does not depend on the order
    assert compare_names(schema, right, left).score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("schema", "left", "right"), DIFFERENT)
def test_different_entities_do_not_match(schema: str, left: str, right: str) -> None:
    result = compare_names(schema, left, right)
    assert result.score < DEFAULT_THRESHOLD, result.explain()


def test_scores_explain_themselves() -> None:
    result = compare_names("Person", "Mohammed Al-Husseini", "محمد الحسيني")
    text = result.explain()
    assert "mohammed=محمد (symbol:NAME" in text
    assert "al (only left, stop word)" in text
    different = compare_names("Person", "John Smith", "John Brown")
    assert "smith (only left, different)" in different.explain()
    legal = compare_names("Company", "ООО «Ромашка»", "ROMASHKA LLC")
    assert "ooo=llc (symbol:ORGCLS" in legal.explain()


def test_a_name_in_arabic_script_meets_its_latin_writing_letter_by_letter() -> None:
    """rigour's name data holds الجبوري and "Al-Jabouri" under two different symbols, and the
    ICU reading of the Arabic ("aljbwry jmal") has no short vowels for an edit distance to
    bridge. Read letter by letter (long vowels are letters, short ones are not) the Latin
    writing fits; a name with its long vowel elsewhere (Jabri, الجابري) does not, and a
    reading of fewer than three consonants (Zaid, Ziad) is too short to say."""
    result = compare_names("Person", "الجبوري جمال", "Gamal bin Hisham Al-Jabouri")
    assert "aljbwry=jabouri (script 0.80)" in result.explain()
    assert "jmal=gamal (script 0.80)" in result.explain()
    assert compare_names("Person", "Gamal bin Hisham Al-Jabouri", "الجبوري جمال").score == (
        result.score
    )
    assert compare_names("Person", "الجبوري جمال", "Jamal Jabri").score < 0.5
    assert compare_names("Person", "الجابري جمال", "Jamal Jabri").score >= DEFAULT_THRESHOLD
    assert abjad_pattern("zyd") is None


def test_a_cantonese_given_name_meets_its_pinyin() -> None:
    """德明 is "Deming" in Pinyin and "Tak-ming" in Hong Kong's romanisation of Cantonese:
    no letters in common, so rigour refused the pair (0.19). Read through the characters'
    two readings, each syllable fits; another name of the same Cantonese writing's surname
    (Zhiming: 志明) does not, nor does a Pinyin name read as if it were Cantonese."""
    result = compare_names("Person", "Tak-ming Liu", "LIU, Deming")
    assert "tak ming=deming (cantonese 0.80)" in result.explain()
    assert result.score >= DEFAULT_THRESHOLD
    assert compare_names("Person", "LIU, Deming", "Tak-ming Liu").score == result.score
    # a stop word to rigour ("to") is a syllable here; Pinyin written apart aligns too
    assert compare_names("Person", "Hoi-to Yuen", "YUAN, Haitao").score >= DEFAULT_THRESHOLD
    assert compare_names("Person", "Man-wah Lee", "LI Wen Hua").score >= DEFAULT_THRESHOLD
    assert compare_names("Person", "Tak-ming Liu", "LIU, Zhiming").score < 0.5
    # a Pinyin name is not read as Cantonese: without a hyphen or a syllable Pinyin lacks
    assert not looks_cantonese(["hui", "ming"], "Hui Ming Zhang")
    assert looks_cantonese(["ka", "yan"], "Ka-yan Wong")
    assert reads_as(["sze", "yu"], ["siyu"]) and reads_as(["tsz", "ho"], ["zi", "hao"])
    assert not reads_as(["tak", "ming"], ["de"])


def test_a_pair_scores_the_same_from_either_side() -> None:
    """rigour's alignment is greedy: these two names scored 0.19 one way and 0.82 the other.
    A pair of records must not score by which was read first; explanations keep each
    name on its side."""
    there = compare_names("Person", "carl vincent", "karl jean vince")
    back = compare_names("Person", "karl jean vince", "carl vincent")
    assert there.score == back.score
    assert (there.left, there.right) == ("carl vincent", "karl jean vince")
    assert (back.left, back.right) == ("karl jean vince", "carl vincent")
    assert [(p.left, p.right) for p in there.parts] == [(p.right, p.left) for p in back.parts]
    assert "jean (only right" in there.explain()
    assert "jean (only left" in back.explain()


def test_identical_and_empty() -> None:
    assert compare_names("Person", "Ivan Petrov", "ivan  PETROV").score == 1.0
    assert compare_names("Person", "", "Ivan Petrov").score == 0.0


def test_best_of_several_names() -> None:
    result = compare_name_sets("Person", ["I. P.", "Ivan Petrov"], ["Иван Петров"])
    assert result.score >= 0.9
    assert result.left == "Ivan Petrov"


def test_cli_names_compare(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "schema,name1,name2,case\nPerson,Ivan Petrov,Иван Петров,a\n"
        "Company,Acme Trading Ltd,Acme Shipping Ltd,b\n",
        "utf-8",
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["names", "compare", "--in", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [r["case"] for r in rows] == ["a", "b"]  # other columns pass through
    assert [r["match"] for r in rows] == ["true", "false"]
    assert 0 <= float(rows[1]["score"]) < 0.7
    assert rows[0]["explanation"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name1,name2\nA,B\n")
    failed = CliRunner().invoke(main, ["names", "compare", "--in", str(bad), "--out", str(out)])
    assert failed.exit_code == 1 and "missing column(s) schema" in failed.output


def test_pinyin_words_and_syllables() -> None:
    assert {"zhao", "zhou", "zhu", "li", "hua", "xiong"} <= SYLLABLES
    assert is_pinyin("lihua") and is_pinyin("xiaoming") and is_pinyin("zhao")
    assert not is_pinyin("smith") and not is_pinyin("mohammed") and not is_pinyin("")
