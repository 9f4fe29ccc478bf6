"""Blocking: which pairs of records are worth comparing.

Every record gets keys: each normalised identifier, and for names each distinctive name part,
its sound (metaphone) and rigour's name symbols, which are the same across scripts (Mohammed
and محمد share one). Names in another script therefore still share keys. A pair is a
candidate if it shares an identifier, two name parts, a birth date and a name key, or one
rare name key. Keys shared by too
many records (``trading``, ``mohammed``) are dropped: they would pair everyone with everyone.
"""

from __future__ import annotations

from rigour.names import NamePartTag

from silobreak.resolve.names import analyse, name_type
from silobreak.resolve.records import Record

_SKIP_TAGS = {NamePartTag.STOP, NamePartTag.LEGAL, NamePartTag.TITLE, NamePartTag.HONORIFIC}
MAX_KEY_RECORDS = 200
RARE_KEY_RECORDS = 20


def record_keys(record: Record) -> set[str]:
    """The blocking keys of one record."""
    keys: set[str] = set()
    for id_kind, values in record.ids.items():
        keys.update(f"id:{id_kind}:{value}" for value in values)
    keys.update(f"d:{day}" for day in record.birth_dates if len(day) == 10)
    for family in record.families:
        schema = {"person": "Person", "organization": "Company"}.get(family, "Vessel")
        for text in record.names:
            for name in analyse(name_type(schema), text):
                for part in name.parts:
                    if part.tag in _SKIP_TAGS or len(part.comparable) < 3:
                        continue
                    keys.add(f"n:{family}:{part.comparable}")
                    if part.metaphone and len(part.metaphone) >= 2:
                        keys.add(f"m:{family}:{part.metaphone}")
                for symbol in name.symbols:
                    if str(symbol.category.value) == "NAME":
                        keys.add(f"s:{family}:{symbol.id}")
    return keys
