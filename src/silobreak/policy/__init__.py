"""Access policy: who may see which statement, for which purpose."""

from silobreak.policy.rules import owner_predicate, statement_predicate
from silobreak.policy.viewer import SYSTEM, Viewer

__all__ = ["SYSTEM", "Viewer", "owner_predicate", "statement_predicate"]
