"""The one place that decides which statements a viewer may see.

Every store method that reads statements or quarantine rows adds the predicate built here to
its SQL, so that search, exports, counts and error messages all see the same subset.

Until sharing agreements exist (a later issue), the rule is deliberately conservative:
a viewer sees its own organization's statements, and other organizations' statements only
where they are marked TLP:CLEAR or TLP:GREEN (community-wide sharing under TLP 2.0).
"""

from __future__ import annotations

from silobreak.policy.viewer import Viewer

# Markings any hub member may read without an agreement (TLP 2.0: CLEAR is public, GREEN is
# community-wide and every hub member is part of the community).
COMMUNITY_MARKINGS: tuple[str, ...] = ("TLP:CLEAR", "TLP:GREEN")


def statement_predicate(viewer: Viewer, alias: str = "") -> tuple[str, list[object]]:
    """SQL boolean expression (with ``?`` parameters) selecting rows the viewer may see.

    ``alias`` prefixes the column names (``"s."``) when the query joins several tables.
    """
    if viewer.system:
        return "TRUE", []
    marks = ", ".join("?" for _ in COMMUNITY_MARKINGS)
    sql = f"({alias}org = ? OR {alias}marking IN ({marks}))"
    return sql, [viewer.org, *COMMUNITY_MARKINGS]


def owner_predicate(viewer: Viewer, alias: str = "") -> tuple[str, list[object]]:
    """SQL expression for rows only their owner (or the system) may see, e.g. quarantine."""
    if viewer.system:
        return "TRUE", []
    return f"{alias}org = ?", [viewer.org]
