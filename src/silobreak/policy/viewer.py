"""Who is asking: every read from a store names a viewer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    """An organization's user reading for a stated purpose.

    ``system`` viewers are the pipeline itself (ingest checks, exports run by the hub operator);
    they see everything. Every other viewer sees what :mod:`silobreak.policy.rules` allows.
    """

    org: str
    user: str = "cli"
    purpose: str = "analysis"
    system: bool = False


SYSTEM = Viewer(org="*", user="system", purpose="pipeline", system=True)


def view_of(viewer: Viewer) -> str:
    """The name under which results computed for this viewer are kept ('' for the system):
    a graph built from one organization's visible statements is that organization's view."""
    return "" if viewer.system else viewer.org
