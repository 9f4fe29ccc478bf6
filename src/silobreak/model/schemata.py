"""Which FtM schema an entity has when its records disagree.

The same id may arrive as ``LegalEntity`` in one row and ``Person`` in another (FtM mappings
do this on purpose); FtM merges such entities to the most specific common schema. Some pairs
cannot be merged (a ``Person`` is never a ``Vessel``): such a row is refused.
"""

from __future__ import annotations

from functools import lru_cache

from followthemoney import model
from followthemoney.exc import InvalidData


@lru_cache(maxsize=4096)
def merge_schemata(names: tuple[str, ...]) -> str | None:
    """The most specific schema compatible with all ``names``, or ``None`` if there is none."""
    schema = model.get(names[0])
    if schema is None:
        return None
    for name in names[1:]:
        try:
            schema = model.common_schema(schema, name)
        except InvalidData:
            return None
    return schema.name
