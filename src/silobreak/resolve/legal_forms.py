"""Legal forms of organization names, as evidence of their own.

The name comparison gives a legal form little weight (``names.py``): "ROMASHKA LLC" and
"OOO Romashka" are one name, since OOO is the Russian for LLC. But "AL RAYYAN CEDAR PHARMA
LLC" and "AL RAYYAN CEDAR PHARMA FZE", registered in one country under two numbers, are
two companies: a group's mainland company and its free-zone establishment, or a
namesake. A bank's record of the LLC, with no registration number, matched both equally
and was left alone as ambiguous (``cluster.ambiguous_records``). A different legal form is
the evidence that tells the two candidates apart (large tuning world 1: pairwise F1 0.8791
-> 0.8818, every medium tuning world but one up or equal).

Forms are rigour's normalised legal-form parts (``LLC``, ``L.L.C.``, "Limited Liability
Company" and ``ООО`` read as ``llc`` or ``ooo``), grouped into families of translations of
one form (``FAMILIES``). Two records whose names both carry a form are ``match`` if they
share a family and ``different`` if not; ``absent`` otherwise. The model measures what a
different form is worth (EM on the candidate pairs, ``model.py``): clerks drop or mistype
forms, and a data set that writes "Ltd" for an LLC teaches the model so. A shared form
counts for nothing (``model._EVIDENCE_AGAINST_ONLY``): it follows from the country.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rigour.names import NamePartTag, NameTypeTag

from silobreak.resolve.names import ARABIC_LEGAL_FORMS, ARABIC_LEGAL_READINGS, analyse

# rigour's form -> the family of forms that are translations of one another. Forms not
# listed are a family of their own (GmbH and AG, a German group's two companies, differ).
FAMILIES: dict[str, str] = {
    "ooo": "llc",  # Russian and Ukrainian (ТОВ) limited liability company
    "pte": "ltd",  # Singapore's private limited, "Pte Ltd"
    "fzco": "fze",  # free-zone company and establishment (and "FZ-LLC"): free-zone forms
    "sacv": "sa",  # sociedad anónima de capital variable
}
# Parts tagged as legal forms that do not name one ("Co." of "Co. Ltd"), or whose family of
# translations is not known here (Arabic abbreviations, ``names.ARABIC_LEGAL_FORMS``: a
# registry's "FZE" and a declaration's ش.ذ.م.م are no evidence either way).
_NOT_A_FORM = frozenset({"co"}) | ARABIC_LEGAL_FORMS | ARABIC_LEGAL_READINGS


@lru_cache(maxsize=100_000)
def _families(text: str) -> frozenset[str]:
    """The families of the legal forms in one organization name."""
    return frozenset(
        FAMILIES.get(part.comparable, part.comparable)
        for reading in analyse(NameTypeTag.ORG, text)
        for part in reading.parts
        if part.tag == NamePartTag.LEGAL and part.comparable not in _NOT_A_FORM
    )


def legal_forms(names: Iterable[str]) -> frozenset[str]:
    """The families of legal forms an organization's names carry (all its names: a record
    that writes both "X LLC" and "X Limited Liability Company" holds one family)."""
    out: frozenset[str] = frozenset()
    for name in names:
        out |= _families(name)
    return out


def compare_forms(left: frozenset[str], right: frozenset[str]) -> tuple[str, str]:
    """(level, evidence) of two records' legal-form families."""
    if not left or not right:
        return "absent", ""
    if left & right:
        return "match", ", ".join(sorted(left & right))
    return "different", f"{', '.join(sorted(left))} vs {', '.join(sorted(right))}"
